"""Chapter 08 (homework): the hand-made Tensor, its drawing and training, conv2d by hand."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from tests.corpus import mistake, right, shortcut, stub
from tests.support.reference import Tensor, conv2d_loops, conv2d_unfold, unbroadcast, xor_training
from widgets import (
    check_backward,
    check_conv2d,
    check_draw_graph,
    check_same_losses,
    check_tensor_ops,
    show_dot,
)
from widgets._checks.homework.conv import HINTS, LOOPS, NOT_CALLABLE
from widgets._checks.homework.graph import LENGTHS
from widgets._checks.homework.hints import NOT_CLASS


class OwnRules(Tensor):
    """Subtraction and division with their own derivative rules, not built from + and **."""

    def __sub__(self, other):
        o = self.wrap(other)
        return self._result(self.data - o.data, (self, o), "-", [lambda g: g, lambda g: -g])

    def __truediv__(self, other):
        o = self.wrap(other)
        rules = [lambda g: g / o.data, lambda g: -g * self.data / o.data**2]
        return self._result(self.data / o.data, (self, o), "/", rules)


class NoReturnAdd(Tensor):
    def __add__(self, other):
        other = self.wrap(other)
        self._result(self.data + other.data, (self, other), "+", [lambda g: g] * 2)

    __radd__ = __add__


class MutatesInput(Tensor):
    def __add__(self, other):
        other = self.wrap(other)
        self.data += other.data
        return self._result(self.data, (self, other), "+", [lambda g: g] * 2)

    __radd__ = __add__


class NoReflectedSub(Tensor):
    def __rsub__(self, other):
        return NotImplemented


class WrongPower(Tensor):
    def __pow__(self, n):
        rule = lambda g: g * n * self.data**n  # noqa: E731  (n·aⁿ instead of n·aⁿ⁻¹)
        return self._result(self.data**n, (self,), f"**{n}", [rule])


class NotReversed(Tensor):
    def backward(self):
        self.grad = np.ones_like(self.data)
        for t in self.topo_order():  # forgot reversed(...)
            t._backward()


class MulNoUnbroadcast(Tensor):
    def __mul__(self, other):
        o = self.wrap(other)
        out = type(self)(self.data * o.data, (self, o), "*")

        def _backward():
            self.grad += out.grad * o.data
            o.grad += out.grad * self.data

        out._backward = _backward
        return out

    __rmul__ = __mul__


class Overwrites(Tensor):
    def add_grad(self, t, g):
        t.grad = g


class StubOps(Tensor):
    def __mul__(self, other):
        raise NotImplementedError("Task 8.1: multiply")


def labelled(label):
    class Drawn(Tensor):
        def draw_graph(self):
            lines = ["digraph {"]
            for t in self.topo_order():
                lines.append(f'n{id(t)} [label="{label(t)}"];')
                lines += [f"n{id(c)} -> n{id(t)};" for c in t._prev]
            return show_dot("\n".join([*lines, "}"]))

    return Drawn


FULL = labelled(lambda t: f"{t._op} data={t.data} grad={t.grad}")
ONE_DECIMAL = labelled(lambda t: f"{t._op} | {t.data:.1f} | {t.grad:.1f}")
EIGHT = labelled(lambda t: f"{t._op} {t.data:.8f} / {t.grad:.8f}")
NO_GRAD = labelled(lambda t: f"{t._op} {t.data:.4g}")


class DrawNoReturn(Tensor):
    def draw_graph(self):
        show_dot("digraph { a -> b }")


class DrawNoArrows(Tensor):
    def draw_graph(self):
        lines = super().draw_graph().source.splitlines()
        return show_dot("\n".join(line for line in lines if "->" not in line))


def training_no_return():
    train_mine, train_torch = xor_training(Tensor)

    def forgot(steps, lr):
        train_mine(steps, lr)  # the losses are computed, but not returned

    return forgot, train_torch


def uses_torch_inside():
    _, train_torch = xor_training(Tensor)
    return (lambda steps, lr: train_torch(steps, lr)), train_torch


def conv2d_no_padding(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return conv2d_unfold(x, weight, bias, stride, 0, dilation, groups)


def training_one_step_more():
    train_mine, train_torch = xor_training(Tensor)
    return (lambda steps, lr: train_mine(steps + 1, lr)), train_torch


def stub_training():
    def train_mine(steps, lr):
        raise NotImplementedError("Task 8.4: train with your Tensor")

    return train_mine, xor_training(Tensor)[1]


def conv2d_flipped(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return conv2d_unfold(x, weight.flip(-2, -1), bias, stride, padding, dilation, groups)


def conv2d_without_groups(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    n, _, h, _ = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ cols  # fails when groups > 1: the shapes do not fit
    h_out = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    out = out.reshape(n, c_out, h_out, -1)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv2d_no_return(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    conv2d_unfold(x, weight, bias, stride, padding, dilation, groups)


def conv2d_torch(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return F.conv2d(x, weight, bias, stride, padding, dilation, groups)


def conv2d_stub(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    raise NotImplementedError("Task 8.5: conv2d")


assert unbroadcast  # the reference's helper, used by Tensor's rules

ANSWERS = [
    right("the reference", check_tensor_ops, lambda: (Tensor,)),
    right("own rules for - and /", check_tensor_ops, lambda: (OwnRules,)),
    mistake("no __rsub__", check_tensor_ops, lambda: (NoReflectedSub,), "__rsub__"),
    mistake(
        "forgotten return in __add__", check_tensor_ops, lambda: (NoReturnAdd,), "forget `return`"
    ),
    mistake("adds into its input", check_tensor_ops, lambda: (MutatesInput,), "changed its input"),
    stub("a stub", check_tensor_ops, lambda: (StubOps,)),
    right("own rules for - and /", check_backward, lambda: (OwnRules,)),
    mistake("n·aⁿ for the power", check_backward, lambda: (WrongPower,), "a ** 3"),
    mistake(
        "topological order not reversed",
        check_backward,
        lambda: (NotReversed,),
        "reverse topological",
    ),
    mistake("* without unbroadcast", check_backward, lambda: (MulNoUnbroadcast,), "unbroadcast"),
    mistake(
        "forgotten return in __add__", check_backward, lambda: (NoReturnAdd,), "forget `return`"
    ),
    mistake("grad = instead of +=", check_backward, lambda: (Overwrites,), "factor of 2"),
    right("full precision labels", check_draw_graph, lambda: (FULL,)),
    right(":.1f labels", check_draw_graph, lambda: (ONE_DECIMAL,)),
    right(":.8f labels", check_draw_graph, lambda: (EIGHT,)),
    mistake("no gradients", check_draw_graph, lambda: (NO_GRAD,), "gradient"),
    mistake("no arrows", check_draw_graph, lambda: (DrawNoArrows,), "arrow"),
    mistake("forgotten return", check_draw_graph, lambda: (DrawNoReturn,), "forget `return"),
    right("the notebook's training", check_same_losses, lambda: xor_training(Tensor)),
    right("own rules", check_same_losses, lambda: xor_training(OwnRules)),
    mistake("summed loss", check_same_losses, lambda: xor_training(Tensor, loss="sum"), "summed"),
    mistake(
        "p.data += ...",
        check_same_losses,
        lambda: xor_training(Tensor, update="+="),
        "subtracted from it, not added",
    ),
    mistake(
        "grad never reset",
        check_same_losses,
        lambda: xor_training(Tensor, reset=False),
        "resets grad",
    ),
    mistake("forgotten return", check_same_losses, training_no_return, "forget `return losses`"),
    shortcut("train_mine calls train_torch", check_same_losses, uses_torch_inside, "PyTorch"),
    stub("the stub", check_same_losses, stub_training),
    right("loops", check_conv2d, lambda: (conv2d_loops,)),
    right("unfold and matmul", check_conv2d, lambda: (conv2d_unfold,)),
    mistake("flipped kernel", check_conv2d, lambda: (conv2d_flipped,), "flipped"),
    mistake("groups ignored", check_conv2d, lambda: (conv2d_without_groups,), "Groups are off"),
    mistake("forgotten return", check_conv2d, lambda: (conv2d_no_return,), "forget `return`"),
    shortcut("F.conv2d", check_conv2d, lambda: (conv2d_torch,), "PyTorch's own convolution"),
    stub("the stub", check_conv2d, lambda: (conv2d_stub,)),
    right("unfold and matmul, for task 8.6", check_conv2d, lambda: (conv2d_unfold, True)),
    shortcut("loops, for task 8.6", check_conv2d, lambda: (conv2d_loops, True), LOOPS),
    mistake("padding ignored", check_conv2d, lambda: (conv2d_no_padding,), HINTS["padding"]),
    mistake("a string", check_conv2d, lambda: ("conv2d",), NOT_CALLABLE),
    mistake("an instance, not the class", check_tensor_ops, lambda: (Tensor(1.0),), NOT_CLASS),
    mistake("one step more", check_same_losses, training_one_step_more, LENGTHS),
]
