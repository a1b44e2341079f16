"""How long chapter 08's homework checks take on a correct answer (goal: well under 1 s)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from bench import Row
from tests.support.reference import Tensor, conv2d_loops, conv2d_unfold
from widgets import check_backward, check_conv2d, check_draw_graph, check_tensor_ops


def seconds(check, answer) -> float:
    check(answer)  # warm up (imports, wasm compile)
    start = time.perf_counter()
    verdict = check(answer)
    assert verdict, verdict
    return time.perf_counter() - start


def rows() -> Iterator[Row]:
    for check in (check_tensor_ops, check_backward, check_draw_graph):
        yield Row(
            f"{check.__name__}(reference Tensor)", f"{seconds(check, Tensor):.2f} s", "goal < 1 s"
        )
    for conv in (conv2d_unfold, conv2d_loops):
        yield Row(
            f"check_conv2d({conv.__name__})", f"{seconds(check_conv2d, conv):.2f} s", "goal < 1 s"
        )
