"""Chapter 09: early stopping, label-keeping augmentations, a frozen feature extractor."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn
from torchvision.transforms import v2

from tests.corpus import changed, mistake, right, shortcut, stub
from widgets import check_augmentations, check_early_stopping, check_freeze
from widgets._checks.ch09 import (
    AUG_CROP,
    AUG_FLIP,
    AUG_INVERT,
    AUG_LOST_INK,
    AUG_NOT_CALLABLE,
    AUG_NOT_RANDOM,
    AUG_NOT_TENSOR,
    AUG_NOTHING,
    AUG_ROTATION,
    AUG_SHAPE,
    FREEZE_CHANGED_FEATURES,
    FREEZE_EVAL,
    FREEZE_FEATURES,
    FREEZE_HEAD_FROZEN,
    FREEZE_HEAD_SIZE,
    FREEZE_HEAD_TYPE,
    FREEZE_LR,
    FREEZE_NOT_ADAM,
    FREEZE_NOT_MODEL,
    FREEZE_NOT_OPTIMIZER,
    FREEZE_OPT_FROZEN,
    FREEZE_OPT_OLD_HEAD,
    STOP_NO_COPY,
    STOP_NO_RESTORE,
    STOP_NOT_CALLABLE,
    STOP_OVERRAN,
    STOP_RETURN,
    STOP_TIES,
    STOP_TOO_LATE,
)
from widgets._checks.verdict import RETURNED_NONE

# 1. Early stopping ---------------------------------------------------------------------


def stop_with_a_counter(model, train_one_epoch, validate, max_epochs, patience):
    best, best_epoch, saved, waited, epoch = None, 0, None, 0, 0
    while epoch < max_epochs and waited < patience:
        epoch += 1
        train_one_epoch(model)
        loss = validate(model)
        if best is None or loss < best:
            best, best_epoch, waited = loss, epoch, 0
            saved = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
    model.load_state_dict(saved)
    return best_epoch


def stop_keeping_every_state(model, train_one_epoch, validate, max_epochs, patience):
    history, states = [], []
    for _ in range(max_epochs):
        train_one_epoch(model)
        history.append(validate(model))
        states.append(copy.deepcopy(model.state_dict()))
        best = history.index(min(history))  # the first of equal minima
        if len(history) - 1 - best >= patience:
            break
    model.load_state_dict(states[best])
    return best + 1


def early_stopping(*, against_last=False, ties=False, late=0, copy_state=True, restore=True):
    """A learner's loop with one mistake switched on (counting from 0 is its own answer)."""

    def fit(model, train_one_epoch, validate, max_epochs, patience):
        best, last, best_epoch, saved = float("inf"), float("inf"), 0, None
        for epoch in range(1, max_epochs + 1):
            train_one_epoch(model)
            loss = validate(model)
            improved = loss < (last if against_last else best) or (ties and loss == best)
            last = loss
            if improved:
                best, best_epoch = min(best, loss), epoch
                saved = (
                    model.state_dict().copy()
                    if not copy_state
                    else copy.deepcopy(model.state_dict())
                )
            elif epoch - best_epoch >= patience + late:
                break
        if restore:
            model.load_state_dict(saved)
        return best_epoch

    return fit


def stop_counting_from_zero(model, train_one_epoch, validate, max_epochs, patience):
    best, best_epoch, saved = float("inf"), 0, None
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validate(model)
        if loss < best:
            best, best_epoch, saved = loss, epoch, copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(saved)
    return best_epoch


def stop_with_argmin(model, train_one_epoch, validate, max_epochs, patience):
    """Every loss and state kept; returns a NumPy integer (np.argmin's first minimum + 1)."""
    losses, states = [], []
    for _ in range(max_epochs):
        train_one_epoch(model)
        losses.append(validate(model))
        states.append(copy.deepcopy(model.state_dict()))
        if len(losses) - 1 - np.argmin(losses) >= patience:
            break
    best = np.argmin(losses)
    model.load_state_dict(states[best])
    return best + 1


def stop_no_return(model, train_one_epoch, validate, max_epochs, patience):
    best, best_epoch, saved = float("inf"), 0, None
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        if (loss := validate(model)) < best:
            best, best_epoch, saved = loss, epoch, copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(saved)


def stop_stub(model, train_one_epoch, validate, max_epochs, patience):
    pass  # replace this line


def stop_without_max_epochs(model, train_one_epoch, validate, max_epochs, patience):
    """Stops on patience alone: runs past max_epochs while the loss keeps improving."""
    best, best_epoch, saved, epoch = float("inf"), 0, None, 0
    while True:
        epoch += 1
        train_one_epoch(model)
        loss = validate(model)
        if loss < best:
            best, best_epoch, saved = loss, epoch, copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(saved)
    return best_epoch


def stop_never(model, train_one_epoch, validate, max_epochs, patience):
    """The break was forgotten: a loop that never ends (it hung the kernel before)."""
    epoch = 0
    while epoch < max_epochs or True:
        epoch += 1
        train_one_epoch(model)
        validate(model)


def stop_validating_only(model, train_one_epoch, validate, max_epochs, patience):
    """Waits for an improvement without training: validate runs for ever."""
    best = validate(model)
    while validate(model) >= best:
        pass
    return 1


def stop_swallowing_errors(model, train_one_epoch, validate, max_epochs, patience):
    """A loop whose body ignores every error, the check's bound included."""
    while True:
        try:
            train_one_epoch(model)
            validate(model)
        except Exception:
            pass


# 2. Augmentations ----------------------------------------------------------------------


def augment_no_return(image):
    v2.RandomAffine(degrees=10, translate=(0.1, 0.1))(image)


# 3. Freezing ---------------------------------------------------------------------------


def freeze(edit):
    """The chapter's ``pretrained`` and ``model`` cell, then the learner's ``edit(model)``."""

    def args():
        torch.manual_seed(0)
        pretrained = nn.Module()
        pretrained.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten()
        )
        pretrained.fc = nn.Linear(8 * 7 * 7, 5)
        model = copy.deepcopy(pretrained)
        return model, edit(model), pretrained

    return args


def freeze_head_too(model):
    model.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 5).requires_grad_(False)
    return torch.optim.Adam(model.fc.parameters(), lr=1e-3)


def head_as_sequential(model):
    model.features.requires_grad_(False)
    model.fc = nn.Sequential(nn.Linear(model.fc.in_features, 5))
    return torch.optim.Adam(model.fc.parameters(), lr=1e-3)


def sgd(model):
    model.features.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.SGD(model.fc.parameters(), lr=1e-3)


def parameters_not_optimizer(model):
    model.features.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 5)
    return list(model.fc.parameters())


def a_layer_dropped(model):
    model.features = model.features[1:].requires_grad_(False)  # the convolution is gone
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.Adam(model.fc.parameters(), lr=1e-3)


def freeze_in_a_loop(model):
    for p in model.features.parameters():
        p.requires_grad = False
    model.fc = nn.Linear(392, 5)
    return torch.optim.Adam(model.fc.parameters(), lr=0.001)


def freeze_everything_then_new_head(model):
    model.requires_grad_(False)  # the new fc below is created trainable
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-3)


def freeze_with_eval(model):
    model.features.eval()
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.Adam(model.fc.parameters(), lr=1e-3)


def freeze_with_no_grad(model):
    with torch.no_grad():  # a no_grad block freezes nothing once it ends
        model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.Adam(model.fc.parameters(), lr=1e-3)


def optimizer_before_new_head(model):
    model.features.requires_grad_(False)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    model.fc = nn.Linear(model.fc.in_features, 5)
    return optimizer


def all_parameters(model):
    model.features.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.Adam(model.parameters(), lr=1e-3)


def head_for_ten(model):
    model.features.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 10)
    return torch.optim.Adam(model.fc.parameters(), lr=1e-3)


def adamw(model):
    model.features.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.AdamW(model.fc.parameters(), lr=1e-3)


def lr_too_big(model):
    model.features.requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.Adam(model.fc.parameters(), lr=1e-2)


def rebuilt_features(model):
    """Builds the extractor anew instead of reusing the pretrained one."""
    model.features = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten()
    ).requires_grad_(False)
    model.fc = nn.Linear(model.fc.in_features, 5)
    return torch.optim.Adam(model.fc.parameters(), lr=1e-3)


ANSWERS = [
    right("a while loop with a counter", check_early_stopping, lambda: (stop_with_a_counter,)),
    right("every state kept", check_early_stopping, lambda: (stop_keeping_every_state,)),
    right("np.argmin, a NumPy epoch", check_early_stopping, lambda: (stop_with_argmin,)),
    mistake(
        "state_dict().copy()",
        check_early_stopping,
        lambda: (early_stopping(copy_state=False),),
        STOP_NO_COPY,
    ),
    mistake(
        "compared with the last epoch",
        check_early_stopping,
        lambda: (early_stopping(against_last=True),),
        STOP_TOO_LATE,
    ),
    mistake(
        "an equal loss counts",
        check_early_stopping,
        lambda: (early_stopping(ties=True),),
        STOP_TIES,
    ),
    mistake("> patience", check_early_stopping, lambda: (early_stopping(late=1),), STOP_TOO_LATE),
    mistake(
        "no load_state_dict",
        check_early_stopping,
        lambda: (early_stopping(restore=False),),
        STOP_NO_RESTORE,
    ),
    mistake("epochs from 0", check_early_stopping, lambda: (stop_counting_from_zero,), STOP_RETURN),
    mistake("forgotten return", check_early_stopping, lambda: (stop_no_return,), STOP_RETURN),
    shortcut(
        "never stops (trains max_epochs, then restores the best)",
        check_early_stopping,
        lambda: (early_stopping(late=float("inf")),),
        STOP_TOO_LATE,
    ),
    mistake(
        "max_epochs ignored", check_early_stopping, lambda: (stop_without_max_epochs,), STOP_OVERRAN
    ),
    mistake("no break: never ends", check_early_stopping, lambda: (stop_never,), STOP_OVERRAN),
    mistake(
        "validates for ever", check_early_stopping, lambda: (stop_validating_only,), STOP_OVERRAN
    ),
    mistake(
        "a loop that swallows errors",
        check_early_stopping,
        lambda: (stop_swallowing_errors,),
        STOP_OVERRAN,
    ),
    mistake("a string", check_early_stopping, lambda: ("fit_early_stopping",), STOP_NOT_CALLABLE),
    changed(
        stub("the stub", check_early_stopping, lambda: (stop_stub,)),
        "issue 24: the one learner call (learner.call) tells the untouched stub, with the "
        "hint for an empty function body",
    ),
    right(
        "rotation, then a padded crop",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomRotation(12), v2.RandomCrop(28, padding=2)]),),
    ),
    right(
        "a gentle resized crop",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomResizedCrop(28, scale=(0.85, 1.0), ratio=(0.9, 1.1))]),),
    ),
    right(
        "perspective",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomPerspective(distortion_scale=0.2, p=1.0)]),),
    ),
    mistake(
        "a horizontal flip",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomRotation(10), v2.RandomHorizontalFlip(p=0.5)]),),
        AUG_FLIP,
    ),
    mistake(
        "±90° rotations",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomRotation(90)]),),
        AUG_ROTATION,
    ),
    mistake(
        "Normalize alone",
        check_augmentations,
        lambda: (v2.Compose([v2.Normalize((0.1307,), (0.3081,))]),),
        AUG_NOT_RANDOM,
    ),
    mistake(
        "ImageNet's RandomResizedCrop",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomResizedCrop(28)]),),
        AUG_CROP,
    ),
    mistake(
        "translate 0.5",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomAffine(degrees=5, translate=(0.5, 0.5))]),),
        AUG_LOST_INK,
    ),
    mistake(
        "resized to 32",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomRotation(10), v2.Resize(32)]),),
        AUG_SHAPE,
    ),
    mistake(
        "a list without Compose",
        check_augmentations,
        lambda: ([v2.RandomRotation(10)],),
        AUG_NOT_CALLABLE,
    ),
    mistake("forgotten return", check_augmentations, lambda: (augment_no_return,), RETURNED_NONE),
    shortcut(
        "turned upside down by hand",
        check_augmentations,
        lambda: (lambda image: image.flip(-1).flip(-2),),
        AUG_ROTATION,
    ),
    shortcut(
        "inverted by hand", check_augmentations, lambda: (lambda image: 1.0 - image,), AUG_INVERT
    ),
    shortcut(
        "v2.Identity",
        check_augmentations,
        lambda: (v2.Compose([v2.Identity()]),),
        AUG_NOTHING,
    ),
    mistake(
        "a transform for PIL images",
        check_augmentations,
        lambda: (lambda image: v2.ToPILImage()(image),),
        AUG_NOT_TENSOR,
    ),
    mistake(
        "a vertical flip among others",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomAffine(degrees=5), v2.RandomVerticalFlip(p=0.5)]),),
        AUG_FLIP,
    ),
    mistake(
        "solarize",
        check_augmentations,
        lambda: (v2.Compose([v2.RandomRotation(10), v2.RandomSolarize(0.5, p=1.0)]),),
        AUG_INVERT,
    ),
    mistake("a number", check_augmentations, lambda: (0.1,), AUG_NOT_CALLABLE),
    stub("the stub", check_augmentations, lambda: (None,)),
    right("a loop over features", check_freeze, freeze(freeze_in_a_loop)),
    right(
        "everything frozen, then a new fc",
        check_freeze,
        freeze(freeze_everything_then_new_head),
    ),
    mistake("features.eval()", check_freeze, freeze(freeze_with_eval), FREEZE_EVAL),
    mistake("torch.no_grad()", check_freeze, freeze(freeze_with_no_grad), FREEZE_FEATURES),
    mistake(
        "optimizer before the new fc",
        check_freeze,
        freeze(optimizer_before_new_head),
        FREEZE_OPT_OLD_HEAD,
    ),
    mistake("all parameters to Adam", check_freeze, freeze(all_parameters), FREEZE_OPT_FROZEN),
    mistake("10 classes", check_freeze, freeze(head_for_ten), FREEZE_HEAD_SIZE),
    mistake("AdamW", check_freeze, freeze(adamw), FREEZE_NOT_ADAM),
    mistake("lr 1e-2", check_freeze, freeze(lr_too_big), FREEZE_LR),
    shortcut(
        "features built anew", check_freeze, freeze(rebuilt_features), FREEZE_CHANGED_FEATURES
    ),
    mistake("fc frozen too", check_freeze, freeze(freeze_head_too), FREEZE_HEAD_FROZEN),
    mistake("fc as a Sequential", check_freeze, freeze(head_as_sequential), FREEZE_HEAD_TYPE),
    mistake("SGD", check_freeze, freeze(sgd), FREEZE_NOT_ADAM),
    mistake(
        "a list of parameters", check_freeze, freeze(parameters_not_optimizer), FREEZE_NOT_OPTIMIZER
    ),
    shortcut(
        "a layer of features dropped",
        check_freeze,
        freeze(a_layer_dropped),
        FREEZE_CHANGED_FEATURES,
    ),
    mistake(
        "a string for the model",
        check_freeze,
        lambda: ("resnet", *freeze(freeze_in_a_loop)()[1:]),
        FREEZE_NOT_MODEL,
    ),
    stub("the stub", check_freeze, freeze(lambda model: None)),
]
