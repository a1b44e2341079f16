"""Chapter 02: autograd."""

from __future__ import annotations

import torch

from tests.corpus import mistake, right, shortcut, stub
from widgets import check_grad_by_hand, check_per_sample_grads, check_sgd_step
from widgets._checks.ch02 import (
    ACC_ALIASED,
    ACC_LENGTH,
    ACC_NUMBERS,
    ACC_SUMMED,
    ACC_WRONG,
    HAND_AUTOGRAD,
    HAND_CHAIN,
    HAND_POWER,
    HAND_SHAPE,
    HAND_VALUE,
    HAND_WRONG,
    NOT_A_FUNCTION,
    NOT_A_TENSOR,
    STEP_GRAD_LEFT,
    STEP_IN_PLACE,
    STEP_LEAF,
    STEP_REBOUND,
    STEP_RESET_FIRST,
    STEP_SIGN,
    STEP_WRONG,
)
from widgets._checks.verdict import RETURNED_NONE

DATA = [(1.0, 2.0), (2.0, 3.0), (3.0, 7.0)]


def grads_with(reset: str) -> list:
    w = torch.tensor(1.5, requires_grad=True)
    grads = []
    for x, y in DATA:
        ((w * x - y) ** 2).backward()
        if reset == "zero_":
            grads.append(w.grad.item())
            w.grad.zero_()
        elif reset == "alias":
            grads.append(w.grad)
            w.grad.zero_()
        elif reset == "before":
            w.grad = None
            grads.append(0.0 if w.grad is None else w.grad.item())
        else:
            grads.append(w.grad.item())
    return grads


def grad_outer_only(x):
    return 3 * (2 * x + 1) ** 2


def grad_autograd(x):
    x = x.clone().requires_grad_(True)
    ((2 * x + 1) ** 3).sum().backward()
    return x.grad


def grad_no_return(x):
    u = 2 * x + 1
    6 * u**2


def grad_stub(x):
    return ...  # write dL/dx as a formula


def sgd_data(w, lr):
    w.data -= lr * w.grad
    w.grad.zero_()


def sgd_sub_(w, lr):
    with torch.no_grad():
        w.sub_(lr * w.grad)
    w.grad = None


def sgd_reset_first(w, lr):
    w.grad = None
    with torch.no_grad():
        w -= lr * (w.grad if w.grad is not None else torch.zeros_like(w))


def sgd_rebinds(w, lr):
    w = w - lr * w.grad
    return w


def sgd_no_no_grad(w, lr):
    w -= lr * w.grad
    w.grad = None


def sgd_grad_left(w, lr):
    with torch.no_grad():
        w -= lr * w.grad


def sgd_sign(w, lr):
    with torch.no_grad():
        w += lr * w.grad
    w.grad = None


def sgd_twice(w, lr):
    with torch.no_grad():
        w -= 2 * lr * w.grad
    w.grad = None


def sgd_detaches(w, lr):
    w.data = (w - lr * w.grad).detach()
    w.requires_grad_(False)  # the next backward() cannot reach w
    w.grad = None


def sgd_stub(w, lr):
    pass  # replace pass with your code


ANSWERS = [
    right(
        "expanded product", check_grad_by_hand, lambda: (lambda x: 6 * (2 * x + 1) * (2 * x + 1),)
    ),
    right("24x² + 24x + 6", check_grad_by_hand, lambda: (lambda x: 24 * x**2 + 24 * x + 6,)),
    mistake("outer derivative only", check_grad_by_hand, lambda: (grad_outer_only,), HAND_CHAIN),
    mistake("the value", check_grad_by_hand, lambda: (lambda x: (2 * x + 1) ** 3,), HAND_VALUE),
    mistake("forgotten return", check_grad_by_hand, lambda: (grad_no_return,), RETURNED_NONE),
    shortcut("backward()", check_grad_by_hand, lambda: (grad_autograd,), HAND_AUTOGRAD),
    stub("the stub", check_grad_by_hand, lambda: (grad_stub,)),
    right("w.grad.zero_()", check_per_sample_grads, lambda: (grads_with("zero_"),)),
    right(
        "a tuple of tensors",
        check_per_sample_grads,
        lambda: (tuple(torch.tensor(g) for g in grads_with("zero_")),),
    ),
    mistake("no reset", check_per_sample_grads, lambda: (grads_with("none"),), ACC_SUMMED),
    mistake(
        "the .grad tensor itself",
        check_per_sample_grads,
        lambda: (grads_with("alias"),),
        ACC_ALIASED,
    ),
    mistake(
        "reset before reading",
        check_per_sample_grads,
        lambda: (grads_with("before"),),
        ACC_ALIASED,
    ),
    right("w.data and zero_()", check_sgd_step, lambda: (sgd_data,)),
    right("sub_ under no_grad", check_sgd_step, lambda: (sgd_sub_,)),
    mistake("grad reset first", check_sgd_step, lambda: (sgd_reset_first,), STEP_RESET_FIRST),
    mistake("w = w - ...", check_sgd_step, lambda: (sgd_rebinds,), STEP_REBOUND),
    mistake("no no_grad", check_sgd_step, lambda: (sgd_no_no_grad,), STEP_IN_PLACE),
    mistake("grad kept", check_sgd_step, lambda: (sgd_grad_left,), STEP_GRAD_LEFT),
    mistake("+= instead of -=", check_sgd_step, lambda: (sgd_sign,), STEP_SIGN),
    stub("the stub", check_sgd_step, lambda: (sgd_stub,)),
    # Hostile or mistaken answers added for issue 24 (moved from tests/widgets/checks/test_ch02.py too).
    mistake(
        "a list",
        check_grad_by_hand,
        lambda: (lambda x: (6 * (2 * x + 1) ** 2).tolist(),),
        NOT_A_TENSOR,
    ),
    mistake(
        "summed to one number",
        check_grad_by_hand,
        lambda: (lambda x: (6 * (2 * x + 1) ** 2).sum(),),
        HAND_SHAPE,
    ),
    mistake(
        "3u instead of 6u²", check_grad_by_hand, lambda: (lambda x: 6 * (2 * x + 1),), HAND_POWER
    ),
    mistake(
        "off by 1", check_grad_by_hand, lambda: (lambda x: 6 * (2 * x + 1) ** 2 + 1,), HAND_WRONG
    ),
    mistake(
        "the function's name as text", check_grad_by_hand, lambda: ("grad_by_hand",), NOT_A_FUNCTION
    ),
    mistake("two gradients", check_per_sample_grads, lambda: ([-1.0, 0.0],), ACC_LENGTH),
    mistake("words", check_per_sample_grads, lambda: (["a", "b", "c"],), ACC_NUMBERS),
    mistake("a number, not a list", check_per_sample_grads, lambda: (3.0,), ACC_NUMBERS),
    mistake("made-up gradients", check_per_sample_grads, lambda: ([1.0, 2.0, 3.0],), ACC_WRONG),
    mistake("a number, not a function", check_sgd_step, lambda: (3,), NOT_A_FUNCTION),
    mistake("twice the step", check_sgd_step, lambda: (sgd_twice,), STEP_WRONG),
    mistake("w.data replaced", check_sgd_step, lambda: (sgd_detaches,), STEP_LEAF),
]
