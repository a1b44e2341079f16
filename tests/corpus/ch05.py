"""Chapter 05: the training step, the loss for logits, the accuracy."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tests.corpus import changed, mistake, right, stub
from widgets import check_accuracy, check_logits_loss, check_train_step
from widgets._checks.ch05 import (
    ACC_BY_CLASSES,
    ACC_COUNT,
    ACC_INT_DIV,
    ACC_NO_DIM,
    ACC_NOT_CALLABLE,
    ACC_NOT_NUMBER,
    ACC_PERCENT,
    ACC_TENSOR,
    ACC_WRONG,
    ACC_WRONG_DIM,
    LOGITS_NLL,
    LOGITS_NOT_TENSOR,
    LOGITS_SOFTMAX,
    LOGITS_WRONG,
    STEP_ACCUMULATES,
    STEP_NO_UPDATE,
    STEP_NOT_CALLABLE,
    STEP_RETURN,
    STEP_RETURN_TENSOR,
    STEP_RETURN_WRONG,
    STEP_SWAPPED,
    STEP_WRONG_UPDATE,
)
from widgets._checks.learner import NOT_A_TENSOR
from widgets._checks.verdict import RETURNED_NONE

LOGITS = torch.tensor([[1.5, -0.3, 0.2], [0.1, 2.2, -1.0], [-0.5, 0.3, 0.9], [2.0, 1.9, -0.2]])
LABELS = torch.tensor([0.0, 1.0, 2.0, 1.0])


def step_zero_grad_last(model, X, y, loss_fn, optimizer):
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss.item()


def step_no_zero_grad(model, X, y, loss_fn, optimizer):
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def step_no_return(model, X, y, loss_fn, optimizer):
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()


def step_tensor(model, X, y, loss_fn, optimizer):
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss


def step_before_backward(model, X, y, loss_fn, optimizer):
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    optimizer.step()
    loss.backward()
    return loss.item()


def step_swapped(model, X, y, loss_fn, optimizer):
    optimizer.zero_grad()
    loss = loss_fn(y, model(X))  # MSE is symmetric: the same loss and gradient
    loss.backward()
    optimizer.step()
    return loss.item()


def step_twice(model, X, y, loss_fn, optimizer):
    for _ in range(2):
        loss = step_zero_grad_last(model, X, y, loss_fn, optimizer)
    return loss


def step_loss_after(model, X, y, loss_fn, optimizer):
    step_zero_grad_last(model, X, y, loss_fn, optimizer)
    return loss_fn(model(X), y).item()


def step_text(model, X, y, loss_fn, optimizer):
    return f"loss {step_zero_grad_last(model, X, y, loss_fn, optimizer):.3f}"


def step_stub(model, X, y, loss_fn, optimizer):
    pass  # write the five lines in the right order, then return the loss


def accuracy_count_then_divide(logits, labels):
    right = (logits.argmax(dim=1) == labels).sum().item()
    return right / len(labels)


def accuracy_no_return(logits, labels):
    (logits.argmax(dim=1) == labels).float().mean().item()


def accuracy_stub(logits, labels):
    pass  # replace this line


ANSWERS = [
    right("zero_grad() last", check_train_step, lambda: (step_zero_grad_last,)),
    mistake("no zero_grad()", check_train_step, lambda: (step_no_zero_grad,), STEP_ACCUMULATES),
    mistake("forgotten return", check_train_step, lambda: (step_no_return,), RETURNED_NONE),
    mistake("the loss tensor", check_train_step, lambda: (step_tensor,), STEP_RETURN_TENSOR),
    mistake(
        "step() before backward()",
        check_train_step,
        lambda: (step_before_backward,),
        STEP_NO_UPDATE,
    ),
    stub("the stub", check_train_step, lambda: (step_stub,)),
    right(
        "F.cross_entropy",
        check_logits_loss,
        lambda: (LOGITS, LABELS, F.cross_entropy(LOGITS, LABELS.long())),
    ),
    right(
        "log_softmax + NLLLoss, as a number",
        check_logits_loss,
        lambda: (LOGITS, LABELS, nn.NLLLoss()(F.log_softmax(LOGITS, dim=1), LABELS.long()).item()),
    ),
    mistake(
        "softmax first",
        check_logits_loss,
        lambda: (LOGITS, LABELS, nn.CrossEntropyLoss()(LOGITS.softmax(dim=1), LABELS.long())),
        LOGITS_SOFTMAX,
    ),
    mistake(
        "NLLLoss on logits",
        check_logits_loss,
        lambda: (LOGITS, LABELS, F.nll_loss(LOGITS, LABELS.long())),
        LOGITS_NLL,
    ),
    mistake(
        "MSE on the first column",
        check_logits_loss,
        lambda: (LOGITS, LABELS, F.mse_loss(LOGITS[:, 0], LABELS)),
        LOGITS_WRONG,
    ),
    changed(
        right("count, then divide", check_accuracy, lambda: (accuracy_count_then_divide,)),
        "issue 24: a fifth batch (all right, largest logit in row 0) tells // from argmax()",
    ),
    changed(
        right(
            "torch.eq and mean",
            check_accuracy,
            lambda: (lambda z, y: torch.eq(z.max(dim=1).indices, y).double().mean().item(),),
        ),
        "issue 24: a fifth batch (all right, largest logit in row 0) tells // from argmax()",
    ),
    mistake(
        "argmax(dim=0)",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=0) == y).float().mean().item(),),
        ACC_WRONG_DIM,
    ),
    mistake(
        "// len(labels)",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=1) == y).sum().item() // len(y),),
        ACC_INT_DIV,
    ),
    changed(
        mistake(
            "divided by the classes",
            check_accuracy,
            lambda: (lambda z, y: (z.argmax(dim=1) == y).sum().item() / z.shape[1],),
            ACC_BY_CLASSES,
        ),
        "issue 24: the hint shows the value that came back",
    ),
    mistake(
        "a percentage",
        check_accuracy,
        lambda: (lambda z, y: 100 * (z.argmax(dim=1) == y).float().mean().item(),),
        ACC_PERCENT,
    ),
    mistake(
        "a tensor",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=1) == y).float().mean(),),
        ACC_TENSOR,
    ),
    mistake("forgotten return", check_accuracy, lambda: (accuracy_no_return,), RETURNED_NONE),
    stub("the stub", check_accuracy, lambda: (accuracy_stub,)),
    # Hostile or mistaken answers added for issue 24 (moved from tests/widgets/checks/test_ch05.py too).
    mistake("loss_fn(y, model(X))", check_train_step, lambda: (step_swapped,), STEP_SWAPPED),
    mistake("two steps per call", check_train_step, lambda: (step_twice,), STEP_WRONG_UPDATE),
    mistake(
        "returns the loss after the step",
        check_train_step,
        lambda: (step_loss_after,),
        STEP_RETURN_WRONG,
    ),
    mistake("returns a string", check_train_step, lambda: (step_text,), STEP_RETURN),
    mistake("the class of a step", check_train_step, lambda: ("train_step",), STEP_NOT_CALLABLE),
    mistake(
        "the loss function itself",
        check_logits_loss,
        lambda: (LOGITS, LABELS, nn.CrossEntropyLoss()),
        LOGITS_NOT_TENSOR,
    ),
    mistake(
        "logits overwritten with a list",
        check_logits_loss,
        lambda: (LOGITS.tolist(), LABELS, 1.0),
        NOT_A_TENSOR,
    ),
    mistake(
        "argmax() without dim",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax() == y).float().mean().item(),),
        ACC_NO_DIM,
    ),
    mistake(
        "the count",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=1) == y).sum().item(),),
        ACC_COUNT,
    ),
    mistake("always one half", check_accuracy, lambda: (lambda z, y: 0.5,), ACC_WRONG),
    mistake(
        "a list of hits",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=1) == y).tolist(),),
        ACC_NOT_NUMBER,
    ),
    mistake("a number, not a function", check_accuracy, lambda: (0.5,), ACC_NOT_CALLABLE),
]
