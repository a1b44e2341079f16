"""Watch which PyTorch operations a learner's function runs, to tell a shortcut from the task.

A check that asks for a convolution written by hand, or a gradient worked out by hand, must
not pass an answer that calls ``F.conv2d`` or ``backward()``. Output alone cannot tell them
apart, so the check runs the answer inside ``watch()`` and looks at what it called: torch
functions (``__torch_function__`` level, e.g. ``conv2d``, ``backward``) and ATen operators
(``__torch_dispatch__`` level, which also sees ``nn.Conv2d`` and ``torch.ops.aten.*``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

# Torch functions that mean "autograd did the differentiation".
AUTOGRAD = {"backward", "grad", "requires_grad_", "vjp", "jacobian", "hessian"}
# torch's recurrent operators, as functions (torch.gru_cell, _VF.gru_cell) or ATen ops.
RECURRENT = {
    "gru",
    "gru_cell",
    "_thnn_fused_gru_cell",
    "rnn_tanh",
    "rnn_relu",
    "rnn_tanh_cell",
    "rnn_relu_cell",
    "lstm",
    "lstm_cell",
    "_thnn_fused_lstm_cell",
}


@dataclass
class Calls:
    """What ran inside ``watch()``: torch function names and ATen operator names.

    ``sequence`` keeps the torch function names in the order they ran (each call once).
    """

    functions: set[str] = field(default_factory=set)
    operators: set[str] = field(default_factory=set)
    sequence: list[str] = field(default_factory=list)

    @property
    def used_torch(self) -> bool:
        return bool(self.functions or self.operators)

    @property
    def used_autograd(self) -> bool:
        return bool(self.functions & AUTOGRAD)

    @property
    def recurrent(self) -> set[str]:
        """The recurrent operators that ran (``gru_cell`` and friends), however spelled."""
        ops = {name.split("::")[-1].split(".")[0] for name in self.operators}
        return (self.functions | ops) & RECURRENT

    @property
    def used_convolution(self) -> bool:
        return any("conv" in name for name in self.functions) or any(
            "convolution" in name or name.startswith("aten::conv") for name in self.operators
        )


class _FunctionLog(TorchFunctionMode):
    def __init__(self, calls: Calls) -> None:
        super().__init__()
        self.calls = calls

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", str(func))
        self.calls.functions.add(name)
        self.calls.sequence.append(name)
        return func(*args, **(kwargs or {}))


class _OperatorLog(TorchDispatchMode):
    def __init__(self, calls: Calls) -> None:
        super().__init__()
        self.calls = calls

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.calls.operators.add(func.name())
        return func(*args, **(kwargs or {}))


@contextmanager
def watch() -> Iterator[Calls]:
    """Record the torch functions and ATen operators run inside the ``with`` block."""
    calls = Calls()
    with _FunctionLog(calls), _OperatorLog(calls):
        yield calls


def run_watched(fn, *args, **kwargs) -> tuple[object, Calls]:
    """``fn(*args, **kwargs)`` and what it ran; the grad mode is the caller's."""
    with watch() as calls:
        result = fn(*args, **kwargs)
    return result, calls
