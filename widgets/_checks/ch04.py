"""Exercise checks for chapter 04 (building networks)."""

from __future__ import annotations

import random

import torch
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close
from .verdict import Verdict, exercise, failed, is_stub, not_yet, passed

# 1. The convolution output size ------------------------------------------------------

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


def formula(length: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (length + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@exercise(CONV_TITLE)
def check_conv_out(conv_out: object) -> Verdict:
    """Exercise 1: ``conv_out(length, kernel_size, stride, padding, dilation) -> int``."""
    settings = conv_settings(60)
    for args in settings:
        got = conv_out(*args)
        if is_stub(got):  # the untouched stub: `return None`
            return not_yet()
        shown = ", ".join(map(str, args))
        if isinstance(got, bool) or not isinstance(got, int):
            return failed(CONV_NOT_INT(args=shown, got=got))
        want = conv1d_length(*args)
        if got != want:
            length, kernel, stride, padding, dilation = args
            message = CONV_WRONG
            if dilation > 1 and got == formula(length, kernel, stride, padding, 1):
                message = CONV_NO_DILATION
            elif padding > 0 and got in (
                formula(length, kernel, stride, 0, dilation),
                formula(length - padding, kernel, stride, padding, dilation),
            ):
                message = CONV_NO_PADDING
            return failed(message(args=shown, got=got, want=want))
    return passed(CONV_OK(n=len(settings)))


# 2. Counting parameters ---------------------------------------------------------------

COUNT_TITLE = Message(ja="パラメータ数を数える", en="Counting parameters")
COUNT_NOT_INT = Message(
    ja="答えは整数（パラメータの個数）にしてください（渡されたのは {got} です）。",
    en="The answer must be an integer (a number of parameters) (got {got}).",
)
COUNT_NO_BIAS = Message(
    ja="{got:,} は重みだけの数です。nn.Linear(in, out) には out 個のバイアスもあります。",
    en="{got:,} counts the weights only. nn.Linear(in, out) also has out biases.",
)
COUNT_ONE_LAYER = Message(
    ja="{got:,} は 1 つ目の層だけの数です。2 つ目の nn.Linear(128, 10) の分も足しましょう。",
    en="{got:,} is the first layer alone. Add the second nn.Linear(128, 10) too.",
)
COUNT_WRONG = Message(
    ja="{got:,} ではありません。各 nn.Linear(in, out) は in × out + out 個です。ReLU と Flatten にはパラメータがありません。",
    en="Not {got:,}. Each nn.Linear(in, out) has in × out + out; ReLU and Flatten have none.",
)
COUNT_OK = Message(
    ja="784×128+128 + 128×10+10 = {n:,}",
    en="784×128+128 + 128×10+10 = {n:,}",
)
COUNT_RIGHT = 784 * 128 + 128 + 128 * 10 + 10


@exercise(COUNT_TITLE)
def check_param_count(count: object) -> Verdict:
    """Exercise 2: parameters of Flatten → Linear(784, 128) → ReLU → Linear(128, 10)."""
    count = unwrap_number(count)
    if isinstance(count, bool) or not isinstance(count, int):
        return failed(COUNT_NOT_INT(got=type(count).__name__))
    if count == 784 * 128 + 128 * 10:
        return failed(COUNT_NO_BIAS(got=count))
    if count == 784 * 128 + 128:
        return failed(COUNT_ONE_LAYER(got=count))
    if count != COUNT_RIGHT:
        return failed(COUNT_WRONG(got=count))
    return passed(COUNT_OK(n=count))


# 3. An MLP class -----------------------------------------------------------------------

MLP_TITLE = Message(ja="MLP クラスを作る", en="Write an MLP class")
MLP_NOT_MODULE = Message(
    ja="答えは nn.Module のインスタンスにしてください（渡されたのは {got} です）。クラスを呼んで model = DigitMLP() と作ります。",
    en="The answer must be an nn.Module instance (got {got}). Create it by calling the class: model = DigitMLP().",
)
MLP_CRASHED = Message(
    ja="(8, 1, 28, 28) の画像バッチを入れるとエラーになりました: {error}。最初に nn.Flatten() で (8, 784) にしていますか？",
    en="A (8, 1, 28, 28) batch of images raised: {error}. Do you flatten it to (8, 784) first with nn.Flatten()?",
)
MLP_SHAPE = Message(
    ja="出力の形が {shape} です。8 枚の画像に 10 クラスずつ、(8, 10) になるはずです。",
    en="The output shape is {shape}. Eight images, ten classes each: it should be (8, 10).",
)
MLP_PARAMS = Message(
    ja="パラメータが {got:,} 個です（正しくは {want:,} 個）。層の大きさ 784 → 128 → 10 を確かめましょう。",
    en="It has {got:,} parameters (should be {want:,}). Check the layer sizes 784 → 128 → 10.",
)
MLP_LINEAR = Message(
    ja="モデル全体が線形（1 次関数）になっています。2 つの nn.Linear の間に nn.ReLU() を入れましょう。",
    en="The whole model is linear. Put an nn.ReLU() between the two nn.Linear layers.",
)
MLP_OK = Message(
    ja="出力 (8, 10)、パラメータ {n:,} 個、非線形。",
    en="Output (8, 10), {n:,} parameters, non-linear.",
)


@exercise(MLP_TITLE)
def check_mlp(model: object) -> Verdict:
    """Exercise 3: Flatten → Linear(784, 128) → ReLU → Linear(128, 10) as an nn.Module."""
    if not isinstance(model, nn.Module):
        return failed(MLP_NOT_MODULE(got=type(model).__name__))
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(8, 1, 28, 28, generator=gen)
    try:
        with torch.no_grad():
            out, out2, out0 = model(x), model(2 * x), model(torch.zeros_like(x))
    except Exception as error:  # the learner's forward: explain, never raise
        return failed(MLP_CRASHED(error=f"{type(error).__name__}: {error}"))
    if out is None:
        return not_yet()
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (8, 10):
        return failed(MLP_SHAPE(shape=tuple(getattr(out, "shape", ()))))
    count = sum(p.numel() for p in model.parameters())
    if count != COUNT_RIGHT:
        return failed(MLP_PARAMS(got=count, want=COUNT_RIGHT))
    # A linear (affine) model satisfies f(2x) - f(0) = 2 (f(x) - f(0)) for every x.
    if close(out2 - out0, 2 * (out - out0), atol=1e-4):
        return failed(MLP_LINEAR())
    return passed(MLP_OK(n=count))
