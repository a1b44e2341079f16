"""Chapter 00: the torch version from the report, and a loop whose length depends on x."""

from __future__ import annotations

import torch

from tests.corpus import mistake, right, shortcut, stub
from widgets import check_shrink, check_torch_version, env_report, sample_image_folder
from widgets._checks.ch00 import (
    IN_PLACE,
    NO_GRAPH,
    NOT_CALLABLE,
    NOT_TENSOR,
    NOT_TEXT,
    NOT_TORCH,
    OTHER_PACKAGE,
    OTHER_VALUE,
    TYPED,
    WHOLE_REPORT,
    WRONG_GRAD,
    WRONG_VALUE,
)
from widgets._checks.verdict import CRASHED_AT, RETURNED_NONE
from widgets._validate import WRONG_TYPE


def shrink_recursive(x):
    return x if x.abs() <= 1 else shrink_recursive(x * 0.5)


def shrink_fixed_loop(x):
    for _ in range(4):
        x = x / 2
    return x


def shrink_in_place(x):
    while x.abs() > 1:
        x /= 2
    return x


def shrink_no_return(x):
    while x.abs() > 1:
        x = x / 2


def shrink_item(x):
    value = x.item()
    while abs(value) > 1:
        value /= 2
    return value


def shrink_detached(x):
    return shrink_recursive(x.detach())


def shrink_wrong_grad(x):
    # right values, but the graph sees only the last halving
    y = shrink_recursive(x.detach())
    return y + (x - x.detach()) * 0.5


def shrink_raises(x):
    halvings = [0.5] * int(x.abs())
    return x * halvings[-1] ** (len(halvings) + 1)  # IndexError for |x| < 1


def shrink_sets_up(x):
    sample_image_folder(n="ten")  # a course helper given a wrong type
    return shrink_recursive(x)


def shrink_halves_three_ways(x):
    return x / 2 if x.abs() > 1 else x  # halves once, whatever the input


def shrink_stub(x):
    # halve x while |x| > 1, then return it
    return ...


ANSWERS = [
    right("the report's field", check_torch_version, lambda: (env_report().torch_version,)),
    right("torch.__version__ itself", check_torch_version, lambda: (torch.__version__,)),
    mistake("the whole report", check_torch_version, lambda: (env_report(),), WHOLE_REPORT),
    mistake(
        "torchvision's field",
        check_torch_version,
        lambda: (env_report().torchvision_version,),
        OTHER_PACKAGE,
    ),
    shortcut("typed by hand", check_torch_version, lambda: (str(torch.__version__),), TYPED),
    shortcut("an f-string", check_torch_version, lambda: (f"{torch.__version__}",), TYPED),
    shortcut("joined again", check_torch_version, lambda: ("".join(torch.__version__),), TYPED),
    mistake("a number", check_torch_version, lambda: (2.14,), NOT_TEXT),
    mistake("another version", check_torch_version, lambda: ("2.0.0",), NOT_TORCH),
    right("recursion", check_shrink, lambda: (shrink_recursive,)),
    mistake("a fixed for loop", check_shrink, lambda: (shrink_fixed_loop,), WRONG_VALUE),
    mistake("x /= 2 in place", check_shrink, lambda: (shrink_in_place,), IN_PLACE),
    mistake("forgotten return", check_shrink, lambda: (shrink_no_return,), RETURNED_NONE),
    mistake("a Python number", check_shrink, lambda: (shrink_item,), NOT_TENSOR),
    mistake("detached first", check_shrink, lambda: (shrink_detached,), NO_GRAPH),
    mistake("the last halving only", check_shrink, lambda: (shrink_wrong_grad,), WRONG_GRAD),
    mistake("halves once", check_shrink, lambda: (shrink_halves_three_ways,), OTHER_VALUE),
    mistake(
        "the result, not the function", check_shrink, lambda: (torch.tensor(0.75),), NOT_CALLABLE
    ),
    mistake("an IndexError of its own", check_shrink, lambda: (shrink_raises,), CRASHED_AT),
    mistake("a course helper misused", check_shrink, lambda: (shrink_sets_up,), WRONG_TYPE),
    stub("the stub", check_shrink, lambda: (shrink_stub,)),
]
