"""First-edition checks, kept so that a learner's saved notebook still gets its verdict.

The second edition asks for other exercises (``check_conv_pool_shape`` instead of
``check_conv_out``); a notebook saved before the update still calls the old names, and an
update of the course must not break it. Each check here stays tested, like any other.
"""

from __future__ import annotations

import random

import torch
from torch import nn

from .._i18n import Message
from .ch04 import conv_length
from .learner import as_data, call_watched, probe_each, settled
from .verdict import Verdict, exercise, failed, passed

CONV_TITLE = Message(ja="畳み込みの出力サイズ", en="Convolution output size")
CONV_NOT_INT = Message(
    ja="conv_out({args}) が {got!r} を返しました。長さは整数です。割り算は // （切り捨て）を使いましょう。",
    en="conv_out({args}) returned {got!r}. A length is an integer: divide with // (floor).",
)
CONV_NO_DILATION = Message(
    ja="conv_out({args}) が {got} ですが、正しくは {want} です。dilation > 1 のときに合いません。カーネルが広がる幅は dilation × (kernel_size − 1) + 1 です。",
    en="conv_out({args}) is {got}, but should be {want}. It fails when dilation > 1: the kernel spans dilation × (kernel_size − 1) + 1 inputs.",
)
CONV_NO_PADDING = Message(
    ja="conv_out({args}) が {got} ですが、正しくは {want} です。padding は両端に付くので 2 × padding を足します。",
    en="conv_out({args}) is {got}, but should be {want}. Padding is added at both ends: add 2 × padding.",
)
CONV_WRONG = Message(
    ja="conv_out({args}) が {got} ですが、nn.Conv1d の出力は {want} です。式の最後の + 1 と、どこを stride で割るかを確かめましょう。",
    en="conv_out({args}) is {got}, but nn.Conv1d gives {want}. Check the final + 1 and what is divided by the stride.",
)
CONV_RUNS_CONV = Message(
    ja="conv_out の中で畳み込み（nn.Conv1d など）を実行して長さを測っています。この演習では、出力の長さを式で計算します。",
    en="conv_out runs a convolution (nn.Conv1d or similar) to measure the length. In this exercise, compute the output length with the formula.",
)
CONV_OK = Message(
    ja="ランダムな {n} 通りの設定すべてで nn.Conv1d と一致しました。",
    en="Matches nn.Conv1d on all {n} random settings.",
)


def conv1d_length(length: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """The real answer, measured by running ``nn.Conv1d``."""
    conv = nn.Conv1d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, bias=False)
    with torch.no_grad():
        return conv(torch.zeros(1, 1, length)).shape[-1]


def conv_settings(n: int, seed: int = 0) -> list[tuple[int, int, int, int, int]]:
    """Valid ``(length, kernel, stride, padding, dilation)`` settings, fixed edge cases first."""
    rng = random.Random(seed)
    settings = [(28, 3, 1, 0, 1), (28, 3, 1, 1, 1), (28, 5, 2, 0, 1), (28, 3, 1, 0, 2)]
    while len(settings) < n:
        kernel, dilation = rng.randint(1, 7), rng.randint(1, 4)
        padding = rng.randint(0, 3)
        length = rng.randint(max(1, dilation * (kernel - 1) + 1 - 2 * padding), 64)
        settings.append((length, kernel, rng.randint(1, 4), padding, dilation))
    return settings


# Typical mistakes of the 1-D formula: the learner's value against a variant of it.
CONV_MISTAKES = (
    (lambda n, k, s, p, d: d > 1 and conv_length(n, k, s, p, 1), CONV_NO_DILATION),
    (lambda n, k, s, p, d: p > 0 and conv_length(n, k, s, 0, d), CONV_NO_PADDING),
    (lambda n, k, s, p, d: p > 0 and conv_length(n - p, k, s, p, d), CONV_NO_PADDING),
)


def probe_conv_out(conv_out: object) -> list[dict[str, object]]:
    """For each setting: what ``conv_out(*setting)`` returned, and whether it ran a convolution."""

    def one(args: tuple[int, ...]) -> dict[str, object]:
        got, calls = call_watched(conv_out, *args, name="conv_out")  # type: ignore[arg-type]
        return {"args": args, "got": as_data(got), "conv": calls.used_convolution}

    return probe_each(conv_settings(60), one)


def judge_conv_out(records: list[dict[str, object]]) -> Verdict:
    for record in map(settled, records):
        if record["conv"]:
            return failed(CONV_RUNS_CONV())
        args, got = record["args"], record["got"]
        shown = ", ".join(map(str, args))  # type: ignore[call-overload]
        if isinstance(got, bool) or not isinstance(got, int):
            return failed(CONV_NOT_INT(args=shown, got=got))
        want = conv1d_length(*args)  # type: ignore[misc]
        if got != want:
            message = CONV_WRONG
            for variant, hint in CONV_MISTAKES:
                if variant(*args) is not False and got == variant(*args):  # type: ignore[misc]
                    message = hint
                    break
            return failed(message(args=shown, got=got, want=want))
    return passed(CONV_OK(n=len(records)))


@exercise(CONV_TITLE, probe=probe_conv_out, judge=judge_conv_out)
def check_conv_out(conv_out: object) -> Verdict:
    """First edition's exercise 1: ``conv_out(length, kernel_size, stride, padding, dilation) -> int``.

    The second edition asks for ``check_conv_pool_shape`` instead.
    """
    return judge_conv_out(probe_conv_out(conv_out))
