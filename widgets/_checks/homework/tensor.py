"""``check_tensor_ops`` and ``check_backward``: the homework Tensor against PyTorch.

Each probe runs on several random shapes and values (a seeded generator, so a hint
repeats); gradients are also compared with finite differences of the learner's forward.
"""

from __future__ import annotations

import numpy as np
import torch

from ..compare import close, max_error
from ..verdict import Verdict, error_text, failed, passed
from .common import SLOPE_TOL, TOL, homework, scale_factor, slope
from .hints import (
    BACKWARD_TITLE,
    DOUBLE,
    GRADS_OK,
    HALF,
    MUTATED,
    NO_REFLECTED,
    NOT_CLASS,
    NOT_REVERSED,
    NOT_TENSOR,
    OPS_OK,
    OPS_TITLE,
    ORDER,
    RETURNED_NONE,
    SHAPE,
    SIGN,
    SLOPE,
    SWAPPED,
    UNBROADCAST,
    WHERE,
    WRONG_GRAD,
    WRONG_VALUE,
    ZERO,
)
from .probes import PROBES, Probe, draw_inputs

DRAWS = 4


def torch_run(probe: Probe, arrays: list[np.ndarray], weights: np.ndarray | None):
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = probe.fn(*leaves)
    if weights is None:
        return out.detach().numpy(), []
    loss = out if probe.scalar else (out * torch.tensor(weights)).sum()
    loss.backward()
    return out.detach().numpy(), [leaf.grad.numpy() for leaf in leaves]


def mine_forward(Tensor, probe: Probe, arrays: list[np.ndarray], reference) -> Verdict | None:
    where = WHERE(expr=probe.expr, shapes=[a.shape for a in arrays], error=np.inf)
    leaves = [Tensor(a.copy()) for a in arrays]
    try:
        out = probe.fn(*leaves)
    except TypeError as error:
        if probe.reflected and "unsupported operand" in str(error):
            return failed(NO_REFLECTED(expr=probe.expr, method=probe.reflected), where)
        raise
    if out is None:
        return failed(RETURNED_NONE(expr=probe.expr), where)
    if not isinstance(out, Tensor):
        return failed(NOT_TENSOR(expr=probe.expr, got=type(out).__name__), where)
    if any(not np.array_equal(leaf.data, a) for leaf, a in zip(leaves, arrays, strict=True)):
        return failed(MUTATED(expr=probe.expr), where)
    if close(out.data, reference, rtol=TOL, atol=TOL, relative_to="largest"):
        return None
    where = WHERE(
        expr=probe.expr, shapes=[a.shape for a in arrays], error=max_error(out.data, reference)
    )
    if probe.swapped and close(
        out.data, probe.swapped(*arrays), rtol=TOL, atol=TOL, relative_to="largest"
    ):
        return failed(SWAPPED(expr=probe.expr, method=probe.reflected), where)
    return failed(WRONG_VALUE(expr=probe.expr), where)


@homework(OPS_TITLE)
def check_tensor_ops(Tensor: type) -> Verdict:
    """Compare ``+ - * / **``, reflected operators, ``exp``, ``tanh``, ``relu``, ``sum``, ``@``."""
    if not isinstance(Tensor, type):
        return failed(NOT_CLASS(got=type(Tensor).__name__))
    rng = np.random.default_rng(8)
    for probe in PROBES:
        for _ in range(DRAWS):
            arrays = draw_inputs(probe, rng)
            reference, _ = torch_run(probe, arrays, None)
            verdict = mine_forward(Tensor, probe, arrays, reference)
            if verdict is not None:
                return verdict
    return passed(OPS_OK(probes=len(PROBES), cases=len(PROBES) * DRAWS))


def mine_grads(Tensor, probe: Probe, arrays: list[np.ndarray], weights: np.ndarray):
    leaves = [Tensor(a.copy()) for a in arrays]
    out = probe.fn(*leaves)
    loss = out if probe.scalar else (out * weights).sum()
    loss.backward()
    return [np.asarray(leaf.grad, dtype=np.float64) for leaf in leaves]


def grad_hint(probe: Probe, mine: np.ndarray, ref: np.ndarray, first: bool) -> str:
    if mine.shape != ref.shape:
        return SHAPE(expr=probe.expr, want=ref.shape, got=mine.shape)
    if not np.any(mine) and np.any(ref):
        return ZERO() if first else NOT_REVERSED(expr=probe.expr)
    factor = scale_factor(mine, ref)
    if factor is not None and abs(factor - 0.5) < 1e-6:
        return HALF()
    if factor is not None and abs(factor - 2.0) < 1e-6:
        return DOUBLE()
    if factor is not None and abs(factor + 1.0) < 1e-6:
        return SIGN(expr=probe.expr, rule=probe.rule)
    if probe.paths:
        return ORDER()
    return WRONG_GRAD(expr=probe.expr, rule=probe.rule)


@homework(BACKWARD_TITLE)
def check_backward(Tensor: type) -> Verdict:
    """Compare ``backward()``'s gradients with PyTorch and with finite differences."""
    if not isinstance(Tensor, type):
        return failed(NOT_CLASS(got=type(Tensor).__name__))
    rng = np.random.default_rng(80)
    for index, probe in enumerate(PROBES):
        for draw in range(DRAWS):
            arrays = draw_inputs(probe, rng)
            reference, _ = torch_run(probe, arrays, None)
            weights = rng.uniform(-1.0, 1.0, size=reference.shape)
            _, ref_grads = torch_run(probe, arrays, weights)
            verdict = mine_forward(Tensor, probe, arrays, reference)
            if verdict is not None:
                return verdict
            try:
                grads = mine_grads(Tensor, probe, arrays, weights)
            except ValueError as error:  # numpy: `grad += g` with g of another shape
                if "broadcast" not in str(error):
                    raise
                return failed(UNBROADCAST(expr=probe.expr, error=error_text(error, 100)))
            for mine, ref in zip(grads, ref_grads, strict=True):
                if not close(mine, ref, rtol=TOL, atol=TOL, relative_to="largest"):
                    where = WHERE(
                        expr=probe.expr,
                        shapes=[a.shape for a in arrays],
                        error=max_error(mine, ref),
                    )
                    return failed(grad_hint(probe, mine, ref, index == 0), where)
            if draw == 0 and not slopes_agree(Tensor, probe, arrays, weights, grads):
                return failed(SLOPE(expr=probe.expr))
    return passed(GRADS_OK(cases=len(PROBES) * DRAWS))


def slopes_agree(Tensor, probe: Probe, arrays, weights, grads) -> bool:
    for i, grad in enumerate(grads):

        def loss(x: np.ndarray, i: int = i) -> float:
            inputs = [Tensor(x.copy()) if j == i else Tensor(a) for j, a in enumerate(arrays)]
            out = probe.fn(*inputs)
            return float(np.sum(out.data if probe.scalar else out.data * weights))

        if not close(
            grad,
            slope(loss, arrays[i].copy()),
            rtol=SLOPE_TOL,
            atol=SLOPE_TOL,
            relative_to="largest",
        ):
            return False
    return True
