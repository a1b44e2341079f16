"""How every check compares an answer with the reference: one function, tolerances given.

``close(mine, reference, rtol=..., atol=...)`` accepts tensors, NumPy arrays, lists and
numbers. The shapes must match (no broadcasting), and then, element by element,
``|mine − reference| ≤ atol + rtol · |reference|`` (what ``torch.allclose`` computes, here in
float64). With ``relative_to="largest"`` the relative part uses the largest ``|reference|``
instead, which suits gradients whose entries range over many magnitudes. Each check passes
the tolerances it needs, so the numbers stay next to the exercise they belong to.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np
import torch


class Tolerance(TypedDict):
    """A check's tolerances, kept as one value: ``close(a, b, **TOL)``."""

    rtol: float
    atol: float


def as_array(value: object) -> np.ndarray:
    """A float64 NumPy array of ``value`` (a tensor is detached and moved to the CPU first)."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().to(torch.float64).numpy()
    return np.asarray(value, dtype=np.float64)


def max_error(mine: object, reference: object) -> float:
    """Largest absolute difference; ``inf`` when shapes differ or NaNs are in different places."""
    a, b = as_array(mine), as_array(reference)
    if a.shape != b.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    diff = np.abs(a - b)
    return float(np.nanmax(np.where(np.isnan(a) != np.isnan(b), np.inf, diff)))


def close(
    mine: object,
    reference: object,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    relative_to: Literal["each", "largest"] = "each",
) -> bool:
    """True when ``mine`` has ``reference``'s shape and values within the tolerances."""
    a, b = as_array(mine), as_array(reference)
    if a.shape != b.shape:
        return False
    if relative_to == "largest":
        largest = float(np.abs(b).max()) if b.size else 0.0
        return max_error(a, b) <= atol + rtol * largest
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))
