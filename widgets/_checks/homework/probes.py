"""The expressions the Tensor checks try, each with the rule a learner most likely broke.

Every probe is a plain function of its inputs, so one probe runs unchanged on the
learner's ``Tensor`` and on ``torch.Tensor`` (both spell ``exp``, ``tanh``, ``relu``,
``sum`` and ``@`` the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Shapes = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Probe:
    expr: str  # what the learner reads in a hint, e.g. "a - b"
    fn: Callable[..., object]
    rule: str  # the derivative rule, in math (the same in both languages)
    arity: int = 1
    domain: str = "any"  # "any": [-2, 2]; "away": 0.2 ≤ |x| ≤ 2; "pos": [0.5, 2]
    shapes: str = "same"  # "same", "matmul" (n,k)(k,m), "bias" (n,m)(m,)
    reflected: str = ""  # the dunder Python needs for a number on the left
    swapped: Callable[..., object] | None = None  # what a reversed __r*__ computes
    scalar: bool = False  # the probe's output is already the loss
    reuse: bool = False  # an input is used twice: the gradients must add up
    paths: bool = False  # a node is reached along two paths: needs topological order


def diamond(a, b):
    h = a * b  # h feeds three later nodes
    return h * h.tanh() + h


def mlp(x, w1, w2):
    return (x @ w1).tanh() @ w2


# Order matters: the first failing probe names the mistake. Powers come before division
# (a / b is often written as a * b ** -1, so a wrong power rule shows up there first).
PROBES: tuple[Probe, ...] = (
    Probe("a.sum()", lambda a: a.sum(), "∂(Σa)/∂a_i = 1", scalar=True),
    Probe("a * c", lambda a: a * np.float64(3.0), "∂(a·c)/∂a = c"),
    Probe("a + b", lambda a, b: a + b, "∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1", 2),
    Probe("a * b", lambda a, b: a * b, "∂(a·b)/∂a = b, ∂(a·b)/∂b = a", 2),
    Probe("2.0 + a", lambda a: 2.0 + a, "∂(2+a)/∂a = 1", reflected="__radd__"),
    Probe("3.0 * a", lambda a: 3.0 * a, "∂(3a)/∂a = 3", reflected="__rmul__"),
    Probe("-a", lambda a: -a, "∂(−a)/∂a = −1"),
    Probe("a - b", lambda a, b: a - b, "∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1", 2),
    Probe(
        "2.0 - a",
        lambda a: 2.0 - a,
        "∂(2−a)/∂a = −1",
        reflected="__rsub__",
        swapped=lambda a: a - 2.0,
    ),
    Probe("a ** 3", lambda a: a**3, "∂(aⁿ)/∂a = n·aⁿ⁻¹"),
    Probe("a ** 0.5", lambda a: a**0.5, "∂(aⁿ)/∂a = n·aⁿ⁻¹", domain="pos"),
    Probe("a ** -1.5", lambda a: a**-1.5, "∂(aⁿ)/∂a = n·aⁿ⁻¹", domain="pos"),
    Probe("a / b", lambda a, b: a / b, "∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²", 2, "away"),
    Probe(
        "2.0 / a",
        lambda a: 2.0 / a,
        "∂(2/a)/∂a = −2/a²",
        domain="away",
        reflected="__rtruediv__",
        swapped=lambda a: a / 2.0,
    ),
    Probe("a.exp()", lambda a: a.exp(), "∂eᵃ/∂a = eᵃ"),
    Probe("a.tanh()", lambda a: a.tanh(), "∂tanh(a)/∂a = 1 − tanh²(a)"),
    Probe("a.relu()", lambda a: a.relu(), "∂relu(a)/∂a = 1 (a > 0), 0 (a ≤ 0)", domain="away"),
    Probe("a @ b", lambda a, b: a @ b, "∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G", 2, shapes="matmul"),
    Probe("a + b  (b: a row)", lambda a, b: a + b, "∂L/∂b = Σ_rows G", 2, shapes="bias"),
    Probe("a * b  (b: a row)", lambda a, b: a * b, "∂L/∂b = Σ_rows G·a", 2, shapes="bias"),
    Probe("a * a", lambda a: a * a, "∂(a·a)/∂a = 2a", reuse=True),
    Probe("a + a", lambda a: a + a, "∂(a+a)/∂a = 2", reuse=True),
    Probe("h = a * b;  h * h.tanh() + h", diamond, "chain rule along every path", 2, paths=True),
    Probe("(x @ w1).tanh() @ w2", mlp, "chain rule", 3, shapes="mlp", paths=True),
)


def draw_shapes(probe: Probe, rng: np.random.Generator) -> Shapes:
    n, k, m = (int(v) for v in rng.integers(1, 5, size=3))
    if probe.shapes == "matmul":
        return ((n, k), (k, m))
    if probe.shapes == "bias":
        return ((n, m), (m,))
    if probe.shapes == "mlp":
        return ((n, k), (k, m), (m, 2))
    shape = ((), (n,), (n, m))[int(rng.integers(0, 3))]
    return (shape,) * probe.arity


def draw_inputs(probe: Probe, rng: np.random.Generator) -> list[np.ndarray]:
    arrays = []
    for shape in draw_shapes(probe, rng):
        if probe.domain == "pos":
            arrays.append(rng.uniform(0.5, 2.0, size=shape))
        elif probe.domain == "away":
            sign = rng.choice([-1.0, 1.0], size=shape)
            arrays.append(sign * rng.uniform(0.2, 2.0, size=shape))
        else:
            arrays.append(rng.uniform(-2.0, 2.0, size=shape))
    return [np.asarray(a, dtype=np.float64) for a in arrays]
