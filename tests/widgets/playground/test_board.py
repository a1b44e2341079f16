"""The frames the kernel sends to the playground's canvas: shapes, types, a diverged run."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from widgets._playground.board import (
    CURVE_POINTS,
    IN_FLIGHT,
    Board,
    Frames,
    decode_grid,
    encode_curves,
    encode_grid,
    encode_points,
    frame_state,
)
from widgets._playground.settings import make_config
from widgets._playground.train import Run
from widgets._playground.view import SHOWN_TEST, SHOWN_TRAIN, SIZE

pytestmark = pytest.mark.widgets


def test_a_probability_grid_is_one_byte_per_cell_and_reads_back():
    values = torch.linspace(0, 1, 16).reshape(4, 4)
    grid = encode_grid(values, classify=True)
    assert grid.finite and grid.size == 4 and len(grid.data) == 16
    assert (grid.lo, grid.hi) == (0.0, 1.0)
    raw = np.frombuffer(grid.data, dtype=np.uint8)
    assert raw[0] == 0 and raw[-1] == 255 and list(raw) == sorted(raw)
    assert np.allclose(decode_grid(grid), values.numpy(), atol=1 / 255)


def test_a_regression_surface_is_scaled_over_its_own_range():
    values = np.array([[-3.0, 0.0], [1.0, 5.0]])
    grid = encode_grid(values, classify=False)
    assert (grid.lo, grid.hi) == (-3.0, 5.0)
    assert np.allclose(decode_grid(grid), values, atol=8 / 255)
    flat = encode_grid(np.full((3, 3), 2.0), classify=False)  # no division by zero
    assert flat.finite and flat.hi > flat.lo and len(flat.data) == 9


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_surface_is_sent_as_diverged_not_as_bytes(bad):
    values = np.zeros((5, 5))
    values[2, 3] = bad
    grid = encode_grid(values, classify=True)
    assert not grid.finite and grid.data == b""


def test_a_grid_must_be_square():
    with pytest.raises(ValueError):
        encode_grid(np.zeros((3, 4)), classify=True)


def test_points_are_float32_rows_with_test_and_wrong_flags():
    x = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    data = encode_points(
        x,
        torch.tensor([[1.0], [0.0], [1.0]]),
        test=torch.tensor([False, True, True]),
        wrong=torch.tensor([False, False, True]),
    )
    rows = np.frombuffer(data, dtype=np.float32).reshape(-1, 4)
    assert rows.tolist() == [[0, 1, 1, 0], [2, 3, 0, 1], [4, 5, 1, 3]]


def test_curves_are_thinned_to_a_fixed_count_and_keep_the_last_point():
    n = 5000
    steps = list(range(n))
    data = encode_curves(steps, [1.0] * n, [2.0] * n)
    rows = np.frombuffer(data, dtype=np.float32).reshape(-1, 3)
    assert len(rows) == CURVE_POINTS and rows[0, 0] == 0 and rows[-1, 0] == n - 1
    short = np.frombuffer(encode_curves([0, 1], [3.0, 2.0], [4.0, 1.0]), dtype=np.float32)
    assert short.tolist() == [0, 3, 4, 1, 2, 1]
    assert encode_curves([], [], []) == b""


def test_non_finite_losses_stay_visible_to_the_front_end():
    rows = np.frombuffer(
        encode_curves([0, 1, 2], [1.0, math.inf, math.nan], [1.0, 1e40, 1.0]), dtype=np.float32
    ).reshape(-1, 3)
    assert rows[1, 1] == np.inf and np.isnan(rows[2, 1]) and rows[1, 2] == np.inf


def test_a_frame_of_a_run_has_every_part_in_its_size():
    run = Run(make_config(task="xor"))
    state = frame_state(run, diverged=False)
    assert len(state["grid"]) == SIZE * SIZE and state["size"] == SIZE
    points = np.frombuffer(state["points"], dtype=np.float32).reshape(-1, 4)
    assert len(points) == min(len(run.x_train), SHOWN_TRAIN) + min(len(run.x_test), SHOWN_TEST)
    assert set(points[:, 3].tolist()) <= {0.0, 1.0, 2.0, 3.0} and 1.0 in points[:, 3] % 2
    assert len(state["curves"]) == 3 * 4 and state["diverged"] is False
    assert state["classify"] is True and state["extent"][0] < state["extent"][1]


def test_a_diverged_run_sends_no_surface_and_says_diverged():
    run = Run(make_config(task="xor", lr=100.0, optimizer="adam"))
    run.train(300)
    for p in run.model.parameters():  # a run far gone: its outputs are NaN
        p.data.fill_(math.nan)
    state = frame_state(run, diverged=False)
    assert state["diverged"] is True and state["grid"] == b""
    rows = np.frombuffer(state["points"], dtype=np.float32).reshape(-1, 4)
    assert not (rows[:, 3] >= 2).any()  # no point ringed as wrong by a NaN model


def test_frames_wait_for_the_browser_except_a_new_runs_first():
    board = Board()
    frames = Frames(board)
    run = Run(make_config(task="xor"))
    for n in range(1, IN_FLIGHT + 1):
        assert frames.show(run, False) and board.frame == n
    assert not frames.show(run, False)  # the browser has drawn none of them yet
    board.drawn = 1  # what board.js sends back after drawing
    assert frames.show(run, False) and board.frame == IN_FLIGHT + 1
    assert not frames.show(run, False)
    other = Run(make_config(task="circle"))
    assert frames.show(other, False) and board.frame == IN_FLIGHT + 2  # a change answers now
    assert frames.show(other, False, force=True) and board.frame == IN_FLIGHT + 3
