"""The playground's data sets: plain PyTorch functions, exported verbatim by ``export_code``.

Each task function takes ``(n, noise, g)`` (number of points, noise level, a
``torch.Generator``) and returns ``x`` of shape (n, 2) and ``y`` of shape (n, 1). The
classification tasks live in [-1, 1]² with labels 0/1; ``regression`` is the source
material's surface y = 2·√(x₁² + x₂²) + ε on [-10, 10]² (the playground divides x and y
by 10 when ``scale=True``); ``xor4`` is the source material's four XOR points.
"""

from __future__ import annotations

import math

import torch

from .._i18n import Message


def xor(n, noise, g):
    x = torch.rand(n, 2, generator=g) * 1.8 - 0.9
    x = x + 0.1 * torch.sign(x)  # keep points off the axes, where the label flips
    y = ((x[:, 0] > 0) != (x[:, 1] > 0)).float().unsqueeze(1)
    return x + noise * torch.randn(n, 2, generator=g), y


def circle(n, noise, g):
    inside = torch.arange(n) % 2 == 0
    r = torch.rand(n, generator=g)
    radius = torch.where(inside, 0.5 * r, 0.7 + 0.3 * r)
    angle = torch.rand(n, generator=g) * 2 * math.pi
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    y = inside.float().unsqueeze(1)
    return x + noise * torch.randn(n, 2, generator=g), y


def gaussians(n, noise, g):
    y = (torch.arange(n) % 2).float().unsqueeze(1)
    centre = torch.where(y == 1, 0.45, -0.45)
    x = centre + (0.18 + noise) * torch.randn(n, 2, generator=g)
    return x, y


def spiral(n, noise, g):
    y = (torch.arange(n) % 2).float().unsqueeze(1)
    t = torch.rand(n, 1, generator=g)
    angle = 3.5 * math.pi * t + math.pi * y
    x = 0.9 * t * torch.cat([torch.cos(angle), torch.sin(angle)], dim=1)
    return x + noise * torch.randn(n, 2, generator=g), y


def regression(n, noise, g):
    x = torch.rand(n, 2, generator=g) * 20 - 10
    y = 2 * torch.sqrt((x**2).sum(dim=1, keepdim=True))
    return x, y + noise * torch.randn(n, 1, generator=g)


def xor4(n, noise, g):
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    return x, y


def split(x, y, test_fraction, g):
    order = torch.randperm(len(x), generator=g)
    n_test = int(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


TASKS = {f.__name__: f for f in (xor, circle, gaussians, spiral, regression, xor4)}
REGRESSION = ("regression",)
TASK_NAMES = {
    "xor": Message(ja="XOR（4 つの象限）", en="XOR (four quadrants)"),
    "circle": Message(ja="円（内側と外側）", en="Circle (inside vs ring)"),
    "gaussians": Message(ja="2 つのガウス分布", en="Two Gaussians"),
    "spiral": Message(ja="渦巻き", en="Spiral"),
    "regression": Message(ja="回帰 y = 2√(x₁²+x₂²)", en="Regression y = 2√(x₁²+x₂²)"),
    "xor4": Message(ja="XOR（元の教材の 4 点）", en="XOR (the source material's 4 points)"),
}


def make_data(config) -> tuple[torch.Tensor, ...]:
    """``x_train, y_train, x_test, y_test`` for a validated config (same seed, same data)."""
    g = torch.Generator().manual_seed(config.seed)
    x, y = TASKS[config.task](config.points, config.noise, g)
    if config.task == "xor4":  # four points: train and test on the same truth table
        return x, y, x, y
    if config.task in REGRESSION and config.scale:
        x, y = x / 10, y / 10
    return split(x, y, config.test_fraction, g)
