"""Chapter 10: a GRU step by hand, a loss without the padding, a hidden size for parity."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tests.corpus import changed, mistake, right, shortcut, slow, stub
from widgets import check_gru_step, check_masked_loss, check_parity_hidden
from widgets._checks.ch10 import (
    GRU_NO_TANH,
    GRU_ORDER,
    GRU_R_BEFORE,
    GRU_SHAPE,
    GRU_SHORTCUT,
    GRU_WRONG,
    HIDDEN_NOT_INT,
    HIDDEN_RANGE,
    HIDDEN_UNRELIABLE,
    MASK_DIVISOR,
    MASK_ITEM,
    MASK_LABEL_ZERO,
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
from widgets._checks.verdict import CRASHED_AT, RETURNED_NONE


def mask_without_unsqueeze(logits, labels, lengths):
    """The mask (T,) against lengths (N,): a broadcasting error, not a class-dimension one."""
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    mask = torch.arange(labels.shape[1]) < lengths
    return losses[mask].mean()


def mask_one_element(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    mask = torch.arange(labels.shape[1]) < lengths.unsqueeze(1)
    return losses[mask].mean().reshape(1)


def mask_summed(logits, labels, lengths):
    losses = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")
    return losses[torch.arange(labels.shape[1]) < lengths.unsqueeze(1)].sum()


def mask_logits_reshaped_only(logits, labels, lengths):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels)


def gru_linear(x, h, cell):
    """F.linear for every product: no GRU operator."""
    r_i, z_i, n_i = F.linear(x, cell.weight_ih, cell.bias_ih).chunk(3, dim=1)
    r_h, z_h, n_h = F.linear(h, cell.weight_hh, cell.bias_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(r_i + r_h), torch.sigmoid(z_i + z_h)
    n = torch.tanh(n_i + r * n_h)
    return (1 - z) * n + z * h


# 1. One GRU step -----------------------------------------------------------------------


def gru_two_products(x, h, cell):
    """Both products at once, then the pieces sliced out by the hidden size."""
    size = h.shape[1]
    gi = x @ cell.weight_ih.T + cell.bias_ih
    gh = h @ cell.weight_hh.T + cell.bias_hh
    r, z = torch.sigmoid(gi[:, : 2 * size] + gh[:, : 2 * size]).split(size, dim=1)
    n = torch.tanh(gi[:, 2 * size :] + r * gh[:, 2 * size :])
    return n + z * (h - n)


def gru_per_gate(x, h, cell):
    """One small function per gate, with torch.addmm."""
    w_i, w_h = cell.weight_ih.chunk(3), cell.weight_hh.chunk(3)
    b_i, b_h = cell.bias_ih.chunk(3), cell.bias_hh.chunk(3)

    def part(k, source, w, b):
        return torch.addmm(b[k], source, w[k].t())

    r = torch.sigmoid(part(0, x, w_i, b_i) + part(0, h, w_h, b_h))
    z = torch.sigmoid(part(1, x, w_i, b_i) + part(1, h, w_h, b_h))
    n = torch.tanh(part(2, x, w_i, b_i) + r * part(2, h, w_h, b_h))
    return (1 - z) * n + z * h


def gru(*, keep="z", r_on_bias=True, r_on_h=False, order=(0, 1, 2), squash=torch.tanh, out=None):
    """A learner's gru_step with one mistake switched on."""

    def gru_step(x, h, cell):
        W_i = [cell.weight_ih.chunk(3)[k] for k in order]
        W_h = [cell.weight_hh.chunk(3)[k] for k in order]
        b_i = [cell.bias_ih.chunk(3)[k] for k in order]
        b_h = [cell.bias_hh.chunk(3)[k] for k in order]
        r = torch.sigmoid(x @ W_i[0].T + b_i[0] + h @ W_h[0].T + b_h[0])
        z = torch.sigmoid(x @ W_i[1].T + b_i[1] + h @ W_h[1].T + b_h[1])
        if r_on_h:
            hidden = (r * h) @ W_h[2].T + b_h[2]
        elif r_on_bias:
            hidden = r * (h @ W_h[2].T + b_h[2])
        else:
            hidden = r * (h @ W_h[2].T) + b_h[2]
        n = squash(x @ W_i[2].T + b_i[2] + hidden)
        new = (1 - z) * n + z * h if keep == "z" else h + z * (n - h)
        return out(new) if out else new

    return gru_step


def gru_no_return(x, h, cell):
    h = gru_two_products(x, h, cell)  # the new state, computed but not returned


def gru_copied_cell(x, h, cell):
    twin = nn.GRUCell(cell.input_size, cell.hidden_size)
    twin.load_state_dict(cell.state_dict())
    return twin(x, h)


def gru_through_nn_gru(x, h, cell):
    layer = nn.GRU(cell.input_size, cell.hidden_size)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(layer, f"{name}_l0").data = getattr(cell, name).data
    return layer(x.unsqueeze(0), h.unsqueeze(0))[1].squeeze(0)


def gru_stub(x, h, cell):
    # W_ir, W_iz, W_in = cell.weight_ih.chunk(3); split weight_hh, bias_ih, bias_hh the same way
    return ...


# 2. The loss without the padding -------------------------------------------------------


def real_steps(labels, lengths):
    return torch.arange(labels.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)


def mask_by_hand(logits, labels, lengths):
    """-log p of the right class, picked with gather, averaged over the mask."""
    picked = -F.log_softmax(logits, dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
    return picked[real_steps(labels, lengths)].mean()


def mask_loop(logits, labels, lengths):
    total = 0
    for i, n in enumerate(lengths):
        total = total + F.cross_entropy(logits[i, :n], labels[i, :n], reduction="sum")
    return total / lengths.sum()


def mask_weights(logits, labels, lengths):
    losses = F.cross_entropy(logits.transpose(1, 2), labels, reduction="none")
    return (losses * real_steps(labels, lengths)).sum() / lengths.sum()


def mask_labels_not_zero(logits, labels, lengths):
    losses = F.cross_entropy(logits.transpose(1, 2), labels, reduction="none")
    return losses[labels != 0].mean()


def mask_ignore_zero(logits, labels, lengths):
    return F.cross_entropy(logits.reshape(-1, 3), labels.reshape(-1), ignore_index=0)


def mask_flattened(logits, labels, lengths):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.flatten())


def mask_mean_of_products(logits, labels, lengths):
    losses = F.cross_entropy(logits.transpose(1, 2), labels, reduction="none")
    return (losses * real_steps(labels, lengths)).mean()


def mask_mean_per_sequence(logits, labels, lengths):
    means = [F.cross_entropy(logits[i, :n], labels[i, :n]) for i, n in enumerate(lengths.tolist())]
    return sum(means) / len(means)


def mask_from_one(logits, labels, lengths):
    losses = F.cross_entropy(logits.transpose(1, 2), labels, reduction="none")
    positions = torch.arange(1, labels.shape[1] + 1)  # 1, 2, …, T instead of 0, 1, …
    return losses[positions < lengths.unsqueeze(1)].mean()


def mask_number(logits, labels, lengths):
    return mask_weights(logits, labels, lengths).item()


def mask_classes_last(logits, labels, lengths):
    losses = F.cross_entropy(logits, labels, reduction="none")
    return losses[real_steps(labels, lengths)].mean()


def mask_detached(logits, labels, lengths):
    return mask_weights(logits.detach(), labels, lengths)


def mask_no_return(logits, labels, lengths):
    losses = F.cross_entropy(logits.transpose(1, 2), labels, reduction="none")
    losses[real_steps(labels, lengths)].mean()


def mask_stub(logits, labels, lengths):
    return ...  # replace ...


ANSWERS = [
    right("both products at once", check_gru_step, lambda: (gru_two_products,)),
    right("a function per gate", check_gru_step, lambda: (gru_per_gate,)),
    mistake(
        "h + z * (n - h)", check_gru_step, lambda: (gru(keep="n"),), "z plays the opposite role"
    ),
    mistake(
        "r outside the bias", check_gru_step, lambda: (gru(r_on_bias=False),), "multiplies the bias"
    ),
    mistake("r * h first", check_gru_step, lambda: (gru(r_on_h=True),), GRU_R_BEFORE),
    mistake("z, r, n", check_gru_step, lambda: (gru(order=(1, 0, 2)),), GRU_ORDER),
    mistake("no tanh", check_gru_step, lambda: (gru(squash=lambda v: v),), GRU_NO_TANH),
    mistake("sigmoid for n", check_gru_step, lambda: (gru(squash=torch.sigmoid),), GRU_WRONG),
    mistake(
        "a tuple (output, h)",
        check_gru_step,
        lambda: (gru(out=lambda new: (new, new)),),
        NOT_A_TENSOR,
    ),
    mistake(
        "one time step added",
        check_gru_step,
        lambda: (gru(out=lambda new: new.unsqueeze(0)),),
        GRU_SHAPE,
    ),
    mistake("forgotten return", check_gru_step, lambda: (gru_no_return,), RETURNED_NONE),
    shortcut("a copy of the cell", check_gru_step, lambda: (gru_copied_cell,), GRU_SHORTCUT),
    shortcut("nn.GRU", check_gru_step, lambda: (gru_through_nn_gru,), GRU_SHORTCUT),
    right("F.linear", check_gru_step, lambda: (gru_linear,)),
    mistake("a string", check_gru_step, lambda: ("gru_step",), NOT_A_FUNCTION),
    stub("the stub", check_gru_step, lambda: (gru_stub,)),
    right("log_softmax and gather", check_masked_loss, lambda: (mask_by_hand,)),
    right("a loop over the sequences", check_masked_loss, lambda: (mask_loop,)),
    right("weights over lengths.sum()", check_masked_loss, lambda: (mask_weights,)),
    mistake("labels != 0", check_masked_loss, lambda: (mask_labels_not_zero,), MASK_LABEL_ZERO),
    mistake("ignore_index=0", check_masked_loss, lambda: (mask_ignore_zero,), MASK_LABEL_ZERO),
    mistake("no mask", check_masked_loss, lambda: (mask_flattened,), MASK_UNMASKED),
    mistake(
        "mean() of the masked losses",
        check_masked_loss,
        lambda: (mask_mean_of_products,),
        MASK_DIVISOR,
    ),
    mistake(
        "a mean per sequence",
        check_masked_loss,
        lambda: (mask_mean_per_sequence,),
        MASK_PER_SEQUENCE,
    ),
    mistake("positions from 1", check_masked_loss, lambda: (mask_from_one,), MASK_OFF_BY_ONE),
    mistake("a number", check_masked_loss, lambda: (mask_number,), MASK_ITEM),
    changed(
        mistake("classes last", check_masked_loss, lambda: (mask_classes_last,), MASK_LAYOUT),
        "issue 24: the class-dimension hint is given for cross_entropy's own error only, "
        "and now shows that error",
    ),
    mistake("detached logits", check_masked_loss, lambda: (mask_detached,), MASK_NO_GRAD),
    mistake("forgotten return", check_masked_loss, lambda: (mask_no_return,), RETURNED_NONE),
    mistake(
        "a mask without unsqueeze", check_masked_loss, lambda: (mask_without_unsqueeze,), CRASHED_AT
    ),
    mistake(
        "a one-element tensor", check_masked_loss, lambda: (mask_one_element,), MASK_NOT_SCALAR
    ),
    mistake("a sum, not a mean", check_masked_loss, lambda: (mask_summed,), MASK_WRONG),
    mistake(
        "logits reshaped, labels not",
        check_masked_loss,
        lambda: (mask_logits_reshaped_only,),
        MASK_LAYOUT,
    ),
    mistake("a number for the function", check_masked_loss, lambda: (3.0,), NOT_A_FUNCTION),
    stub("the stub", check_masked_loss, lambda: (mask_stub,)),
    slow(right("2 ** 5", check_parity_hidden, lambda: (2**5,))),
    slow(right("NumPy's int64", check_parity_hidden, lambda: (np.int64(12),))),
    slow(mistake("2, as suggested first", check_parity_hidden, lambda: (2,), HIDDEN_UNRELIABLE)),
    mistake("a float", check_parity_hidden, lambda: (16.0,), HIDDEN_NOT_INT),
    mistake("a string", check_parity_hidden, lambda: ("32",), HIDDEN_NOT_INT),
    mistake("a tensor", check_parity_hidden, lambda: (torch.tensor(16),), HIDDEN_NOT_INT),
    mistake("too large", check_parity_hidden, lambda: (256,), HIDDEN_RANGE),
    mistake("zero", check_parity_hidden, lambda: (0,), HIDDEN_RANGE),
    stub("the stub", check_parity_hidden, lambda: (...,)),
]
