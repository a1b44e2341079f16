"""Chapter 00: the torch version from the report, and a loop whose length depends on x."""

from __future__ import annotations

import torch

from tests.corpus import mistake, right, shortcut, stub
from widgets import check_shrink, check_torch_version, env_report


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


def shrink_stub(x):
    # halve x while |x| > 1, then return it
    return ...


ANSWERS = [
    right("the report's field", check_torch_version, lambda: (env_report().torch_version,)),
    right("torch.__version__ itself", check_torch_version, lambda: (torch.__version__,)),
    mistake("the whole report", check_torch_version, lambda: (env_report(),), "whole report"),
    mistake(
        "torchvision's field",
        check_torch_version,
        lambda: (env_report().torchvision_version,),
        "torchvision",
    ),
    shortcut("typed by hand", check_torch_version, lambda: (str(torch.__version__),), "typed"),
    right("recursion", check_shrink, lambda: (shrink_recursive,)),
    mistake("a fixed for loop", check_shrink, lambda: (shrink_fixed_loop,), "while |x| > 1"),
    mistake("x /= 2 in place", check_shrink, lambda: (shrink_in_place,), "in-place"),
    mistake("forgotten return", check_shrink, lambda: (shrink_no_return,), "forget `return`"),
    mistake("a Python number", check_shrink, lambda: (shrink_item,), "cuts the graph"),
    stub("the stub", check_shrink, lambda: (shrink_stub,)),
]
