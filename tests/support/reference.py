"""Right answers to the homework of chapter 08, for the tests and for bench/.

``Tensor`` answers tasks 8.1–8.3 (the solution notebook has its own copy, written for
learners); ``xor_training`` gives task 8.4's pair of training functions; ``conv2d_loops``
and ``conv2d_unfold`` answer tasks 8.5 and 8.6. Tests derive
typical wrong answers from them (a subclass or a wrapper that breaks one rule).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from widgets import show_dot


def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Tensor:
    """A right answer to tasks 8.1–8.3 (the solution notebook has its own copy)."""

    __array_ufunc__ = None

    def __init__(self, data, _prev=(), _op=""):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self._backward = lambda: None
        self._prev, self._op = tuple(_prev), _op

    def wrap(self, x):
        return x if isinstance(x, Tensor) else type(self)(x)

    def _result(self, data, prev, op, rules):
        out = type(self)(data, prev, op)

        def _backward():
            for t, rule in zip(prev, rules, strict=True):
                self.add_grad(t, unbroadcast(rule(out.grad), t.data.shape))

        out._backward = _backward
        return out

    def add_grad(self, t, g):
        t.grad += g

    def __add__(self, other):
        other = self.wrap(other)
        return self._result(self.data + other.data, (self, other), "+", [lambda g: g] * 2)

    def __mul__(self, other):
        o = self.wrap(other)
        rules = [lambda g: g * o.data, lambda g: g * self.data]
        return self._result(self.data * o.data, (self, o), "*", rules)

    def __pow__(self, n):
        rule = lambda g: g * n * self.data ** (n - 1)  # noqa: E731
        return self._result(self.data**n, (self,), f"**{n}", [rule])

    def exp(self):
        e = np.exp(self.data)
        return self._result(e, (self,), "exp", [lambda g: g * e])

    def tanh(self):
        t = np.tanh(self.data)
        return self._result(t, (self,), "tanh", [lambda g: g * (1 - t**2)])

    def relu(self):
        return self._result(
            np.maximum(self.data, 0), (self,), "relu", [lambda g: g * (self.data > 0)]
        )

    def sum(self):
        return self._result(
            self.data.sum(), (self,), "sum", [lambda g: g * np.ones_like(self.data)]
        )

    def __matmul__(self, other):
        o = self.wrap(other)
        rules = [lambda g: g @ o.data.T, lambda g: self.data.T @ g]
        return self._result(self.data @ o.data, (self, o), "@", rules)

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-self.wrap(other))

    def __rsub__(self, other):
        return self.wrap(other) + (-self)

    def __truediv__(self, other):
        return self * self.wrap(other) ** -1.0

    def __rtruediv__(self, other):
        return self.wrap(other) * self**-1.0

    __radd__, __rmul__ = __add__, __mul__

    def topo_order(self):
        order, seen = [], set()

        def visit(t):
            if id(t) not in seen:
                seen.add(id(t))
                for child in t._prev:
                    visit(child)
                order.append(t)

        visit(self)
        return order

    def backward(self):
        self.grad = np.ones_like(self.data)
        for t in reversed(self.topo_order()):
            t._backward()

    def draw_graph(self):
        lines = ["digraph {", "rankdir=LR; node [shape=record];"]
        for t in self.topo_order():
            lines.append(f'n{id(t)} [label="{{ data {t.data:.4g} | grad {t.grad:.4g} }}"];')
            if t._op:
                lines += [f'o{id(t)} [label="{t._op}"];', f"o{id(t)} -> n{id(t)};"]
            lines += [f"n{id(c)} -> o{id(t)};" for c in t._prev]
        return show_dot("\n".join([*lines, "}"]))


def conv2d_loops(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, taps=None):
    n, _, h, w = x.shape
    c_out, c_group, kh, kw = weight.shape
    taps = dilation if taps is None else taps
    h_out = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    w_out = (w + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    x = F.pad(x, (padding,) * 4)
    out = x.new_zeros(n, c_out, h_out, w_out)
    for o in range(c_out):
        g = o // (c_out // groups)
        xs = x[:, g * c_group : (g + 1) * c_group]
        for i in range(h_out):
            for j in range(w_out):
                top, left = i * stride, j * stride
                rows = slice(top, top + taps * (kh - 1) + 1, taps)
                cols = slice(left, left + taps * (kw - 1) + 1, taps)
                out[:, o, i, j] = (xs[:, :, rows, cols] * weight[o]).sum(dim=(1, 2, 3))
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv2d_unfold(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    n, _, h, _ = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)
    cols = cols.view(n, groups, -1, cols.shape[-1])
    out = weight.view(groups, c_out // groups, -1) @ cols
    h_out = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    out = out.reshape(n, c_out, h_out, -1)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def xor_training(Tensor, *, loss: str = "mean", update: str = "-=", reset: bool = True):
    """Task 8.4's ``train_mine`` (with ``Tensor``) and ``train_torch``, as the notebook has them.

    ``loss="sum"``, ``update="+="`` or ``reset=False`` make ``train_mine`` a typical mistake.
    """
    rng = np.random.default_rng(0)
    init = [rng.normal(0, 1, (2, 8)), np.zeros(8), rng.normal(0, 0.5, (8, 1)), np.zeros(1)]
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])

    def forward(X, W1, b1, W2, b2):
        return (X @ W1 + b1).tanh() @ W2 + b2

    def train_torch(steps, lr):
        params = [torch.tensor(p, requires_grad=True) for p in init]
        losses = []
        for _ in range(steps):
            loss = ((forward(torch.tensor(X), *params) - torch.tensor(Y)) ** 2).sum() / len(X)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad.zero_()
            losses.append(loss.item())
        return losses

    def train_mine(steps, lr):
        params = [Tensor(p) for p in init]
        losses = []
        for step in range(steps):
            if reset or step == 0:
                for p in params:
                    p.grad = np.zeros_like(p.data)
            total = ((forward(Tensor(X), *params) - Tensor(Y)) ** 2).sum()
            value = total if loss == "sum" else total / len(X)
            value.backward()
            for p in params:  # in place, as the notebook says: init must not change
                if update == "-=":
                    p.data -= lr * p.grad
                else:
                    p.data += lr * p.grad
            losses.append(float(value.data))
        return losses

    return train_mine, train_torch
