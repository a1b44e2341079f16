"""``check_tensor_ops`` and ``check_backward``: the homework Tensor against PyTorch.

Each probe runs on several random shapes and values (a seeded generator, so a hint
repeats); gradients are also compared with finite differences of the learner's forward.
The check's probe runs the learner's ``Tensor`` on every case and records its outputs,
gradients and slopes as float64 arrays; its judge draws the same cases, computes PyTorch's
answers and walks the records in order, so the first case that fails names the mistake.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..compare import as_array, close, max_error
from ..verdict import Verdict, error_text, failed, passed, stop
from .common import (
    SLOPE_TOL,
    TOL,
    Data,
    Records,
    homework,
    learner_side,
    record,
    scale_factor,
    slope,
)
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


def on_torch(probe: Probe, leaves: list[torch.Tensor]) -> torch.Tensor:
    """``probe`` computed by PyTorch (every probe's expression of tensors is a tensor)."""
    out = probe.fn(*leaves)
    assert isinstance(out, torch.Tensor), probe.expr
    return out


def on_learners(probe: Probe, leaves: list[Any]) -> Any:
    """``probe`` computed with the learner's ``Tensor``: whatever came back, used duck-typed
    (a missing attribute is the learner's error, which the probe records)."""
    return probe.fn(*leaves)


def grad_of(leaf: torch.Tensor) -> np.ndarray:
    """The gradient ``backward()`` left on ``leaf``, a leaf that requires grad."""
    assert leaf.grad is not None, "backward() did not reach the leaf"
    return leaf.grad.numpy()


def torch_run(
    probe: Probe, arrays: list[np.ndarray], weights: np.ndarray | None
) -> tuple[np.ndarray, list[np.ndarray]]:
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = on_torch(probe, leaves)
    if weights is None:
        return out.detach().numpy(), []
    loss = out if probe.scalar else (out * torch.tensor(weights)).sum()
    loss.backward()
    return out.detach().numpy(), [grad_of(leaf) for leaf in leaves]


def output_shape(probe: Probe, arrays: list[np.ndarray]) -> tuple[int, ...]:
    """The shape of ``probe``'s output on inputs of these shapes (meta tensors: no values)."""
    leaves = [torch.empty(a.shape, dtype=torch.float64, device="meta") for a in arrays]
    return tuple(on_torch(probe, leaves).shape)


def ops_cases() -> list[tuple[Probe, list[np.ndarray]]]:
    """Every probe on ``DRAWS`` random inputs (seeded: the probe and the judge draw alike)."""
    rng = np.random.default_rng(8)
    return [(probe, draw_inputs(probe, rng)) for probe in PROBES for _ in range(DRAWS)]


def backward_cases() -> list[tuple[Probe, list[np.ndarray], np.ndarray]]:
    """Every probe on ``DRAWS`` random inputs, each with random weights for the loss."""
    rng = np.random.default_rng(80)
    cases = []
    for probe in PROBES:
        for _ in range(DRAWS):
            arrays = draw_inputs(probe, rng)
            cases.append((probe, arrays, rng.uniform(-1.0, 1.0, size=output_shape(probe, arrays))))
    return cases


def forward_record(Tensor: type, probe: Probe, arrays: list[np.ndarray], found: dict) -> None:
    """What the learner's ``Tensor`` makes of ``probe`` on ``arrays``, into ``found``."""
    leaves = [Tensor(a.copy()) for a in arrays]
    try:
        out = on_learners(probe, leaves)
    except TypeError as error:  # the judge tells a missing __r*__ from a crash
        found["type_error"] = str(error)[:2000]
        raise
    found["none"] = out is None
    if out is None:
        return
    found["type"] = type(out).__name__
    found["tensor"] = isinstance(out, Tensor)
    if not found["tensor"]:
        return
    found["mutated"] = any(
        not np.array_equal(leaf.data, a) for leaf, a in zip(leaves, arrays, strict=True)
    )
    found["out"] = as_array(out.data)


def forward_verdict(
    records: Records, found: dict, probe: Probe, arrays: list[np.ndarray], reference: np.ndarray
) -> Verdict | None:
    """The verdict on one forward record (None: it matches PyTorch's ``reference``)."""
    where = WHERE(expr=probe.expr, shapes=[a.shape for a in arrays], error=np.inf)
    if "none" not in found:
        text = found.get("type_error")
        if probe.reflected and isinstance(text, str) and "unsupported operand" in text:
            return failed(NO_REFLECTED(expr=probe.expr, method=probe.reflected), where)
        records.cut()
    if found["none"]:
        return failed(RETURNED_NONE(expr=probe.expr), where)
    if not records.need(found, "tensor"):
        return failed(NOT_TENSOR(expr=probe.expr, got=records.need(found, "type")), where)
    if records.need(found, "mutated"):
        return failed(MUTATED(expr=probe.expr), where)
    out = records.need(found, "out")
    if close(out, reference, rtol=TOL, atol=TOL, relative_to="largest"):
        return None
    where = WHERE(
        expr=probe.expr, shapes=[a.shape for a in arrays], error=max_error(out, reference)
    )
    if probe.swapped and close(
        out, probe.swapped(*arrays), rtol=TOL, atol=TOL, relative_to="largest"
    ):
        return failed(SWAPPED(expr=probe.expr, method=probe.reflected), where)
    return failed(WRONG_VALUE(expr=probe.expr), where)


def expect_class(Tensor: object) -> type:
    if not isinstance(Tensor, type):
        raise stop(NOT_CLASS, got=type(Tensor).__name__)
    return Tensor


@learner_side
def probe_tensor_ops(data: Data, Tensor: object) -> None:
    """The learner's ``Tensor`` on every case of ``ops_cases``: outputs as float64 arrays."""
    cls = expect_class(Tensor)
    for index, (probe, arrays) in enumerate(ops_cases()):
        forward_record(cls, probe, arrays, record(data, "forward", index))


def judge_tensor_ops(data: Data) -> Verdict:
    records = Records(data)
    for index, (probe, arrays) in enumerate(ops_cases()):
        reference, _ = torch_run(probe, arrays, None)
        verdict = forward_verdict(records, records.next("forward", index), probe, arrays, reference)
        if verdict is not None:
            return verdict
    return passed(OPS_OK(probes=len(PROBES), cases=len(PROBES) * DRAWS))


@homework(OPS_TITLE, probe=probe_tensor_ops, judge=judge_tensor_ops)
def check_tensor_ops(Tensor: type) -> Verdict:
    """Compare ``+ - * / **``, reflected operators, ``exp``, ``tanh``, ``relu``, ``sum``, ``@``."""
    return judge_tensor_ops(probe_tensor_ops(Tensor))


def grads_record(
    Tensor: type, probe: Probe, arrays: list[np.ndarray], weights: np.ndarray, found: dict
) -> None:
    """The gradients the learner's ``backward()`` leaves on the inputs, as float64 arrays."""
    leaves = [Tensor(a.copy()) for a in arrays]
    try:
        out = on_learners(probe, leaves)
        loss = out if probe.scalar else (out * weights).sum()
        loss.backward()
        grads = [np.asarray(leaf.grad, dtype=np.float64) for leaf in leaves]
    except ValueError as error:  # numpy: `grad += g` with g of another shape
        found["value_error"] = str(error)[:2000]
        found["error"] = error_text(error, 100)
        raise
    found["grads"] = grads


def slopes_record(
    Tensor: type, probe: Probe, arrays: list[np.ndarray], weights: np.ndarray, found: dict
) -> None:
    """Finite-difference slopes of the learner's own forward, one per input, in order."""
    slopes: list[np.ndarray] = []
    found["slopes"] = slopes
    for i in range(len(arrays)):

        def loss(x: np.ndarray, i: int = i) -> float:
            inputs = [Tensor(x.copy()) if j == i else Tensor(a) for j, a in enumerate(arrays)]
            out = on_learners(probe, inputs)
            return float(np.sum(out.data if probe.scalar else out.data * weights))

        slopes.append(slope(loss, arrays[i].copy()))


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


@learner_side
def probe_backward(data: Data, Tensor: object) -> None:
    """For every case of ``backward_cases``: the forward output, the gradients, and (first
    draw of each probe) the finite-difference slopes of the learner's forward."""
    cls = expect_class(Tensor)
    for index, (probe, arrays, weights) in enumerate(backward_cases()):
        forward_record(cls, probe, arrays, record(data, "forward", index))
        grads_record(cls, probe, arrays, weights, record(data, "grads", index))
        if index % DRAWS == 0:
            slopes_record(cls, probe, arrays, weights, record(data, "slopes", index))


def judge_backward(data: Data) -> Verdict:
    records = Records(data)
    for index, (probe, arrays, weights) in enumerate(backward_cases()):
        reference, _ = torch_run(probe, arrays, None)
        _, ref_grads = torch_run(probe, arrays, weights)
        verdict = forward_verdict(records, records.next("forward", index), probe, arrays, reference)
        if verdict is not None:
            return verdict
        found = records.next("grads", index)
        if "grads" not in found:
            text = found.get("value_error")
            if isinstance(text, str) and "broadcast" in text:
                return failed(UNBROADCAST(expr=probe.expr, error=records.need(found, "error")))
            records.cut()
        grads = records.need(found, "grads")
        for mine, ref in zip(grads, ref_grads, strict=True):
            if not close(mine, ref, rtol=TOL, atol=TOL, relative_to="largest"):
                where = WHERE(
                    expr=probe.expr, shapes=[a.shape for a in arrays], error=max_error(mine, ref)
                )
                return failed(grad_hint(probe, mine, ref, index == 0), where)
        if index % DRAWS == 0:
            found = records.next("slopes", index)
            slopes = records.need(found, "slopes")
            for i, grad in enumerate(grads):
                if i >= len(slopes):
                    records.cut()
                if not close(
                    grad, slopes[i], rtol=SLOPE_TOL, atol=SLOPE_TOL, relative_to="largest"
                ):
                    return failed(SLOPE(expr=probe.expr))
    return passed(GRADS_OK(cases=len(PROBES) * DRAWS))


@homework(BACKWARD_TITLE, probe=probe_backward, judge=judge_backward)
def check_backward(Tensor: type) -> Verdict:
    """Compare ``backward()``'s gradients with PyTorch and with finite differences."""
    return judge_backward(probe_backward(Tensor))
