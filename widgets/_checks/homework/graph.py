"""``check_draw_graph`` and ``check_same_losses``: the homework's drawing and XOR training.

Their probes run the learner's code and record what it made (the DOT text and the values it
should show; the torch names ``train_mine`` ran and both lists of losses); their judges read
only that.
"""

from __future__ import annotations

import math
import re
from numbers import Real
from typing import Any

from ..._graph.render import RenderError, render_svg
from ..._i18n import Message
from ..guard import run_watched
from ..learner import as_data
from ..verdict import Verdict, failed, passed, stop
from .common import Data, Records, homework, learner_side, record
from .hints import NOT_CLASS

DRAW_TITLE = Message(ja="課題 8.3: draw_graph()", en="Task 8.3: draw_graph()")
LOSSES_TITLE = Message(
    ja="課題 8.4: 自作 Tensor と PyTorch で同じ学習", en="Task 8.4: the same training, twice"
)
NOT_DOT = Message(
    ja="draw_graph() は show_dot(DOT の文字列) を返します（返ってきたのは {got} です）。",
    en="draw_graph() should return show_dot(dot_source) (it returned {got}).",
)
DRAW_NONE = Message(
    ja="draw_graph() が None を返しました。最後に return show_dot(...) を書き忘れていませんか？",
    en="draw_graph() returned None: did you forget `return show_dot(...)`?",
)
BAD_DOT = Message(
    ja="Graphviz が DOT を読めませんでした: {error}",
    en="Graphviz could not read the DOT text: {error}",
)
NO_VALUE = Message(
    ja="値 {value} が図にありません。各ノードのラベルに data を書きましょう（例: f'{{t.data:.4g}}'）。",
    en="The value {value} is not in the picture. Put each node's data in its label (e.g. f'{{t.data:.4g}}').",
)
NO_GRAD = Message(
    ja="勾配 {value} が図にありません。ラベルに grad も書きましょう（backward() の後に描きます）。",
    en="The gradient {value} is not in the picture. Put grad in the label too (draw after backward()).",
)
NO_OP = Message(
    ja="演算 {op} が図にありません。各結果がどの演算から来たか（_op）を書きましょう。",
    en="The operation {op} is not in the picture. Show which operation (_op) made each result.",
)
FEW_EDGES = Message(
    ja="矢印が {got} 本しかありません（少なくとも {want} 本）。各入力（_prev）から結果へ矢印を引きましょう。",
    en="Only {got} arrows (at least {want} expected). Draw an arrow from each input (_prev) to its result.",
)
DRAW_OK = Message(
    ja="値・勾配・演算・矢印がそろった図を描けました。",
    en="The picture shows every value, gradient, operation and arrow.",
)
NOT_LOSSES = Message(
    ja="損失は有限の数のリストで渡してください（{name}）。",
    en="Pass the losses as a list of finite numbers ({name}).",
)
LENGTHS = Message(
    ja="損失の数が違います: 自作 {mine} 個、PyTorch {theirs} 個。同じステップ数だけ学習しましょう。",
    en="Different numbers of losses: {mine} yours, {theirs} PyTorch's. Train for the same number of steps.",
)
FIRST_DIFFERS = Message(
    ja="最初の損失から違います: 順伝播か、重みの初期値が PyTorch 側と同じか確かめましょう。",
    en="The very first loss differs: check the forward pass and that both models start from the same weights.",
)
LATER_DIFFERS = Message(
    ja="ステップ {step} から差が出ます（差 {error:.2g}）。更新（各パラメータの data から、学習率 lr を掛けた grad を引きます）と、毎ステップ grad を 0 に戻していること（勾配は足し合わされます）を確かめましょう。",
    en="They part at step {step} (difference {error:.2g}). Check the update (from each parameter's data, subtract its grad times the learning rate lr) and that every step resets grad to zero (gradients accumulate).",
)
DIVERGED = Message(
    ja="自作の学習が発散しました（ステップ {step} で損失が {value}）。更新の向きを確かめましょう。data は勾配と逆向きに動かすので、lr 倍した grad を足すのではなく引きます。損失がデータ数で割った平均になっているかも確かめましょう。",
    en="Your training diverged (the loss became {value} at step {step}). Check the update's sign: data moves against the gradient, so lr times grad is subtracted from it, not added. Check too that the loss is the mean over the examples.",
)
MINE_NONE = Message(
    ja="train_mine が None を返しました。最後に return losses を書き忘れていませんか？",
    en="train_mine returned None: did you forget `return losses`?",
)
SUMMED = Message(
    ja="最初の損失が PyTorch のちょうど {factor} 倍です。損失を平均ではなく合計にしていませんか。データ数 len(X) で割りましょう。",
    en="The first loss is exactly {factor} times PyTorch's. Is the loss summed instead of averaged? Divide by the number of examples, len(X).",
)
PASS_FUNCTIONS = Message(
    ja="損失のリストではなく、2 つの関数そのものを渡してください: check_same_losses(train_mine, train_torch)。チェックが同じ条件で両方を実行します。",
    en="Pass the two functions themselves, not lists of losses: check_same_losses(train_mine, train_torch). The check runs both with the same settings.",
)
MINE_USES_TORCH = Message(
    ja="train_mine の中で PyTorch の演算（{names}）が使われています。train_mine は自作の Tensor だけで学習させます（train_torch を呼ぶのも不可です）。",
    en="train_mine runs PyTorch operations ({names}). Train with your own Tensor only (calling train_torch does not count).",
)
LOSSES_OK = Message(
    ja="{steps} ステップの損失が、許容誤差 {tol:g} の範囲で PyTorch と一致しました（{first:.4f} → {last:.4f}）。",
    en="All {steps} losses match PyTorch's to within the tolerance {tol:g} ({first:.4f} → {last:.4f}).",
)
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def shown(text: str, value: float) -> bool:
    """True when ``value`` appears in ``text`` rounded to the digits written there.

    Any format counts: ``f"{x}"`` (full precision), ``:.1f``, ``:.8f``, ``:.4g``, ``:.2e``.
    A number written without a decimal point must be exact (``0`` is not 0.3).
    """
    for match in NUMBER.finditer(text):
        written = match.group()
        mantissa, _, exponent = written.lower().partition("e")
        decimals = len(mantissa.partition(".")[2])
        if "." not in mantissa and not exponent:
            tolerance = 1e-9 * max(1.0, abs(value))
        else:
            tolerance = 0.5 * 10.0 ** (int(exponent or 0) - decimals) * (1 + 1e-9)
        if abs(float(written) - value) <= tolerance:
            return True
    return False


@learner_side
def probe_draw_graph(data: Data, Tensor: object) -> None:
    """Draw ``(a * b + a).tanh()`` after ``backward()``: the DOT text, whether Graphviz reads
    it, and the values and gradients of the learner's own nodes."""
    if not isinstance(Tensor, type):
        raise stop(NOT_CLASS, got=type(Tensor).__name__)
    found = record(data, "draw")
    a, b = Tensor(1.5), Tensor(-0.5)
    product = a * b
    total = product + a
    out = total.tanh()
    out.backward()
    picture = out.draw_graph()
    found["none"] = picture is None
    if picture is None:
        return
    found["type"] = type(picture).__name__
    source = picture if isinstance(picture, str) else getattr(picture, "source", None)
    found["is_text"] = isinstance(source, str)
    if not isinstance(source, str):
        return
    found["source"] = source = str.__str__(source)  # plain text, even from a str subclass
    try:  # Graphviz reads the hand-in's text here, never in the grader
        render_svg(source)
        found["render_error"] = None
    except RenderError as error:
        fmt = {key: str(value) for key, value in error.fmt.items()}  # as the hint shows them
        found["render_error"] = {"message": error.message, "fmt": fmt}
        return
    found["values"] = values = []
    for t in (a, b, product, total, out):
        values.append(float(t.data))
    found["grads"] = grads = []
    for t in (a, b, out):
        grads.append(float(t.grad))


A, B = 1.5, -0.5  # the graph drawn: (a * b + a).tanh()
DRAWN_VALUES = (A, B, A * B, A * B + A, math.tanh(A * B + A))  # a, b, a*b, a*b + a, out


def drawn_grads() -> tuple[float, float, float]:
    """d out / d a, d out / d b and d out / d out, as backward() should leave them."""
    slope = 1 - DRAWN_VALUES[-1] ** 2
    return slope * (B + 1), slope * A, 1.0


def to_find(sent: object, want: float) -> float:
    """The number the picture must show: the learner's own value (its labels may round it
    any way) when it is the right one to within float rounding, else the judge's. At
    grading the values come from the hand-in, which could send any it wrote in its picture."""
    if isinstance(sent, float) and math.isfinite(sent):
        if abs(sent - want) <= 1e-9 * max(1.0, abs(want)):
            return sent
    return want


def judge_draw_graph(data: Data) -> Verdict:
    records = Records(data)
    found = records.next("draw")
    if records.need(found, "none"):
        return failed(DRAW_NONE())
    if not records.need(found, "is_text"):
        return failed(NOT_DOT(got=records.need(found, "type")))
    source: str = records.need(found, "source")
    error = records.need(found, "render_error")
    if error is not None:
        return failed(BAD_DOT(error=error["message"](**error["fmt"])))
    wanted = {"values": DRAWN_VALUES, "grads": drawn_grads()}
    for key, hint, count in (("values", NO_VALUE, 5), ("grads", NO_GRAD, 3)):
        numbers = records.need(found, key)
        for i in range(count):
            if i >= len(numbers):
                records.cut()
            value = to_find(numbers[i], wanted[key][i])
            if not shown(source, value):
                return failed(hint(value=f"{value:.4g}"))
    for names in (("*", "mul"), ("+", "add"), ("tanh",)):
        if not any(name in source.lower() for name in names):
            return failed(NO_OP(op=names[0]))
    arrows = source.count("->")
    if arrows < 5:
        return failed(FEW_EDGES(got=arrows, want=5))
    return passed(DRAW_OK())


@homework(DRAW_TITLE, probe=probe_draw_graph, judge=judge_draw_graph)
def check_draw_graph(Tensor: type) -> Verdict:
    """Draw ``(a * b + a).tanh()`` after ``backward()`` and look for values, grads, arrows."""
    return judge_draw_graph(probe_draw_graph(Tensor))


def floats(values: Any) -> list[float] | None:
    """``values`` (whatever the learner's code returned) as a list of floats, on the probe's
    side; None when they are not numbers, or not a sequence."""
    try:
        return [float(v) for v in values]
    except (TypeError, ValueError):
        return None


def as_losses(numbers: list[float] | None, name: str) -> list[float] | str:
    if not numbers or not all(math.isfinite(v) for v in numbers):
        return NOT_LOSSES(name=name)
    return numbers


def summed(first: float, theirs: float) -> Verdict | None:
    """The SUMMED verdict when the first loss is a whole multiple (≥ 2) of PyTorch's."""
    factor = first / theirs if theirs else 0.0
    if round(factor) >= 2 and abs(factor - round(factor)) < 1e-6:
        return failed(SUMMED(factor=round(factor)))
    return None


def diverged(numbers: list[float] | None, theirs: list[float]) -> Verdict | None:
    """SUMMED or DIVERGED when a list of numbers turns NaN/inf after a finite start."""
    if not numbers or not math.isfinite(numbers[0]):
        return None
    step = next((i for i, v in enumerate(numbers) if not math.isfinite(v)), None)
    if step is None:
        return None
    verdict = summed(numbers[0], theirs[0])  # a ✗ verdict is falsy: no `or` here
    return verdict if verdict is not None else failed(DIVERGED(step=step, value=numbers[step]))


def needs_again(mine: list[float] | None, theirs: list[float] | None) -> bool:
    """True when the judge reads ``train_mine``'s losses a second time (for ``diverged``)."""
    return isinstance(as_losses(mine, ""), str) and not isinstance(as_losses(theirs, ""), str)


def compare_losses(records: Records, found: dict, tol: float) -> Verdict:
    if records.need(found, "mine_none"):
        return failed(MINE_NONE())
    a = as_losses(records.need(found, "mine"), "train_mine")
    b = as_losses(records.need(found, "theirs"), "train_torch")
    if isinstance(a, str) and not isinstance(b, str):
        verdict = diverged(records.need(found, "again"), b)
        if verdict is not None:
            return verdict
    for losses in (a, b):
        if isinstance(losses, str):
            return failed(losses)
    assert isinstance(a, list) and isinstance(b, list)
    if len(a) != len(b):
        return failed(LENGTHS(mine=len(a), theirs=len(b)))
    errors = [abs(x - y) for x, y in zip(a, b, strict=True)]
    if (verdict := summed(a[0], b[0])) is not None:
        return verdict
    for step, error in enumerate(errors):
        if error > tol * (1.0 + abs(b[step])):
            return failed(FIRST_DIFFERS() if step == 0 else LATER_DIFFERS(step=step, error=error))
    return passed(LOSSES_OK(steps=len(a), tol=tol, first=a[0], last=a[-1]))


LOSS_TOL = 1e-6  # the check's tolerance; an answer may ask for a stricter one, not a looser

# The notebook's run, then one with other settings: an answer that replays saved losses fails.
RUNS = ({"steps": 300, "lr": 0.2}, {"steps": 40, "lr": 0.05})


@learner_side
def probe_same_losses(
    data: Data, train_mine: object, train_torch: object, tol: float = LOSS_TOL
) -> None:
    """Each run of ``RUNS``: the torch names ``train_mine`` ran, and both lists of losses."""
    data["tol"] = as_data(tol)
    if not callable(train_mine) or not callable(train_torch):
        raise stop(PASS_FUNCTIONS)
    for run, settings in enumerate(RUNS):
        found = record(data, "run", run)
        mine, calls = run_watched(train_mine, **settings)
        found["functions"], found["operators"] = sorted(calls.functions), sorted(calls.operators)
        theirs = train_torch(**settings)
        found["mine_none"] = mine is None
        if mine is None:
            continue
        found["mine"] = floats(mine)
        found["theirs"] = floats(theirs)
        if needs_again(found["mine"], found["theirs"]):  # type: ignore[arg-type]
            found["again"] = floats(mine)  # a generator gives nothing the second time


def judged_tol(tol: object) -> float:
    """The tolerance the judge applies: the one asked for, never looser than ``LOSS_TOL``
    (at grading the probe's data says which was asked for, and the hand-in writes it)."""
    if isinstance(tol, bool) or not isinstance(tol, Real) or not math.isfinite(tol):
        raise ValueError(f"the tolerance {tol!r} is not a number")
    if tol < 0:
        raise ValueError(f"the tolerance {tol!r} is negative")
    return min(float(tol), LOSS_TOL)


def judge_same_losses(data: Data) -> Verdict:
    records, verdicts, tol = Records(data), [], judged_tol(data["tol"])
    for run in range(len(RUNS)):
        found = records.next("run", run)
        functions, operators = records.need(found, "functions"), records.need(found, "operators")
        if functions or operators:
            return failed(MINE_USES_TORCH(names=", ".join(sorted(functions or operators)[:4])))
        verdict = compare_losses(records, found, tol)
        if not verdict:
            return verdict
        verdicts.append(verdict)
    return verdicts[0]


@homework(LOSSES_TITLE, probe=probe_same_losses, judge=judge_same_losses)
def check_same_losses(train_mine: object, train_torch: object, tol: float = LOSS_TOL) -> Verdict:
    """Run ``train_mine`` and ``train_torch`` with the same settings; compare losses step by step
    (to within ``tol``, at most ``LOSS_TOL``).

    ``train_mine`` runs under ``watch()``: any PyTorch operation in it (torch's autograd,
    or a call to ``train_torch``) fails, since the task is training with the hand-made
    Tensor. The check cannot see how the learner's Tensor computes, only that torch did not.
    """
    return judge_same_losses(probe_same_losses(train_mine, train_torch, tol))
