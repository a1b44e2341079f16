"""Chapter 10 exercise checks: a right answer passes, typical mistakes get their own hint."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tests.support.verdicts import assert_hint
from widgets import check_gru_step, check_masked_loss, check_parity_hidden, setup
from widgets._checks.ch10 import (
    GRU_NO_TANH,
    GRU_ORDER,
    GRU_R_BEFORE,
    GRU_R_BIAS,
    GRU_SEQUENCE,
    GRU_SHAPE,
    GRU_SHORTCUT,
    GRU_WRONG,
    GRU_Z_SWAPPED,
    HIDDEN_NOT_INT,
    HIDDEN_RANGE,
    HIDDEN_UNRELIABLE,
    MASK_DIVISOR,
    MASK_GRAD,
    MASK_ITEM,
    MASK_LAYOUT,
    MASK_NO_GRAD,
    MASK_NOT_SCALAR,
    MASK_OFF_BY_ONE,
    MASK_PER_SEQUENCE,
    MASK_UNMASKED,
    MASK_WRONG,
    NOT_A_FUNCTION,
    NOT_A_TENSOR,
)
from widgets._checks.verdict import OK, TODO, WRONG

# 1. gru_step --------------------------------------------------------------------------


def gates(x, h, cell):
    W_ir, W_iz, W_in = cell.weight_ih.chunk(3)
    W_hr, W_hz, W_hn = cell.weight_hh.chunk(3)
    b_ir, b_iz, b_in = cell.bias_ih.chunk(3)
    b_hr, b_hz, b_hn = cell.bias_hh.chunk(3)
    r = torch.sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    return r, z, (W_in, b_in, W_hn, b_hn)


def gru_right(x, h, cell):
    r, z, (W_in, b_in, W_hn, b_hn) = gates(x, h, cell)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
    return (1 - z) * n + z * h


def gru_with_linear(x, h, cell):  # the same maths through F.linear and one big product
    gi = F.linear(x, cell.weight_ih, cell.bias_ih)
    gh = F.linear(h, cell.weight_hh, cell.bias_hh)
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    return torch.lerp(torch.tanh(i_n + r * h_n), h, z)


def gru_z_swapped(x, h, cell):
    r, z, (W_in, b_in, W_hn, b_hn) = gates(x, h, cell)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
    return z * n + (1 - z) * h


def gru_r_outside_bias(x, h, cell):
    r, z, (W_in, b_in, W_hn, b_hn) = gates(x, h, cell)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T) + b_hn)
    return (1 - z) * n + z * h


def gru_r_first(x, h, cell):  # Cho et al.'s form, not PyTorch's
    r, z, (W_in, b_in, W_hn, b_hn) = gates(x, h, cell)
    n = torch.tanh(x @ W_in.T + b_in + (r * h) @ W_hn.T + b_hn)
    return (1 - z) * n + z * h


def gru_z_r_order(x, h, cell):
    W_iz, W_ir, W_in = cell.weight_ih.chunk(3)
    W_hz, W_hr, W_hn = cell.weight_hh.chunk(3)
    b_iz, b_ir, b_in = cell.bias_ih.chunk(3)
    b_hz, b_hr, b_hn = cell.bias_hh.chunk(3)
    r = torch.sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
    return (1 - z) * n + z * h


def gru_no_tanh(x, h, cell):
    r, z, (W_in, b_in, W_hn, b_hn) = gates(x, h, cell)
    n = x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn)
    return (1 - z) * n + z * h


def gru_relu(x, h, cell):
    r, z, (W_in, b_in, W_hn, b_hn) = gates(x, h, cell)
    n = torch.relu(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
    return (1 - z) * n + z * h


def forgetful():
    """Right on every first call per cell, then it drops the state (a contrived stateful answer)."""
    seen = set()

    def gru_step(x, h, cell):
        if id(cell) in seen:
            h = torch.zeros_like(h)
        seen.add(id(cell))
        return gru_right(x, h, cell)

    return gru_step


def test_gru_step_right():
    for answer in (gru_right, gru_with_linear):
        verdict = check_gru_step(answer)
        assert verdict.status == OK and verdict, verdict
        assert "nn.GRU" in verdict.detail


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (gru_z_swapped, GRU_Z_SWAPPED),
        (gru_r_outside_bias, GRU_R_BIAS),
        (gru_r_first, GRU_R_BEFORE),
        (gru_z_r_order, GRU_ORDER),
        (gru_no_tanh, GRU_NO_TANH),
        (gru_relu, GRU_WRONG),
        (lambda x, h, cell: gru_right(x, h, cell)[:1], GRU_SHAPE),
        (lambda x, h, cell: (gru_right(x, h, cell), h), NOT_A_TENSOR),
    ],
)
def test_gru_step_wrong(answer, message):
    assert_hint(check_gru_step(answer), message)


def test_gru_step_is_also_run_along_a_sequence():
    assert_hint(check_gru_step(forgetful()), GRU_SEQUENCE)


@pytest.mark.parametrize(
    "shortcut",
    [
        lambda x, h, cell: cell(x, h),
        lambda x, h, cell: cell.forward(x, h),
        lambda x, h, cell: torch.gru_cell(
            x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
        ),
        lambda x, h, cell: torch._VF.gru_cell(
            x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
        ),
    ],
)
def test_gru_step_rejects_torchs_gru_cell(shortcut):
    verdict = check_gru_step(shortcut)
    assert_hint(verdict, GRU_SHORTCUT, names="gru_cell")
    assert "gru_cell" in verdict.hint


def test_gru_step_rejects_nn_gru():
    def with_nn_gru(x, h, cell):
        gru = nn.GRU(cell.input_size, cell.hidden_size, batch_first=True)
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(gru, f"{name}_l0").copy_(getattr(cell, name))
        return gru(x.unsqueeze(1), h.unsqueeze(0))[1][0]

    verdict = check_gru_step(with_nn_gru)
    assert_hint(verdict, GRU_SHORTCUT, names="gru")
    assert "(gru)" in verdict.hint


def test_gru_step_stub_and_odd_answers():
    def stub(x, h, cell):  # the chapter's stub, as written
        # W_ir, W_iz, W_in = cell.weight_ih.chunk(3); ...
        return ...

    assert check_gru_step(stub).status == TODO
    assert check_gru_step(None).status == TODO
    assert_hint(check_gru_step(3), NOT_A_FUNCTION, name="gru_step", got="int")
    crashed = check_gru_step(lambda x, h, cell: x @ cell.weight_ih)  # forgot .T
    assert crashed.status == WRONG and "RuntimeError" in crashed.hint


# 2. masked_cross_entropy ---------------------------------------------------------------


def real(labels, lengths):
    return torch.arange(labels.shape[1]) < lengths.unsqueeze(1)


def mask_right(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    return losses[real(labels, lengths)].mean()


def mask_ignore_index(logits, labels, lengths):
    labels = labels.masked_fill(~real(labels, lengths), -100)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))


def mask_weighted(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    mask = real(labels, lengths).float()
    return (losses * mask).sum() / mask.sum()


def mask_packed(logits, labels, lengths):
    packed_logits = nn.utils.rnn.pack_padded_sequence(
        logits, lengths, batch_first=True, enforce_sorted=False
    )
    packed_labels = nn.utils.rnn.pack_padded_sequence(
        labels, lengths, batch_first=True, enforce_sorted=False
    )
    return F.cross_entropy(packed_logits.data, packed_labels.data)


def mask_unmasked(logits, labels, lengths):
    return F.cross_entropy(logits.permute(0, 2, 1), labels)


def mask_divide_all(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    return (losses * real(labels, lengths)).sum() / labels.numel()


def mask_per_sequence(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    return torch.stack(
        [row[:n].mean() for row, n in zip(losses, lengths.tolist(), strict=True)]
    ).mean()


def mask_off_by_one(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    return losses[torch.arange(labels.shape[1]) <= lengths.unsqueeze(1)].mean()


def mask_wrong_layout(logits, labels, lengths):
    return F.cross_entropy(logits, labels)  # classes not in dim 1


def mask_leaky(logits, labels, lengths):  # right value, but the padding gets gradient
    right = mask_right(logits, labels, lengths)
    return right + (logits - logits.detach()).sum()


@pytest.mark.parametrize("answer", [mask_right, mask_ignore_index, mask_weighted, mask_packed])
def test_masked_loss_right(answer):
    verdict = check_masked_loss(answer)
    assert verdict.status == OK and verdict, verdict


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (mask_unmasked, MASK_UNMASKED),
        (mask_divide_all, MASK_DIVISOR),
        (mask_per_sequence, MASK_PER_SEQUENCE),
        (mask_off_by_one, MASK_OFF_BY_ONE),
        (mask_wrong_layout, MASK_LAYOUT),
        (mask_leaky, MASK_GRAD),
        (lambda *a: mask_right(*a).item(), MASK_ITEM),
        (lambda *a: mask_right(*a).detach(), MASK_NO_GRAD),
        (lambda logits, labels, lengths: F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none"), MASK_NOT_SCALAR),
        (lambda *a: 2 * mask_right(*a), MASK_WRONG),
    ],
)  # fmt: skip
def test_masked_loss_wrong(answer, message):
    assert_hint(check_masked_loss(answer), message)


def test_masked_loss_stub_and_odd_answers():
    def stub(logits, labels, lengths):
        return ...

    assert check_masked_loss(stub).status == TODO
    assert_hint(check_masked_loss("loss"), NOT_A_FUNCTION, name="masked_cross_entropy", got="str")
    assert_hint(check_masked_loss(lambda *a: [1.0]), NOT_A_TENSOR, got="list")


# 3. hidden_size for parity (each check trains 3 small GRUs: a few seconds) -----------


def test_parity_hidden_right():
    verdict = check_parity_hidden(16)
    assert verdict.status == OK and verdict, verdict
    assert verdict.detail.count("100%") >= 2


def test_parity_hidden_too_small_and_the_learners_random_state_kept():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    verdict = check_parity_hidden(1)
    assert torch.equal(torch.rand(3), before), "the check changed the learner's random state"
    assert_hint(verdict, HIDDEN_UNRELIABLE)
    assert "3 of them" in verdict.hint and "larger hidden state" in verdict.hint


def test_parity_hidden_small_but_lucky_is_still_unreliable():
    # hidden_size=2 learns parity from 2 of the 3 starting weights: not reliable.
    verdict = check_parity_hidden(2)
    assert verdict.status == WRONG and "1 of them" in verdict.hint, verdict


@pytest.mark.parametrize(
    ("answer", "message", "fmt"),
    [
        (8.0, HIDDEN_NOT_INT, {"got": "8.0"}),
        ("16", HIDDEN_NOT_INT, {"got": "'16'"}),
        (True, HIDDEN_NOT_INT, {"got": "True"}),
        (0, HIDDEN_RANGE, {"got": 0, "most": 64}),
        (1000, HIDDEN_RANGE, {"got": 1000, "most": 64}),
    ],
)
def test_parity_hidden_not_a_size(answer, message, fmt):
    assert_hint(check_parity_hidden(answer), message, **fmt)


def test_parity_hidden_stub():
    assert check_parity_hidden(...).status == TODO
    assert check_parity_hidden(None).status == TODO


def test_messages_speak_japanese_too():
    setup("ja", quiet=True)
    assert (
        "z" in check_gru_step(gru_z_swapped).hint and "残す" in check_gru_step(gru_z_swapped).hint
    )
    assert "パディング" in check_masked_loss(mask_unmasked).hint
    assert "整数" in check_parity_hidden(2.5).hint
