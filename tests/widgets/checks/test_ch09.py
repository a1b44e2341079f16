"""Chapter 09 exercise checks and the pretrained-weights helper.

Each check: the right answer passes, the untouched stub is "not yet", typical mistakes get
the matching hint, and shortcuts that only look right fail.
"""

from __future__ import annotations

import copy
import urllib.error

import pytest
import torch
import torchvision.models._api as tv_api
from torch import nn
from torchvision import transforms as v1
from torchvision.models import ResNet18_Weights, resnet18
from torchvision.transforms import v2

from widgets import check_augmentations, check_early_stopping, check_freeze, load_pretrained
from widgets._i18n import set_lang

# 1. Early stopping ---------------------------------------------------------------------


def reference(model, train_one_epoch, validate, max_epochs, patience):
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        loss = validate(model)
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return best_epoch


def variant(*, compare="best", strict=True, stop=True, restore=True, deep=True, patience_off=0):
    """The reference with one typical mistake switched on."""

    def fit(model, train_one_epoch, validate, max_epochs, patience):
        best_loss, best_epoch, best_state, previous, waited = float("inf"), 0, None, None, 0
        for epoch in range(1, max_epochs + 1):
            train_one_epoch(model)
            loss = validate(model)
            against = best_loss if compare == "best" or previous is None else previous
            previous = loss
            if loss < against or (not strict and loss <= against):
                best_loss, best_epoch, waited = loss, epoch, 0
                state = model.state_dict()
                best_state = copy.deepcopy(state) if deep else state
            else:
                waited += 1
                if stop and waited >= patience + patience_off:
                    break
        if restore:
            model.load_state_dict(best_state)
        return best_epoch

    return fit


def test_early_stopping_right_answers():
    verdict = check_early_stopping(reference)
    assert verdict and "5 sequences" in verdict.detail
    assert check_early_stopping(variant())  # counting waits instead of epochs is fine too


def test_early_stopping_stub_is_not_yet():
    def fit_early_stopping(model, train_one_epoch, validate, max_epochs, patience):
        pass

    assert check_early_stopping(fit_early_stopping).status == "todo"
    assert check_early_stopping(None).status == "todo"


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (variant(stop=False), "Leave the loop"),  # trains max_epochs, then restores the best
        (variant(compare="previous"), "Leave the loop"),
        (variant(patience_off=-1), "Count epochs without improvement"),
        (variant(strict=False), "strictly lower"),
        (variant(restore=False), "Load the remembered state_dict"),
        (variant(deep=False), "copy.deepcopy"),
        ("fit", "is not a function"),
    ],
)
def test_early_stopping_typical_mistakes(answer, hint):
    verdict = check_early_stopping(answer)
    assert verdict.status == "wrong" and hint in verdict.hint, verdict


def test_early_stopping_shortcuts_fail():
    def fixed_epoch(model, train_one_epoch, validate, max_epochs, patience):
        for _ in range(9):
            train_one_epoch(model)
        return 6  # the first scenario's answer, whatever the losses

    def off_by_one(model, train_one_epoch, validate, max_epochs, patience):
        return reference(model, train_one_epoch, validate, max_epochs, patience) - 1

    for answer, hint in [(fixed_epoch, "stop"), (off_by_one, "counting from 1")]:
        verdict = check_early_stopping(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, verdict


def test_early_stopping_crash_is_a_verdict():
    def broken(model, train_one_epoch, validate, max_epochs, patience):
        raise KeyError("oops")

    verdict = check_early_stopping(broken)
    assert verdict.status == "wrong" and "KeyError" in verdict.hint


# 2. Augmentations ----------------------------------------------------------------------

GOOD = [
    v2.Compose([v2.RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1))]),
    v2.Compose([v2.RandomRotation(15), v2.RandomAffine(degrees=0, translate=(0.1, 0.1))]),
    v1.Compose([v1.RandomAffine(degrees=12, translate=(0.08, 0.08))]),  # the old API works too
]


@pytest.mark.parametrize("augment", GOOD)
def test_augmentations_right_answers(augment):
    verdict = check_augmentations(augment)
    assert verdict and "of 48 images changed" in verdict.detail, verdict


def test_augmentations_stub_is_not_yet():
    assert check_augmentations(None).status == "todo"


@pytest.mark.parametrize(
    ("augment", "hint"),
    [
        (v2.Compose([v2.RandomAffine(degrees=10), v2.RandomHorizontalFlip()]), "Drop the flip"),
        (v2.Compose([v2.RandomVerticalFlip(p=0.5)]), "6 and 9 swapped"),
        (v2.Compose([v2.RandomRotation(180)]), "within ±30°"),
        (v2.Compose([v2.RandomAffine(degrees=(-90, 90))]), "within ±30°"),
        (v2.Compose([v2.RandomInvert()]), "Inverted"),
        (v2.Compose([v2.RandomAffine(degrees=0, translate=(0.6, 0.6))]), "pushed off"),
        (v2.Compose([v2.RandomResizedCrop(224)]), "(1, 28, 28)"),
        (v2.Compose([v2.RandomApply([v2.RandomRotation(10)], p=0.1)]), "changes every image"),
        (v2.Compose([v2.ToPILImage()]), "image tensors"),
        ("RandomAffine", "not a transform"),
    ],
)
def test_augmentations_typical_mistakes(augment, hint):
    verdict = check_augmentations(augment)
    assert verdict.status == "wrong" and hint in verdict.hint, verdict


def test_augmentations_shortcuts_fail():
    # doing nothing, or a hand-written mirror that hides from the transform names
    for augment, hint in [
        (v2.Compose([v2.Identity()]), "changes every image"),
        (lambda x: x.flip(-1), "flip"),
    ]:
        verdict = check_augmentations(augment)
        assert verdict.status == "wrong" and hint in verdict.hint, verdict


def test_augmentation_verdict_does_not_use_the_global_seed():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    check_augmentations(GOOD[0])
    assert torch.equal(torch.rand(1), before)  # the check ran on its own random stream


# 3. Freezing ---------------------------------------------------------------------------


def pretrained_net() -> nn.Module:
    torch.manual_seed(0)
    net = nn.Module()
    net.features = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4), nn.Flatten()
    )
    net.fc = nn.Linear(8 * 7 * 7, 5)
    return net


def answer(mistake: str = ""):
    pretrained = pretrained_net()
    model = copy.deepcopy(pretrained)
    if mistake == "optimizer first":
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if mistake == "eval":
        model.eval()
    elif mistake != "no freeze":
        model.features.requires_grad_(False)
    if mistake == "freeze all":
        model.requires_grad_(False)
    if mistake == "reinit features":
        model.features[0].reset_parameters()
    if mistake not in ("keep head", "optimizer first"):
        model.fc = nn.Linear(model.fc.in_features, 10 if mistake == "10 classes" else 5)
    if mistake == "freeze all":
        model.fc.requires_grad_(False)
    if mistake == "optimizer first":
        model.fc = nn.Linear(model.fc.in_features, 5)
        return model, optimizer, pretrained
    params = {
        "all params": model.parameters(),
        "old head": pretrained.fc.parameters(),
    }.get(mistake, [p for p in model.parameters() if p.requires_grad])
    cls = torch.optim.SGD if mistake == "sgd" else torch.optim.Adam
    lr = 1e-2 if mistake == "lr" else 1e-3
    optimizer = cls(params, lr=lr) if mistake != "freeze all" else cls(model.parameters(), lr=lr)
    return model, optimizer, pretrained


def test_freeze_right_answer():
    verdict = check_freeze(*answer())
    assert verdict and "Adam trains only the 1,965 of the new fc" in verdict.detail, verdict
    model, _, pretrained = answer()
    alternative = torch.optim.Adam(model.fc.parameters(), lr=1e-3)
    assert check_freeze(model, alternative, pretrained)


def test_freeze_stub_is_not_yet():
    model, _, pretrained = answer()
    assert check_freeze(model, None, pretrained).status == "todo"


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("no freeze", "still have requires_grad=True"),
        ("eval", "freezes nothing"),
        ("keep head", "still the output layer pretrained on 0–4"),
        ("10 classes", "output 5 classes"),
        ("all params", "frozen parameter tensor"),
        ("old head", "old fc"),
        ("optimizer first", "frozen parameter tensor"),
        ("sgd", "torch.optim.Adam"),
        ("lr", "lr=1e-3"),
        ("reinit features", "differ from the pretrained"),
        ("freeze all", "fc must train"),
    ],
)
def test_freeze_typical_mistakes(mistake, hint):
    verdict = check_freeze(*answer(mistake))
    assert verdict.status == "wrong" and hint in verdict.hint, (mistake, verdict)


def test_freeze_messages_in_japanese():
    set_lang("ja")
    verdict = check_freeze(*answer("eval"))
    assert "requires_grad を False" in verdict.hint and "固定しません" in verdict.hint


# load_pretrained: online with a faked download, and offline ---------------------------


def test_load_pretrained_uses_the_downloaded_weights(monkeypatch, capsys):
    torch.manual_seed(1)
    published = resnet18().state_dict()  # what the fake "download" hands to torchvision
    urls = []

    def fake_download(url, *args, **kwargs):
        urls.append(url)
        return published

    monkeypatch.setattr(tv_api, "load_state_dict_from_url", fake_download)
    model = load_pretrained(resnet18, ResNet18_Weights.DEFAULT)
    assert urls == [ResNet18_Weights.DEFAULT.url]
    assert torch.equal(model.fc.weight, published["fc.weight"])
    assert model.fc.out_features == 1000
    assert "Loaded resnet18 with the pretrained weights" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_load_pretrained_offline_says_so_and_goes_on(monkeypatch, capsys, lang):
    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(tv_api, "load_state_dict_from_url", no_network)
    set_lang(lang)
    model = load_pretrained(resnet18, ResNet18_Weights.DEFAULT)
    out = capsys.readouterr().out
    assert isinstance(model, nn.Module) and model.fc.out_features == 1000
    assert "Name or service not known" in out
    assert ("weights=None" in out) and (("ダウンロードできません" in out) == (lang == "ja"))


def test_load_pretrained_refuses_a_non_builder():
    with pytest.raises(TypeError, match="builder"):
        load_pretrained("resnet18", ResNet18_Weights.DEFAULT)
