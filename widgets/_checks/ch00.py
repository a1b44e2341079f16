"""Exercise checks of chapter 00 (getting started)."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from .._env.report import EnvReport, env_report
from .._i18n import Message
from .learner import (
    Crash,
    as_data,
    call,
    expect_callable,
    probe_each,
    settled,
    type_name,
)
from .verdict import Verdict, exercise, failed, passed

WHOLE_REPORT = Message(
    ja="渡したのはレポート全体です。フィールドはドットで取り出します: report.フィールド名",
    en="That is the whole report. Take one field with a dot: report.field_name",
)
NOT_TEXT = Message(
    ja="バージョンは文字列（例: '2.14.1'）です。渡されたのは {got} でした。レポートのフィールドをそのまま使ってください。",
    en="A version is a string (e.g. '2.14.1'); this is {got}. Use the report's field as it is.",
)
OTHER_PACKAGE = Message(
    ja="それは {package} のバージョンです。torch のバージョンが入ったフィールドを探してください。",
    en="That is the version of {package}. Look for the field that holds torch's version.",
)
NOT_TORCH = Message(
    ja="torch.__version__（{expected}）と一致しません。手で書き写さず、レポートのフィールドを使ってください。",
    en="It does not match torch.__version__ ({expected}). Don't type it by hand: use the report's field.",
)

TYPED = Message(
    ja="文字は torch のバージョンと同じですが、レポートから取り出した値ではありません（手で書き写したか、作り直した文字列です）。report.フィールド名 で取り出した値をそのまま answer に入れてください。",
    en="The text equals torch's version, but it is not the value taken from the report (it was typed in or rebuilt). Put the report's field itself in answer: report.field_name.",
)


def probe_torch_version(answer: object) -> dict[str, object]:
    """What the answer is, and whether it is the very string ``torch.__version__``."""
    return {
        "whole_report": isinstance(answer, EnvReport),
        "answer": as_data(answer),
        "is_the_field": answer is torch.__version__,
        # torch.__version__ is a str subclass (TorchVersion): the grader gets plain text
        "versions": as_data({"torch": torch.__version__, **env_report()._versions()}),
    }


def judge_torch_version(data: dict) -> Verdict:
    answer, versions = data["answer"], data["versions"]
    if data["whole_report"]:
        return failed(WHOLE_REPORT())
    if not isinstance(answer, str):
        return failed(NOT_TEXT(got=type_name(answer)))
    if data["is_the_field"]:
        return passed(f"torch {answer}")
    if answer == versions["torch"]:
        return failed(TYPED())
    for package in ("torchvision", "Python"):
        if answer == versions[package]:
            return failed(OTHER_PACKAGE(package=package))
    return failed(NOT_TORCH(expected=versions["torch"]))


@exercise(
    Message(
        ja="演習 1: レポートから torch のバージョン",
        en="Exercise 1: torch's version from the report",
    ),
    probe=probe_torch_version,
    judge=judge_torch_version,
)
def check_torch_version(answer: object) -> Verdict:
    """✓ when ``answer`` is the installed torch version read off ``env_report()``.

    The report holds ``torch.__version__`` itself, so the check compares identity: an equal
    string typed by hand (or rebuilt, e.g. with ``str()`` or an f-string) fails with a hint.
    It cannot tell the report's field from ``torch.__version__``, which is the same object.
    """
    return judge_torch_version(probe_torch_version(answer))


NOT_CALLABLE = Message(
    ja="関数そのもの（shrink）を渡してください。shrink(x) と呼んだ結果ではありません。",
    en="Pass the function itself (shrink), not the result of calling shrink(x).",
)
NOT_TENSOR = Message(
    ja="shrink({x}) がテンソルではなく {got} を返しました。.item() や float() で数に直すと計算グラフが切れて、勾配が求められません。",
    en="shrink({x}) returned {got}, not a tensor. Turning it into a number with .item() or float() cuts the graph, so no gradient can flow.",
)
NO_GRAPH = Message(
    ja="shrink({x}) の結果が計算グラフにつながっていません（requires_grad が False）。detach() や torch.no_grad() を使わず、x から計算してください。",
    en="shrink({x}) is not connected to the graph (requires_grad is False). Compute it from x without detach() or torch.no_grad().",
)
WRONG_VALUE = Message(
    ja="x = {x} のとき {expected} になるはずが {got} でした。半分にする回数は入力で変わります: 回数を固定した for ではなく、while |x| > 1 で繰り返してください。",
    en="For x = {x} the result should be {expected}, not {got}. How many halvings depends on the input: loop with while |x| > 1, not a for loop of fixed length.",
)
OTHER_VALUE = Message(
    ja="x = {x} のとき {expected} になるはずが {got} でした。|x| が 1 以下になるまで半分にし続けた値を返します。",
    en="For x = {x} the result should be {expected}, not {got}: halve while |x| > 1, then return x.",
)
WRONG_GRAD = Message(
    ja="x = {x} のとき勾配は {expected}（1/2 を {steps} 回かけたもの）のはずが {got} でした。",
    en="For x = {x} the gradient should be {expected} (1/2 multiplied {steps} times), not {got}.",
)
IN_PLACE = Message(
    ja="x /= 2 のようなその場の書き換え（in-place 演算）は、勾配を求める葉テンソルには使えません。x = x / 2 と書いてください。",
    en="An in-place update such as x /= 2 is not allowed on a leaf tensor that requires grad. Write x = x / 2.",
)
INPUTS = (0.5, 3.0, 10.0, -40.0, 1000.0)
CRASHES = (Crash(RuntimeError, ("in-place",), IN_PLACE),)


def halvings(x: float) -> int:
    """How many times ``x`` is halved before ``|x| <= 1``."""
    steps = 0
    while abs(x) > 1:
        x, steps = x / 2, steps + 1
    return steps


def probe_shrink(shrink: object) -> list[dict[str, object]]:
    """For each input: what ``shrink`` returned, whether it is in the graph, its gradient."""
    fn = expect_callable(shrink, NOT_CALLABLE)

    def one(x0: float) -> dict[str, object]:
        x = torch.tensor(x0, requires_grad=True)
        y = call(fn, x, name="shrink", crashes=CRASHES)
        record: dict[str, object] = {"x": x0, "y": as_data(y)}
        if isinstance(y, torch.Tensor) and y.numel() == 1 and y.requires_grad:
            record["in_graph"] = True
            call(lambda: y.sum().backward(), name="shrink", returns_nothing=True)
            record["grad"] = None if x.grad is None else x.grad.item()
        return record

    return probe_each(INPUTS, one)


def fixed_halvings(records: list[dict[str, object]]) -> int | None:
    """k when every input came back halved exactly k times: a for loop of fixed length."""
    values = [(r["x"], r.get("y")) for r in records if "early" not in r]
    for k in range(12):
        if len(values) == len(INPUTS) and all(
            isinstance(y, torch.Tensor) and y.numel() == 1 and math.isclose(y.item(), x / 2**k)
            for x, y in values
        ):
            return k
    return None


def judge_shrink(records: list[dict[str, object]]) -> Verdict:
    for record in map(settled, records):
        x0, y = record["x"], record["y"]
        if not isinstance(y, torch.Tensor):
            return failed(NOT_TENSOR(x=x0, got=type_name(y)))
        steps = halvings(x0)  # type: ignore[arg-type]
        expected = x0 / 2**steps
        if y.numel() != 1 or not math.isclose(y.item(), expected, rel_tol=1e-6):
            got = y.item() if y.numel() == 1 else tuple(y.shape)
            hint = WRONG_VALUE if fixed_halvings(records) is not None else OTHER_VALUE
            return failed(hint(x=x0, expected=expected, got=got))
        if not record.get("in_graph"):
            return failed(NO_GRAPH(x=x0))
        grad = record["grad"]
        if grad is None or not math.isclose(grad, 0.5**steps, rel_tol=1e-6):  # type: ignore[arg-type]
            return failed(WRONG_GRAD(x=x0, expected=0.5**steps, steps=steps, got=grad))
    return passed(", ".join(f"shrink({x0}) = {x0 / 2 ** halvings(x0)}" for x0 in INPUTS))


@exercise(
    Message(
        ja="演習 2: 入力で回数が変わるループ",
        en="Exercise 2: a loop whose length depends on the input",
    ),
    probe=probe_shrink,
    judge=judge_shrink,
)
def check_shrink(shrink: Callable[[torch.Tensor], torch.Tensor]) -> Verdict:
    """✓ when ``shrink`` halves ``x`` while ``|x| > 1`` and its gradient is ``0.5 ** steps``."""
    return judge_shrink(probe_shrink(shrink))
