"""Exercise checks for chapter 04 (building networks)."""

from __future__ import annotations

import random

import torch
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close
from .guard import run_watched
from .verdict import Verdict, error_text, exercise, failed, passed, unanswered

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


def formula(length: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (length + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@exercise(CONV_TITLE)
def check_conv_out(conv_out: object) -> Verdict:
    """First edition's exercise 1: ``conv_out(length, kernel_size, stride, padding, dilation) -> int``.

    The second edition asks for ``check_conv_pool_shape`` instead. This check stays, tested,
    so that a learner's saved first-edition notebook still gets its verdict after an update.
    """
    settings = conv_settings(60)
    for args in settings:
        got, calls = run_watched(conv_out, *args)
        if calls.used_convolution:
            return failed(CONV_RUNS_CONV())
        if (verdict := unanswered(conv_out, got, "conv_out")) is not None:
            return verdict
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
    ja="(8, 1, 28, 28) の画像バッチを入れると forward がエラーになりました。最初に nn.Flatten() で (8, 784) にしていますか？（{error}）",
    en="forward raised an error on a (8, 1, 28, 28) batch of images. Do you flatten it to (8, 784) first with nn.Flatten()? ({error})",
)
MLP_SHAPE = Message(
    ja="出力の形が {shape} です。8 枚の画像に 10 クラスずつ、(8, 10) になるはずです。",
    en="The output shape is {shape}. Eight images, ten classes each: it should be (8, 10).",
)
MLP_PARAMS = Message(
    ja="パラメータが {got:,} 個です（正しくは {want:,} 個）。層の大きさ 784 → 128 → 10 を確かめましょう。",
    en="It has {got:,} parameters (should be {want:,}). Check the layer sizes 784 → 128 → 10.",
)
MLP_NOT_LOGITS = Message(
    ja="出力がすべて 0 以上です。最後の nn.Linear のあとに ReLU や softmax（sigmoid）をかけていませんか。モデルはロジット（最後の nn.Linear の出力そのまま）を返します。nn.CrossEntropyLoss が中で softmax をとります。",
    en="Every output is ≥ 0: is there a ReLU or softmax (or sigmoid) after the last nn.Linear? The model returns logits, the last nn.Linear's raw output; nn.CrossEntropyLoss applies softmax itself.",
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
        return failed(MLP_CRASHED(error=error_text(error)))
    if (verdict := unanswered(type(model).forward, out, "forward")) is not None:
        return verdict
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (8, 10):
        return failed(MLP_SHAPE(shape=tuple(getattr(out, "shape", ()))))
    count = sum(p.numel() for p in model.parameters())
    if count != COUNT_RIGHT:
        return failed(MLP_PARAMS(got=count, want=COUNT_RIGHT))
    if bool((out >= 0).all()) and bool((out2 >= 0).all()):
        return failed(MLP_NOT_LOGITS())
    # A linear (affine) model satisfies f(2x) - f(0) = 2 (f(x) - f(0)) for every x.
    if close(out2 - out0, 2 * (out - out0), atol=1e-4):
        return failed(MLP_LINEAR())
    return passed(MLP_OK(n=count))


# 4. Dropout by hand ---------------------------------------------------------------

DROP_TITLE = Message(ja="ドロップアウトを自分で書く", en="Dropout by hand")
DROP_NOT_CALLABLE = Message(
    ja="my_dropout は関数にしてください（def my_dropout(x, p, training): ...）。",
    en="my_dropout must be a function (def my_dropout(x, p, training): ...).",
)
DROP_SHORTCUT = Message(
    ja="F.dropout か nn.Dropout を使っています。この演習では、乱数でマスクを作って自分で書きます（torch.rand_like(x) > p など）。",
    en="This uses F.dropout or nn.Dropout. Here you write it yourself, with a random mask (torch.rand_like(x) > p, say).",
)
DROP_SHAPE = Message(
    ja="出力の形が {got} で、入力 {want} と違います。ドロップアウトは形を変えません。",
    en="The output shape {got} differs from the input's {want}: dropout keeps the shape.",
)
DROP_EVAL = Message(
    ja="training=False（評価時）の出力が x と違います。評価時は何も 0 にせず、x をそのまま返します。",
    en="With training=False (evaluation) the output differs from x. In evaluation, zero nothing and return x as it is.",
)
DROP_NOTHING = Message(
    ja="training=True なのに、どの要素も 0 になっていません。確率 p で要素を 0 にします。",
    en="With training=True no element became 0: each element is zeroed with probability p.",
)
DROP_KEEP_P = Message(
    ja="p={p} で約 {frac:.0%} が 0 になりました。p は「0 にする」確率です。残す確率は 1 − p です。",
    en="With p={p} about {frac:.0%} became 0. p is the probability of zeroing; 1 − p is the probability of keeping.",
)
DROP_RATE = Message(
    ja="p={p} で 0 になった割合が {frac:.1%} です。各要素を独立に、確率 p で 0 にしましょう。",
    en="With p={p}, {frac:.1%} of the elements became 0. Zero each element independently with probability p.",
)
DROP_NO_SCALE = Message(
    ja="残った要素が元の値のままです。1/(1−p) 倍しないと、出力の平均が (1−p) 倍に縮み、評価時とずれます。",
    en="The kept elements are unchanged. Without scaling by 1/(1−p) the mean shrinks by (1−p) and no longer matches evaluation.",
)
DROP_TIMES_KEEP = Message(
    ja="残った要素が (1−p) 倍になっています。(1−p) で割る、つまり 1/(1−p) 倍です。",
    en="The kept elements were multiplied by (1−p). Divide by (1−p) instead, that is, scale by 1/(1−p).",
)
DROP_SCALE = Message(
    ja="残った要素の倍率が 1/(1−p) = {want:.3f} になっていません。",
    en="The kept elements are not scaled by 1/(1−p) = {want:.3f}.",
)
DROP_SAME_MASK = Message(
    ja="2 回呼んでも同じ要素が 0 になります。呼ぶたびに新しい乱数でマスクを作りましょう。",
    en="Two calls zero the same elements. Draw a fresh random mask on every call.",
)
DROP_OK = Message(
    ja="p={p}: 約 {frac:.1%} が 0、残りは {scale:.3f} 倍。評価時はそのまま。",
    en="p={p}: about {frac:.1%} zeroed, the rest scaled by {scale:.3f}; unchanged in evaluation.",
)


@exercise(DROP_TITLE)
def check_dropout(my_dropout: object) -> Verdict:
    """Exercise 4: ``my_dropout(x, p, training)`` zeroes with probability p, scales by 1/(1−p)."""
    from .ch01 import NOT_A_TENSOR

    if not callable(my_dropout):
        return failed(DROP_NOT_CALLABLE())
    x = torch.rand(200, 500, generator=torch.Generator().manual_seed(4)) + 0.5
    verdict = None
    for p in (0.2, 0.5):
        outputs = []
        for training in (False, True, True):
            got, calls = run_watched(my_dropout, x.clone(), p, training)
            if any("dropout" in name for name in calls.functions | calls.operators):
                return failed(DROP_SHORTCUT())
            if (verdict := unanswered(my_dropout, got, "my_dropout")) is not None:
                return verdict
            if not isinstance(got, torch.Tensor):
                return failed(NOT_A_TENSOR(got=type(got).__name__))
            if got.shape != x.shape:
                return failed(DROP_SHAPE(got=tuple(got.shape), want=tuple(x.shape)))
            outputs.append(got.detach().float())
        evaluated, first, second = outputs
        if not close(evaluated, x):
            return failed(DROP_EVAL())
        zeroed = first == 0
        frac = zeroed.float().mean().item()
        if frac == 0:
            return failed(DROP_NOTHING())
        if abs(frac - (1 - p)) < 0.02 and abs(p - 0.5) > 0.05:
            return failed(DROP_KEEP_P(p=p, frac=frac))
        if abs(frac - p) > 0.02:
            return failed(DROP_RATE(p=p, frac=frac))
        scale = first[~zeroed] / x[~zeroed]
        if close(scale, torch.ones_like(scale), atol=1e-4):
            return failed(DROP_NO_SCALE())
        if close(scale, torch.full_like(scale, 1 - p), atol=1e-4):
            return failed(DROP_TIMES_KEEP())
        if not close(scale, torch.full_like(scale, 1 / (1 - p)), atol=1e-4):
            return failed(DROP_SCALE(want=1 / (1 - p)))
        if torch.equal(zeroed, second == 0):
            return failed(DROP_SAME_MASK())
        verdict = passed(DROP_OK(p=p, frac=frac, scale=1 / (1 - p)))
    return verdict


# 1'. Conv2d then MaxPool2d: the output shape ------------------------------------------

SHAPE_TITLE = Message(
    ja="Conv2d と MaxPool2d のあとの形", en="The shape after Conv2d and MaxPool2d"
)
SHAPE_NOT_PAIR = Message(
    ja="conv_pool_shape({args}) が {got!r} を返しました。(高さ, 幅) の 2 つの整数を返します。割り算は // です。",
    en="conv_pool_shape({args}) returned {got!r}. Return two integers, (height, width); divide with //.",
)
SHAPE_RUNS_LAYERS = Message(
    ja="conv_pool_shape の中で畳み込みやプーリングを実行して形を測っています。この演習では、形を式で計算します。",
    en="conv_pool_shape runs a convolution or pooling to measure the shape. In this exercise, compute it with the formulas.",
)
SHAPE_NO_POOL = Message(
    ja="conv_pool_shape({args}) が {got} で、これは畳み込みだけの形です。そのあと MaxPool2d(pool) が縦横を pool で割ります（切り捨て）。",
    en="conv_pool_shape({args}) is {got}: the shape after the convolution alone. MaxPool2d(pool) then divides height and width by pool (floor).",
)
SHAPE_NO_DILATION = Message(
    ja="conv_pool_shape({args}) が {got} ですが、正しくは {want} です。dilation > 1 のとき、カーネルが広がる幅は dilation × (kernel_size − 1) + 1 です。",
    en="conv_pool_shape({args}) is {got}, but should be {want}. With dilation > 1 the kernel spans dilation × (kernel_size − 1) + 1 pixels.",
)
SHAPE_CEIL = Message(
    ja="conv_pool_shape({args}) が {got} ですが、正しくは {want} です。MaxPool2d は端の余りを捨てます（切り上げではなく切り捨て）。",
    en="conv_pool_shape({args}) is {got}, but should be {want}. MaxPool2d drops the leftover edge: it rounds down, not up.",
)
SHAPE_SWAPPED = Message(
    ja="conv_pool_shape({args}) が {got} で、高さと幅が逆です。(高さ, 幅) の順に返します。",
    en="conv_pool_shape({args}) is {got}: height and width are swapped. Return (height, width).",
)
SHAPE_WRONG = Message(
    ja="conv_pool_shape({args}) が {got} ですが、実際の形は {want} です。畳み込みの式（padding は両側、最後に + 1）を高さと幅それぞれに使いましょう。",
    en="conv_pool_shape({args}) is {got}, but the real shape is {want}. Apply the convolution formula (padding on both sides, + 1 at the end) to height and width each.",
)
SHAPE_OK = Message(
    ja="ランダムな {n} 通りの設定すべてで、本物の層の形と一致しました。",
    en="Matches the real layers' shape on all {n} random settings.",
)


def conv_pool_real(
    h: int, w: int, kernel: int, stride: int, padding: int, dilation: int, pool: int
):
    """The real answer, measured by running ``nn.Conv2d`` then ``nn.MaxPool2d``."""
    conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, bias=False)
    with torch.no_grad():
        return tuple(nn.MaxPool2d(pool)(conv(torch.zeros(1, 1, h, w))).shape[-2:])


def conv_pool_settings(n: int, seed: int = 0) -> list[tuple[int, ...]]:
    """Valid ``(h, w, kernel, stride, padding, dilation, pool)`` settings, edge cases first."""
    rng = random.Random(seed)
    settings = [(28, 28, 3, 1, 1, 1, 2), (32, 24, 5, 1, 0, 1, 2), (28, 20, 3, 1, 0, 2, 2)]
    settings.append((29, 31, 3, 2, 1, 1, 3))
    while len(settings) < n:
        kernel, dilation, pool = rng.randint(1, 5), rng.randint(1, 3), rng.randint(2, 3)
        stride, padding = rng.randint(1, 3), rng.randint(0, 2)
        span = dilation * (kernel - 1) + 1 - 2 * padding + stride * (pool - 1)
        h, w = rng.randint(max(1, span), 64), rng.randint(max(1, span), 64)
        settings.append((h, w, kernel, stride, padding, dilation, pool))
    return settings


def conv_length(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@exercise(SHAPE_TITLE)
def check_conv_pool_shape(conv_pool_shape: object) -> Verdict:
    """Exercise 1: ``conv_pool_shape(h, w, kernel_size, stride, padding, dilation, pool)``."""
    settings = conv_pool_settings(40)
    for args in settings:
        got, calls = run_watched(conv_pool_shape, *args)
        ops = calls.functions | calls.operators
        if calls.used_convolution or any("pool" in name for name in ops):
            return failed(SHAPE_RUNS_LAYERS())
        if (verdict := unanswered(conv_pool_shape, got, "conv_pool_shape")) is not None:
            return verdict
        shown = ", ".join(map(str, args))
        pair = tuple(got) if isinstance(got, tuple | list | torch.Size) else None
        if pair is None or len(pair) != 2 or not all(type(v) is int for v in pair):
            return failed(SHAPE_NOT_PAIR(args=shown, got=got))
        want = conv_pool_real(*args)
        if pair == want:
            continue
        h, w, kernel, stride, padding, dilation, pool = args
        conv = [conv_length(s, kernel, stride, padding, dilation) for s in (h, w)]
        plain = [conv_length(s, kernel, stride, padding, 1) // pool for s in (h, w)]
        message = SHAPE_WRONG
        if pair == tuple(conv):
            message = SHAPE_NO_POOL
        elif dilation > 1 and pair == tuple(plain):
            message = SHAPE_NO_DILATION
        elif pair == tuple(-(-c // pool) for c in conv):
            message = SHAPE_CEIL
        elif h != w and pair == want[::-1]:
            message = SHAPE_SWAPPED
        return failed(message(args=shown, got=pair, want=want))
    return passed(SHAPE_OK(n=len(settings)))
