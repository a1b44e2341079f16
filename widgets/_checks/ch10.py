"""Exercise checks for chapter 10 (sequences: RNN, LSTM and GRU)."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from .._i18n import Message
from .compare import close, max_error
from .learner import (
    Crash,
    as_data,
    as_values,
    call,
    call_watched,
    expect_callable,
    paired,
    probe_each,
    type_name,
)
from .limits import time_bounded
from .verdict import Early, Stopped, Verdict, exercise, failed, passed

NOT_A_FUNCTION = Message(
    ja="答えには関数そのもの（{name} のように括弧なし）を渡してください（{got} でした）。",
    en="Pass the function itself, without parentheses, like {name} (got a {got}).",
)
NOT_A_TENSOR = Message(
    ja="関数がテンソルを返していません（{got} でした）。torch の演算で計算して、テンソルを返しましょう。",
    en="The function does not return a tensor (it returned a {got}). Compute with torch operations and return a tensor.",
)


RTOL, ATOL = 1e-4, 1e-5  # float32 answers against float32 references


# 1. The GRU update by hand ----------------------------------------------------------

GRU_TITLE = Message(ja="GRU の更新を手で書く", en="The GRU update by hand")
GRU_SHORTCUT = Message(
    ja="答えの中で PyTorch の GRU（{names}）が呼ばれました。cell(x, h) や nn.GRU に任せず、"
    "r・z・n の式を自分で書きましょう（使ってよいのは cell の重みとバイアスだけです）。",
    en="The answer called PyTorch's GRU ({names}). Instead of cell(x, h) or nn.GRU, write the "
    "formulas for r, z and n yourself (use only the cell's weights and biases).",
)
GRU_SHAPE = Message(
    ja="返した形が {got} です。新しい隠れ状態は h と同じ形 {want} です（タプルではなく、テンソル 1 つを返します）。",
    en="The result has shape {got}. The new hidden state has h's shape, {want} (return one tensor, not a tuple).",
)
GRU_Z_SWAPPED = Message(
    ja="z の役目が逆です。PyTorch の z は「前の隠れ状態 h をどれだけ残すか」なので、h' = (1 − z) * n + z * h です。",
    en="z plays the opposite role. In PyTorch z is how much of the old state h is kept: h' = (1 − z) * n + z * h.",
)
GRU_R_BIAS = Message(
    ja="r を掛ける範囲が違います。PyTorch では r がバイアスごと掛かります: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))。",
    en="r multiplies the wrong part. In PyTorch r multiplies the bias too: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).",
)
GRU_R_BEFORE = Message(
    ja="r を h に先に掛けて W_hn (r * h) としています（GRU の元の論文の形）。PyTorch は行列の積のあとで r を掛けます: r * (W_hn h + b_hn)。",
    en="You apply r to h first, W_hn (r * h) (the original paper's form). PyTorch applies r after the product: r * (W_hn h + b_hn).",
)
GRU_ORDER = Message(
    ja="ゲートの順番が違うようです。weight_ih と weight_hh は r, z, n の順に 3 つ重なっています（chunk(3) の順）。",
    en="The gates seem to be in the wrong order. weight_ih and weight_hh stack r, z, n in that order (as chunk(3) returns them).",
)
GRU_NO_TANH = Message(
    ja="候補 n に tanh がかかっていないようです: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))。",
    en="The candidate n seems to lack its tanh: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).",
)
GRU_WRONG = Message(
    ja="nn.GRUCell の答えと合いません（最大の差 {error:.3g}）。r と z は sigmoid、n は tanh です。式を 1 つずつ見直しましょう。",
    en="It does not match nn.GRUCell (largest difference {error:.3g}). r and z use sigmoid, n uses tanh: check each formula.",
)
GRU_SEQUENCE = Message(
    ja="1 ステップずつは合いましたが、6 ステップの系列で nn.GRU と合いません（最大の差 {error:.3g}）。入力 x や h を書き換えていませんか。",
    en="Single steps match, but a 6-step sequence does not match nn.GRU (largest difference {error:.3g}). Does the function modify x or h?",
)
GRU_OK = Message(
    ja="{cases} 通りの入力で nn.GRUCell と一致し、6 ステップの系列でも nn.GRU と同じ出力になりました。",
    en="Matches nn.GRUCell on {cases} inputs, and nn.GRU on a 6-step sequence.",
)


def gru_cases() -> list[tuple[torch.Tensor, torch.Tensor, nn.GRUCell]]:
    g = torch.Generator().manual_seed(10)
    cases = []
    for n, inputs, hidden in ((4, 3, 5), (1, 2, 3), (6, 1, 8)):
        cell = nn.GRUCell(inputs, hidden)
        with torch.no_grad():  # wider than the default init, so every mistake shows
            for p in cell.parameters():
                p.copy_(torch.rand(p.shape, generator=g) * 2 - 1)
        x, h = torch.randn(n, inputs, generator=g), torch.randn(n, hidden, generator=g).tanh()
        cases.append((x, h, cell))
    return cases


def gru_formula(
    x, h, cell, *, order=(0, 1, 2), z_swap=False, r_bias=True, r_first=False, tanh=True
):
    """The GRU update with one of the typical mistakes switched on."""
    W = [w[i] for w in (cell.weight_ih.chunk(3), cell.weight_hh.chunk(3)) for i in order]
    b = [v[i] for v in (cell.bias_ih.chunk(3), cell.bias_hh.chunk(3)) for i in order]
    (W_ir, W_iz, W_in, W_hr, W_hz, W_hn), (b_ir, b_iz, b_in, b_hr, b_hz, b_hn) = W, b
    r = torch.sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    if r_first:
        inner = (r * h) @ W_hn.T + b_hn
    elif r_bias:
        inner = r * (h @ W_hn.T + b_hn)
    else:
        inner = r * (h @ W_hn.T) + b_hn
    pre = x @ W_in.T + b_in + inner
    n = torch.tanh(pre) if tanh else pre
    return z * n + (1 - z) * h if z_swap else (1 - z) * n + z * h


GRU_MISTAKES = (
    ({"z_swap": True}, GRU_Z_SWAPPED),
    ({"r_bias": False}, GRU_R_BIAS),
    ({"r_first": True}, GRU_R_BEFORE),
    ({"order": (1, 0, 2)}, GRU_ORDER),
    ({"tanh": False}, GRU_NO_TANH),
)


def step(gru_step: Callable, x: torch.Tensor, h: torch.Tensor, cell: nn.GRUCell) -> dict:
    got, calls = call_watched(gru_step, x.clone(), h.clone(), cell, name="gru_step", no_grad=True)
    return {"got": as_data(got), "recurrent": sorted(calls.recurrent)}


SEQUENCE_STEPS = 6


def sequence_inputs(x0: torch.Tensor) -> torch.Tensor:
    g = torch.Generator().manual_seed(11)
    return torch.randn(x0.shape[0], SEQUENCE_STEPS, x0.shape[1], generator=g)


def run_sequence(gru_step: Callable, x0: torch.Tensor, cell: nn.GRUCell) -> object:
    """The learner's step run over a 6-step sequence from h = 0: the states, or an Early."""
    xs, h, states = sequence_inputs(x0), torch.zeros(x0.shape[0], cell.hidden_size), []
    try:
        for t in range(SEQUENCE_STEPS):
            h = step(gru_step, xs[:, t], h, cell)["got"]
            if not isinstance(h, torch.Tensor):
                return type_name(h)
            states.append(h)
    except Stopped as stopped:
        return stopped.early
    if any(state.shape != states[0].shape for state in states):
        return "tensors of changing shapes"  # judged only if single steps were right
    return torch.stack(states, dim=1)


TIME_LIMIT = 30.0  # seconds for a check's calls of the learner's function


@time_bounded(TIME_LIMIT)
def probe_gru_step(gru_step: object) -> dict[str, object]:
    """The learner's step on 3 cases, then over a sequence, as plain data."""
    fn = expect_callable(gru_step, NOT_A_FUNCTION, name="gru_step")
    cases = gru_cases()
    records = probe_each(cases, lambda case: step(fn, *case))
    return {"cases": records, "sequence": run_sequence(fn, cases[0][0], cases[0][2])}


def sequence_error(states: torch.Tensor, x0: torch.Tensor, cell: nn.GRUCell) -> float:
    gru = nn.GRU(x0.shape[1], cell.hidden_size, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(gru, f"{name}_l0").copy_(getattr(cell, name))
        want = gru(sequence_inputs(x0))[0]
    return float("inf") if states.shape != want.shape else (states - want).abs().max().item()


def judge_gru_step(probe: dict[str, object]) -> Verdict:
    cases = gru_cases()
    records: list[dict[str, object]] = probe["cases"]  # type: ignore[assignment]
    for (x, h, cell), record in paired(cases, records):
        got = record["got"]
        if record["recurrent"]:
            return failed(GRU_SHORTCUT(names=", ".join(record["recurrent"])))  # type: ignore[arg-type]
        if not isinstance(got, torch.Tensor):
            return failed(NOT_A_TENSOR(got=type_name(got)))
        with torch.no_grad():
            want = cell(x, h)
            if got.shape != want.shape:
                return failed(GRU_SHAPE(got=tuple(got.shape), want=tuple(want.shape)))
            if close(got, want, rtol=RTOL, atol=ATOL):
                continue
            for mistake, hint in GRU_MISTAKES:
                if close(got, gru_formula(x, h, cell, **mistake), rtol=RTOL, atol=ATOL):
                    return failed(hint())
            return failed(GRU_WRONG(error=(got - want).abs().max().item()))
    states = probe["sequence"]
    if isinstance(states, Early):
        raise Stopped(states)
    if not isinstance(states, torch.Tensor):
        return failed(NOT_A_TENSOR(got=states))
    error = sequence_error(states, cases[0][0], cases[0][2])
    if error > 1e-4:
        return failed(GRU_SEQUENCE(error=error))
    return passed(GRU_OK(cases=len(cases)))


@exercise(GRU_TITLE, probe=probe_gru_step, judge=judge_gru_step)
def check_gru_step(gru_step: object) -> Verdict:
    """Exercise 1: ``gru_step(x, h, cell)`` is one GRU update, written from the cell's weights."""
    return judge_gru_step(probe_gru_step(gru_step))


# 2. A masked loss over padded sequences --------------------------------------------

MASK_TITLE = Message(ja="パディングを除いた損失", en="A loss without the padding")
MASK_NOT_SCALAR = Message(
    ja="形 {got} のテンソルが返りました。本物のステップ全体の平均を、数 1 つ（0 次元のテンソル）で返します。",
    en="It returned a tensor of shape {got}. Return one number (a 0-d tensor): the mean over all real steps.",
)
MASK_ITEM = Message(
    ja="Python の数が返りました。学習で loss.backward() を呼べるよう、.item() をつけずにテンソルのまま返しましょう。",
    en="It returned a Python number. Return the tensor itself (no .item()), so training can call loss.backward().",
)
MASK_UNMASKED = Message(
    ja="パディングの位置まで損失に入っています。ラベル 0 のパディングも本物のクラス 0 として数えられてしまうので、"
    "位置 t < 長さ の本物のステップだけで平均します。",
    en="The padding is counted in the loss. Padded labels are 0, which is also a real class, so average only "
    "over real steps, where position t < length.",
)
MASK_LABEL_ZERO = Message(
    ja="ラベルが 0 かどうかでパディングを見分けています（labels != 0 や ignore_index=0）。0 は本物のクラスでもあるので、"
    "本物のステップまで外れてしまいます。マスクは lengths から作りましょう（位置 t < 長さ）。",
    en="You told the padding apart by its label 0 (labels != 0, or ignore_index=0). But 0 is also a real class, "
    "so real steps are dropped too. Build the mask from lengths (position t < length).",
)
MASK_DIVISOR = Message(
    ja="パディングを除いて足したあと、全ステップ数 N × T で割っています。割るのは本物のステップの数（lengths.sum()）です。",
    en="You summed over the real steps but divided by all N × T positions. Divide by the number of real steps (lengths.sum()).",
)
MASK_PER_SEQUENCE = Message(
    ja="系列ごとの平均を、さらに平均しています。これでは短い系列の 1 ステップが重く数えられます。本物のステップ 1 つ 1 つを同じ重みで平均しましょう。",
    en="You averaged per sequence, then over sequences: a step of a short sequence then weighs more. Give every real step the same weight.",
)
MASK_OFF_BY_ONE = Message(
    ja="マスクが 1 つずれています。長さ n の系列で本物なのは位置 0, 1, …, n − 1、つまり t < n のところです。",
    en="The mask is off by one. A sequence of length n is real at positions 0, 1, …, n − 1: where t < n.",
)
MASK_LAYOUT = Message(
    ja="F.cross_entropy はクラスの次元を 2 番目 (dim=1) に置いた形を受け取ります。(N*T, C) と (N*T,) に reshape するか、"
    "logits.permute(0, 2, 1) を渡しましょう（{error}）。",
    en="F.cross_entropy wants the classes in dim 1. Reshape to (N*T, C) and (N*T,), or pass logits.permute(0, 2, 1) ({error}).",
)
MASK_GRAD = Message(
    ja="値は合っていますが、パディングの位置の logits にも勾配が流れています（{leak:.3g}）。パディングは学習に影響してはいけません。",
    en="The value is right, but gradient flows into the logits at padded positions ({leak:.3g}). Padding must not affect training.",
)
MASK_GRAD_WRONG = Message(
    ja="値は合っていますが、logits に戻る勾配が、本物のステップだけの平均交差エントロピーの勾配と違います（最大の差 {error:.2g}）。",
    en="The value is right, but the gradient sent back to the logits is not that of the mean cross-entropy over the real steps (largest difference {error:.2g}).",
)
MASK_NO_GRAD = Message(
    ja="返した損失から logits に勾配が流れません。.detach() や torch.no_grad() を使わずに計算しましょう。",
    en="No gradient flows from the returned loss to the logits. Compute it without .detach() or torch.no_grad().",
)
MASK_WRONG = Message(
    ja="値が {got:.4f} ですが、本物のステップだけの交差エントロピーの平均は {want:.4f} です。",
    en="The value is {got:.4f}, but the mean cross-entropy over the real steps is {want:.4f}.",
)
MASK_OK = Message(
    ja="{cases} 通りのバッチで、1 系列ずつ計算した損失と一致し、パディングには勾配が流れません。",
    en="Matches the loss computed one sequence at a time on {cases} batches; no gradient reaches the padding.",
)


def mask_cases() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(20)
    cases = []
    for sizes in ([6, 2, 4], [3, 3, 1, 5, 6], [1, 6]):
        lengths = torch.tensor(sizes)
        n, steps, classes = len(lengths), int(lengths.max()), 3
        logits = torch.randn(n, steps, classes, generator=g) * 2
        labels = torch.randint(0, classes, (n, steps), generator=g)
        labels[torch.arange(steps) >= lengths.unsqueeze(1)] = 0  # padding, like pad_sequence
        cases.append((logits, labels, lengths))
    return cases


def step_losses(logits, labels) -> torch.Tensor:
    return F.cross_entropy(logits.permute(0, 2, 1), labels, reduction="none")


def mask_variants(logits, labels, lengths) -> list[tuple[torch.Tensor, Message]]:
    losses = step_losses(logits, labels)
    positions = torch.arange(labels.shape[1])
    real = positions < lengths.unsqueeze(1)
    per_sequence = torch.stack(
        [row[: int(n)].mean() for row, n in zip(losses, lengths, strict=True)]
    )
    return [
        (losses.mean(), MASK_UNMASKED),
        (losses[labels != 0].mean(), MASK_LABEL_ZERO),
        (losses[real].sum() / losses.numel(), MASK_DIVISOR),
        (per_sequence.mean(), MASK_PER_SEQUENCE),
        (losses[positions <= lengths.unsqueeze(1)].mean(), MASK_OFF_BY_ONE),
        (losses[(positions < lengths.unsqueeze(1) - 1)].mean(), MASK_OFF_BY_ONE),
    ]


# The layout mistakes F.cross_entropy itself refuses: classes left in the last dim, and
# logits reshaped to (N*T, C) with labels left (N, T). Only the errors these raise are told
# about the class dimension; any other error (a mask that does not broadcast) is the
# learner's own, shown with their line.
MASK_CRASHES = (
    Crash(RuntimeError, ("Expected target size",), MASK_LAYOUT),
    Crash(ValueError, ("Expected input batch_size", "to match target batch_size"), MASK_LAYOUT),
)


def one_by_one(logits, labels, lengths) -> torch.Tensor:
    rows = [
        F.cross_entropy(logits[i, :n], labels[i, :n], reduction="none")
        for i, n in enumerate(lengths.tolist())
    ]
    return torch.cat(rows).mean()


def masked_loss_of(fn: Callable, case: tuple) -> dict[str, object]:
    """The learner's loss on one batch, and the gradient it sends back to the logits."""
    logits, labels, lengths = case
    leaf = logits.clone().requires_grad_(True)
    name = "masked_cross_entropy"
    got = call(fn, leaf, labels.clone(), lengths.clone(), name=name, crashes=MASK_CRASHES)
    record: dict[str, object] = {"got": as_data(got), "requires_grad": False, "grad": None}
    if isinstance(got, torch.Tensor) and got.dim() == 0 and got.requires_grad:
        record["requires_grad"] = True
        try:
            call(got.backward, name="backward", returns_nothing=True)
            record["grad"] = None if leaf.grad is None else leaf.grad.clone()
        except Stopped as stopped:
            record["grad"] = stopped.early
    return record


@time_bounded(TIME_LIMIT)
def probe_masked_loss(masked_cross_entropy: object) -> list[dict[str, object]]:
    name = "masked_cross_entropy"
    fn = expect_callable(masked_cross_entropy, NOT_A_FUNCTION, name=name)
    return probe_each(mask_cases(), lambda case: masked_loss_of(fn, case))


def judge_masked_loss(records: list[dict[str, object]]) -> Verdict:
    cases = mask_cases()
    for (logits, labels, lengths), record in paired(cases, records):
        got = record["got"]
        if isinstance(got, float | int) and not isinstance(got, bool):
            return failed(MASK_ITEM())
        if not isinstance(got, torch.Tensor):
            return failed(NOT_A_TENSOR(got=type_name(got)))
        if got.dim() != 0:  # the statement asks for a 0-d tensor
            return failed(MASK_NOT_SCALAR(got=tuple(got.shape)))
        want = one_by_one(logits, labels, lengths)
        if not close(got, want, rtol=RTOL, atol=ATOL):
            for variant, hint in mask_variants(logits, labels, lengths):
                if close(got, variant, rtol=RTOL, atol=ATOL):
                    return failed(hint())
            return failed(MASK_WRONG(got=got.item(), want=want.item()))
        grad = record["grad"]
        if isinstance(grad, Early):
            raise Stopped(grad)
        if (
            not record["requires_grad"]
            or not isinstance(grad, torch.Tensor)
            or grad.abs().sum() == 0
        ):
            return failed(MASK_NO_GRAD())
        padded = torch.arange(labels.shape[1]) >= lengths.unsqueeze(1)
        leak = grad[padded].abs().sum().item()
        if leak > 1e-7:
            return failed(MASK_GRAD(leak=leak))
        # The gradient too is the hand-in's at grading: it must be the right loss's.
        want_grad = reference_grad(logits, labels, lengths)
        if not close(grad, want_grad, rtol=RTOL, atol=ATOL):
            return failed(MASK_GRAD_WRONG(error=max_error(grad, want_grad)))
    return passed(MASK_OK(cases=len(cases)))


def reference_grad(logits, labels, lengths) -> torch.Tensor:
    """The gradient of the mean cross-entropy over the real steps, with respect to logits."""
    leaf = logits.clone().requires_grad_(True)
    one_by_one(leaf, labels, lengths).backward()
    assert leaf.grad is not None, "backward() did not reach the logits"
    return leaf.grad


@exercise(MASK_TITLE, probe=probe_masked_loss, judge=judge_masked_loss)
def check_masked_loss(masked_cross_entropy: object) -> Verdict:
    """Exercise 2: ``masked_cross_entropy(logits, labels, lengths)``: mean CE over real steps only."""
    return judge_masked_loss(probe_masked_loss(masked_cross_entropy))


# 3. A hidden size that learns parity reliably ---------------------------------------

HIDDEN_TITLE = Message(
    ja="パリティを確実に学習する hidden_size", en="A hidden_size that learns parity reliably"
)
HIDDEN_NOT_INT = Message(
    ja="hidden_size は整数にしてください（{got} でした）。例: hidden_size = 8",
    en="hidden_size must be an integer (got {got}). For example: hidden_size = 8",
)
HIDDEN_RANGE = Message(
    ja="hidden_size が {got} です。1 以上 {most} 以下にしてください（大きすぎると、チェックの学習に時間がかかります）。",
    en="hidden_size is {got}. Use 1 to {most} (a larger one makes the check's training slow).",
)
HIDDEN_UNRELIABLE = Message(
    ja="3 回の学習のテスト正解率は {accs} でした。{bad} 回は {threshold:.0%} に届かず、パリティを覚えられませんでした"
    "（ほぼ当て推量の 50% 付近で止まることもあります）。隠れ状態を大きくすると、初期値しだいで行き詰まることがずっと少なくなります。",
    en="The 3 runs reached test accuracies {accs}. {bad} of them stayed below {threshold:.0%} and never learned parity "
    "(some stop near the 50% of guessing). With a larger hidden state, training gets stuck far less often, whatever the starting weights.",
)
HIDDEN_OK = Message(
    ja="3 回の学習のテスト正解率は {accs} で、どれも {threshold:.0%} 以上です。",
    en="The 3 runs reached test accuracies {accs}, all at least {threshold:.0%}.",
)
MOST_HIDDEN, THRESHOLD, SEEDS = 64, 0.9, (0, 1, 2)
MAX_LEN, TRAIN_STEPS, BATCH = 10, 300, 64


def make_bits(n: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
    """Bit strings of lengths 1–10 (padded with 0), their lengths and their parity."""
    lengths = torch.randint(1, MAX_LEN + 1, (n,), generator=generator)
    bits = torch.randint(0, 2, (n, MAX_LEN), generator=generator)
    bits = bits * (torch.arange(MAX_LEN) < lengths.unsqueeze(1))
    return bits.float(), lengths, bits.sum(dim=1) % 2


class ParityNet(nn.Module):
    """A GRU over the packed bits, then a linear layer on the last hidden state."""

    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self.rnn = nn.GRU(1, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 2)

    def forward(self, bits: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(
            bits.unsqueeze(-1), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, h_n = self.rnn(packed)
        return self.head(h_n[-1])


def parity_accuracy(hidden_size: int, seed: int) -> float:
    data = torch.Generator().manual_seed(0)
    train, test = make_bits(2000, data), make_bits(1000, data)
    torch.manual_seed(seed)
    model = ParityNet(hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    batches = torch.Generator().manual_seed(100 + seed)
    for _ in range(TRAIN_STEPS):
        idx = torch.randint(0, len(train[0]), (BATCH,), generator=batches)
        bits, lengths, labels = (t[idx] for t in train)
        loss = F.cross_entropy(model(bits, lengths), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        bits, lengths, labels = test
        return (model(bits, lengths).argmax(dim=1) == labels).float().mean().item()


def judge_parity_hidden(data: tuple) -> Verdict:
    """Trains the course's own ParityNet: no learner code runs here."""
    (hidden_size,) = data
    if isinstance(hidden_size, bool) or not isinstance(hidden_size, Integral):
        return failed(HIDDEN_NOT_INT(got=repr(hidden_size)))
    if not 1 <= int(hidden_size) <= MOST_HIDDEN:
        return failed(HIDDEN_RANGE(got=hidden_size, most=MOST_HIDDEN))
    with torch.random.fork_rng(devices=[]):  # leave the learner's random state alone
        accs = [parity_accuracy(int(hidden_size), seed) for seed in SEEDS]
    shown = "[" + ", ".join(f"{a:.0%}" for a in accs) + "]"
    bad = sum(a < THRESHOLD for a in accs)
    if bad:
        return failed(HIDDEN_UNRELIABLE(accs=shown, bad=bad, threshold=THRESHOLD))
    return passed(HIDDEN_OK(accs=shown, threshold=THRESHOLD))


@exercise(HIDDEN_TITLE, probe=as_values, judge=judge_parity_hidden)
def check_parity_hidden(hidden_size: object) -> Verdict:
    """Exercise 3: a ``hidden_size`` with which ``ParityNet`` learns parity from all 3 seeds."""
    return judge_parity_hidden(as_values(hidden_size))
