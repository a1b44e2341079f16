"""Exercise checks for chapter 02 (autograd): each answer is compared with torch's own."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .._i18n import Message
from .compare import Tolerance, close
from .learner import (
    Crash,
    as_data,
    call,
    call_watched,
    expect_callable,
    expect_tensor,
    paired,
    probe_each,
    settled,
)
from .verdict import Early, Ending, Stopped, Verdict, exercise, failed, passed

NOT_A_FUNCTION = Message(
    ja="答えには関数そのもの（{name} のように括弧なし）を渡してください（{got} でした）。",
    en="Pass the function itself, without parentheses, like {name} (got a {got}).",
)
NOT_A_TENSOR = Message(
    ja="関数がテンソルを返していません（{got} でした）。torch の演算で計算しましょう。",
    en="The function does not return a tensor (it returned a {got}). Compute with torch operations.",
)


TOL: Tolerance = {"rtol": 1e-4, "atol": 1e-5}  # float32 answers against float64 references


# 1. A gradient by hand (chain rule) -----------------------------------------------

HAND_TITLE = Message(
    ja="手で微分する: L = ((2x + 1)³).sum()", en="A gradient by hand: L = ((2x + 1)³).sum()"
)
HAND_SHAPE = Message(
    ja="形が {got} です。x の要素ごとに 1 つずつ、x と同じ形 {want} の勾配を返します。",
    en="The shape is {got}. Return one value per element of x: the shape of x, {want}.",
)
HAND_VALUE = Message(
    ja="関数の値 (2x + 1)³ を返しているようです。返すのは微分 dL/dx です。",
    en="That looks like the value (2x + 1)³. Return the derivative dL/dx instead.",
)
HAND_CHAIN = Message(
    ja="外側 u³ の微分 3u² だけになっています（u = 2x + 1）。連鎖律では、これに内側 u = 2x + 1 を x で微分したものも掛けます。",
    en="That is only the outer derivative 3u² of u³ (with u = 2x + 1). By the chain rule, also multiply by the derivative of the inner u = 2x + 1 with respect to x.",
)
HAND_POWER = Message(
    ja="u³ の微分は 3u² です（u = 2x + 1）。2 乗を忘れていませんか。",
    en="The derivative of u³ is 3u² (with u = 2x + 1). Is the square missing?",
)
HAND_WRONG = Message(
    ja="torch の勾配と合いません（x = {x} で {got}、正しくは {want}）。",
    en="It does not match torch's gradient (at x = {x}: {got}, expected {want}).",
)
HAND_AUTOGRAD = Message(
    ja="autograd（backward() や torch.autograd.grad）で勾配を求めています。この演習では連鎖律を使って、式を自分で書きます。",
    en="The gradient comes from autograd (backward() or torch.autograd.grad). In this exercise, work it out with the chain rule and write the formula yourself.",
)
HAND_OK = Message(
    ja="{count} 個の入力で torch の x.grad と一致しました。",
    en="Matches torch's x.grad on {count} inputs.",
)


def hand_inputs() -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(2)
    return [
        torch.linspace(-2.0, 2.0, 9),
        torch.randn(3, 4, generator=generator),
        torch.tensor([0.5]),
    ]


def autograd_grad(x: torch.Tensor) -> torch.Tensor:
    x = x.clone().requires_grad_(True)
    ((2 * x + 1) ** 3).sum().backward()
    return leaf_grad(x)


def leaf_grad(x: torch.Tensor) -> torch.Tensor:
    """``x.grad`` after a ``backward()`` through ``x``, a leaf that requires grad."""
    assert x.grad is not None, "backward() did not reach x"
    return x.grad


def probe_grad_by_hand(grad_by_hand: object) -> list[dict[str, object]]:
    """For each input: what ``grad_by_hand(x)`` returned, whether it ran autograd."""
    fn = expect_callable(grad_by_hand, NOT_A_FUNCTION, name="grad_by_hand")

    def one(x: torch.Tensor) -> dict[str, object]:
        got, calls = call_watched(fn, x.clone(), name="grad_by_hand")
        return {"got": as_data(got), "autograd": calls.used_autograd}

    return probe_each(hand_inputs(), one)


def judge_grad_by_hand(records: list[dict[str, object]]) -> Verdict:
    count = 0
    for x, record in paired(hand_inputs(), records):
        if record["autograd"]:
            return failed(HAND_AUTOGRAD())
        got = expect_tensor(record["got"], NOT_A_TENSOR)
        want, u = autograd_grad(x), 2 * x + 1
        if got.shape != x.shape:
            return failed(HAND_SHAPE(got=tuple(got.shape), want=tuple(x.shape)))
        if close(got, u**3, **TOL):
            return failed(HAND_VALUE())
        if close(got, 3 * u**2, **TOL):
            return failed(HAND_CHAIN())
        if close(got, 6 * u, **TOL) or close(got, 3 * u, **TOL):
            return failed(HAND_POWER())
        if not close(got, want, **TOL):
            i = int((got - want).abs().flatten().argmax())
            x_i, got_i, want_i = (f"{t.flatten()[i].item():.4g}" for t in (x, got, want))
            return failed(HAND_WRONG(x=x_i, got=got_i, want=want_i))
        count += x.numel()
    return passed(HAND_OK(count=count))


@exercise(HAND_TITLE, probe=probe_grad_by_hand, judge=judge_grad_by_hand)
def check_grad_by_hand(grad_by_hand: Callable[[torch.Tensor], object]) -> Verdict:
    """Exercise 1: ``grad_by_hand(x)`` returns dL/dx for ``L = ((2x + 1)**3).sum()``.

    The answer runs under ``watch()``: one that calls ``backward()``, ``torch.autograd.grad``
    or ``torch.func`` to get the gradient fails, whatever it returns.
    """
    return judge_grad_by_hand(probe_grad_by_hand(grad_by_hand))


# 2. Fix the gradient-accumulation bug ---------------------------------------------

ACC_TITLE = Message(
    ja="サンプルごとの勾配（蓄積のバグ直し）", en="Per-sample gradients (fix the accumulation bug)"
)
XS, YS, W0 = (1.0, 2.0, 3.0), (2.0, 3.0, 7.0), 1.5
ACC_LENGTH = Message(
    ja="勾配が {got} 個あります。サンプル 1 つにつき 1 つ、{want} 個です。",
    en="There are {got} gradients; there should be one per sample, {want}.",
)
ACC_NUMBERS = Message(
    ja="grads の中身を数に変換できません: {error}",
    en="The entries of grads cannot be turned into numbers: {error}",
)
ACC_SUMMED = Message(
    ja="前のデータの勾配が足し込まれています（grads が、データごとの勾配を順に足した値になっています）。"
    "backward() は .grad に加算するので、勾配を読んだあと、次の backward() の前に w.grad をリセットしましょう（None にするか zero_() を使います）。",
    en="Earlier data points' gradients are added in (grads holds the running sums of the per-point gradients): "
    "backward() adds into .grad, so reset w.grad after reading it and before the next backward() (set it to None, or use zero_()).",
)
ACC_ALIASED = Message(
    ja="すべて同じ値 {value} です。同じ .grad テンソルを何度も保存したか、読む前にゼロにしたようです。読むときは w.grad.item()（または .clone()）で値を取り出し、そのあとでゼロにします。",
    en="Every entry is {value}: the same .grad tensor was stored each time, or it was zeroed before being read. Read the value with w.grad.item() (or .clone()), then reset it.",
)
ACC_WRONG = Message(
    ja="torch で計算した 1 サンプルずつの勾配と合いません（{got}）。",
    en="These do not match the per-sample gradients torch computes ({got}).",
)
ACC_OK = Message(ja="勾配 {got} はサンプルごとの値です。", en="The gradients {got} are per sample.")


def per_sample_grads() -> list[float]:
    w = torch.tensor(W0, requires_grad=True)
    grads = []
    for x, y in zip(XS, YS, strict=True):
        ((w * x - y) ** 2).backward()
        grads.append(leaf_grad(w).item())
        w.grad = None
    return grads


NUMBER_CRASHES = tuple(
    Crash(kind, (), ACC_NUMBERS) for kind in (TypeError, ValueError, RuntimeError)
)


def probe_per_sample_grads(grads: object) -> list[float]:
    """The entries of ``grads`` as Python floats."""
    return call(lambda: [float(g) for g in grads], name="grads", crashes=NUMBER_CRASHES)  # type: ignore[attr-defined]


def judge_per_sample_grads(got: list[float]) -> Verdict:
    want = per_sample_grads()
    if len(got) != len(want):
        return failed(ACC_LENGTH(got=len(got), want=len(want)))
    shown = [round(g, 4) for g in got]
    if close(got, torch.tensor(want).cumsum(0)):
        return failed(ACC_SUMMED(), shown)
    if len(set(got)) == 1:
        return failed(ACC_ALIASED(value=got[0]), shown)
    if not close(got, want):
        return failed(ACC_WRONG(got=shown))
    return passed(ACC_OK(got=shown))


@exercise(ACC_TITLE, probe=probe_per_sample_grads, judge=judge_per_sample_grads)
def check_per_sample_grads(grads: object) -> Verdict:
    """Exercise 2: ``grads`` holds d/dw (w·x − y)² for each sample separately."""
    return judge_per_sample_grads(probe_per_sample_grads(grads))


# 3. One gradient-descent step under no_grad ---------------------------------------

STEP_TITLE = Message(ja="no_grad の中で 1 歩更新する", en="One update step under no_grad")
STEP_IN_PLACE = Message(
    ja="requires_grad=True の葉テンソルを、記録したまま書き換えようとしてエラーになりました。更新は with torch.no_grad(): の中で行います。",
    en="Changing a leaf tensor with requires_grad=True while recording raised an error. Do the update inside with torch.no_grad():.",
)
STEP_REBOUND = Message(
    ja="新しいテンソルを作っただけで、呼び出し側の w は変わっていません。w = w - ... は関数の中の名前 w を新しいテンソルに付け替えるだけです。torch.no_grad() の中で、-= や sub_() のようなその場の演算（in-place 演算）で w 自身の値を書き換えます。",
    en="A new tensor was made, but the caller's w did not change: w = w - ... only points the name w inside the function at a new tensor. Change w's own values with an in-place operation (such as -= or sub_()) inside torch.no_grad().",
)
STEP_UNCHANGED = Message(
    ja="w の値が変わっていません。torch.no_grad() の中で、学習率 × 勾配を w 自身からその場で引き、勾配と逆向きに動かします。",
    en="w did not change. Move it against the gradient: inside torch.no_grad(), subtract the learning rate times the gradient from w itself, in place.",
)
STEP_RESET_FIRST = Message(
    ja="w が変わっていません。更新の前に勾配を消しています（w.grad = None や zero_() が先）。先に w.grad を使って w を更新し、勾配のリセットはそのあとにします。",
    en="w did not change: the gradient was reset before the update (w.grad = None or zero_() came first). Update w with w.grad first; reset the gradient only after that.",
)
STEP_SIGN = Message(
    ja="勾配の向きに進んでいます。損失を減らすには勾配と逆向きに進みます。学習率 × 勾配は、w に足すのではなく w から引きます。",
    en="It moved along the gradient. To lower the loss, go against it: subtract the learning rate times the gradient from w, do not add it.",
)
STEP_LEAF = Message(
    ja="更新後の w が、requires_grad=True の葉テンソルではなくなりました。次の backward() で w.grad が得られるよう、torch.no_grad() の中でその場で書き換えましょう。",
    en="After the update, w is no longer a leaf with requires_grad=True, so the next backward() gives it no .grad. Update it in place inside torch.no_grad().",
)
STEP_GRAD_LEFT = Message(
    ja="更新のあとも w.grad が残っています。次の backward() で足し込まれないよう、w.grad = None でリセットします。",
    en="w.grad is still there after the update. Reset it with w.grad = None so the next backward() does not add onto it.",
)
STEP_WRONG = Message(
    ja="更新後の w が {got} です（正しくは {want}）。1 回の呼び出しで、w を学習率 × 勾配の分だけ 1 回動かします。",
    en="After the update w is {got} (expected {want}). One call moves w once, by the learning rate times the gradient.",
)
STEP_OK = Message(
    ja="2 歩とも torch の計算と一致し、w は葉テンソルのままです。",
    en="Both steps match torch, and w is still a leaf tensor.",
)


def rounded(t: torch.Tensor) -> list[float]:
    return [round(v, 4) for v in t.detach().flatten().tolist()]


STEP_CRASHES = (Crash(RuntimeError, ("leaf", "in-place"), STEP_IN_PLACE),)
TARGET = torch.tensor([3.0, -1.0, 0.5])
LR = 0.1
W_START = (1.0, -2.0, 3.0)
STEPS = 2  # a second step catches a .grad left over from the first


def step_grad(w: torch.Tensor) -> torch.Tensor:
    """The gradient the probe computes before a step, at ``w``, as autograd gives it."""
    w = w.detach().clone().requires_grad_(True)
    ((w - TARGET) ** 2).sum().backward()
    return leaf_grad(w)


def probe_sgd_step(sgd_step: object) -> list[dict[str, object]]:
    """Two steps of ``sgd_step(w, lr)`` on one ``w``: w and its grad before and after each."""
    fn = expect_callable(sgd_step, NOT_A_FUNCTION, name="sgd_step")
    w = torch.tensor(W_START, requires_grad=True)

    def one(step: int) -> dict[str, object]:
        ((w - TARGET) ** 2).sum().backward()
        before, grad = w.detach().clone(), leaf_grad(w).detach().clone()
        try:
            result = call(fn, w, LR, name="sgd_step", crashes=STEP_CRASHES, returns_nothing=True)
        except Stopped as stopped:  # the judge tells "reset before the update" by w.grad
            return {"early": stopped.early, "grad_gone": w.grad is None}
        return {
            "before": before,
            "grad": grad,
            "after": w.detach().clone(),
            "result": as_data(result),
            "leaf": w.is_leaf and w.requires_grad,
            "grad_after": as_data(w.grad),
        }

    records: list[dict[str, object]] = []
    for step in range(STEPS):
        records.append(one(step))
        if "early" in records[-1] or not records[-1]["leaf"]:
            break  # a w that no longer takes a gradient cannot take a second step
    return records


def judge_sgd_step(records: list[dict[str, object]]) -> Verdict:
    """Each step from w as the judge knows it: the statement's start, then the w the
    right step leads to (a step is only judged after the one before it was right, and so
    with no gradient left over). The w and gradient a record sends are never read."""
    if not all(isinstance(r, dict) for r in records) or not (
        len(records) == STEPS
        or (0 < len(records) < STEPS and ("early" in records[-1] or not records[-1]["leaf"]))
    ):  # the probe stops early only after an early end or a w that lost its gradient
        raise ValueError(f"{len(records)} steps recorded for {STEPS}")
    before = torch.tensor(W_START)
    for record in records:
        early = record.get("early")
        if isinstance(early, Early):
            crashed = early.ending is Ending.CRASH and early.error.startswith("TypeError")
            if crashed and record["grad_gone"]:  # w.grad = None came before the update
                return failed(STEP_RESET_FIRST())
        grad = step_grad(before)
        if (verdict := judge_one_step(settled(record), before, grad)) is not None:
            return verdict
        before = before - LR * grad  # the judge's own w: the record's was only close to it
    return passed(STEP_OK())


def judge_one_step(
    record: dict[str, object], before: torch.Tensor, grad: torch.Tensor
) -> Verdict | None:
    after, result = expect_tensor(record["after"]), record["result"]
    grad_after = None if record["grad_after"] is None else expect_tensor(record["grad_after"])
    want = before - LR * grad
    if torch.equal(after, before):
        if isinstance(result, torch.Tensor) and close(result, want, **TOL):
            return failed(STEP_REBOUND())
        if grad_after is None or not grad_after.any():
            return failed(STEP_RESET_FIRST())
        return failed(STEP_UNCHANGED())
    if not record["leaf"]:
        return failed(STEP_LEAF())
    if close(after, before + LR * grad, **TOL):
        return failed(STEP_SIGN())
    if not close(after, want, **TOL):
        return failed(STEP_WRONG(got=rounded(after), want=rounded(want)))
    if grad_after is not None and grad_after.abs().sum().item() != 0:
        return failed(STEP_GRAD_LEFT())
    return None


@exercise(STEP_TITLE, probe=probe_sgd_step, judge=judge_sgd_step)
def check_sgd_step(sgd_step: Callable[..., object]) -> Verdict:
    """Exercise 3: ``sgd_step(w, lr)`` updates ``w`` in place without recording a graph."""
    return judge_sgd_step(probe_sgd_step(sgd_step))
