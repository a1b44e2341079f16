"""Chapter 05: the training step, the loss for logits, the accuracy."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tests.corpus import mistake, right, stub
from widgets import check_accuracy, check_logits_loss, check_train_step

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
    mistake("no zero_grad()", check_train_step, lambda: (step_no_zero_grad,), "zero_grad()"),
    mistake("forgotten return", check_train_step, lambda: (step_no_return,), "forget `return`"),
    mistake("the loss tensor", check_train_step, lambda: (step_tensor,), "loss.item()"),
    mistake(
        "step() before backward()",
        check_train_step,
        lambda: (step_before_backward,),
        "after loss.backward()",
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
        "softmax",
    ),
    mistake(
        "NLLLoss on logits",
        check_logits_loss,
        lambda: (LOGITS, LABELS, F.nll_loss(LOGITS, LABELS.long())),
        "NLLLoss",
    ),
    mistake(
        "MSE on the first column",
        check_logits_loss,
        lambda: (LOGITS, LABELS, F.mse_loss(LOGITS[:, 0], LABELS)),
        "nn.CrossEntropyLoss()",
    ),
    right("count, then divide", check_accuracy, lambda: (accuracy_count_then_divide,)),
    right(
        "torch.eq and mean",
        check_accuracy,
        lambda: (lambda z, y: torch.eq(z.max(dim=1).indices, y).double().mean().item(),),
    ),
    mistake(
        "argmax(dim=0)",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=0) == y).float().mean().item(),),
        "argmax(dim=1)",
    ),
    mistake(
        "// len(labels)",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=1) == y).sum().item() // len(y),),
        "floor division",
    ),
    mistake(
        "divided by the classes",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=1) == y).sum().item() / z.shape[1],),
        "number of classes",
    ),
    mistake(
        "a percentage",
        check_accuracy,
        lambda: (lambda z, y: 100 * (z.argmax(dim=1) == y).float().mean().item(),),
        "percentage",
    ),
    mistake(
        "a tensor",
        check_accuracy,
        lambda: (lambda z, y: (z.argmax(dim=1) == y).float().mean(),),
        ".item()",
    ),
    mistake("forgotten return", check_accuracy, lambda: (accuracy_no_return,), "forget `return`"),
    stub("the stub", check_accuracy, lambda: (accuracy_stub,)),
]
