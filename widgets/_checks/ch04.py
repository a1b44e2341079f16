"""Exercise checks for chapter 04 (building networks)."""

from __future__ import annotations

import random

import torch
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close, max_error
from .learner import (
    Crash,
    as_data,
    call,
    call_watched,
    expect_callable,
    expect_module,
    expect_tensor,
    paired,
    probe_each,
    type_name,
)
from .verdict import Verdict, exercise, failed, passed

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


def judge_param_count(count: object) -> Verdict:
    count = unwrap_number(count)
    if isinstance(count, bool) or not isinstance(count, int):
        return failed(COUNT_NOT_INT(got=type_name(count)))
    if count == 784 * 128 + 128 * 10:
        return failed(COUNT_NO_BIAS(got=count))
    if count == 784 * 128 + 128:
        return failed(COUNT_ONE_LAYER(got=count))
    if count != COUNT_RIGHT:
        return failed(COUNT_WRONG(got=count))
    return passed(COUNT_OK(n=count))


@exercise(COUNT_TITLE, probe=as_data, judge=judge_param_count)
def check_param_count(count: object) -> Verdict:
    """Exercise 2: parameters of Flatten → Linear(784, 128) → ReLU → Linear(128, 10)."""
    return judge_param_count(as_data(count))


# 3. An MLP class -----------------------------------------------------------------------

MLP_TITLE = Message(ja="MLP クラスを作る", en="Write an MLP class")
MLP_NOT_MODULE = Message(
    ja="答えは nn.Module のインスタンスにしてください（渡されたのは {got} です）。クラスを呼んで model = DigitMLP() と作ります。",
    en="The answer must be an nn.Module instance (got {got}). Create it by calling the class: model = DigitMLP().",
)
MLP_CRASHED = Message(
    ja="(8, 1, 28, 28) の画像バッチを入れると、forward がエラーになりました（{error}）。",
    en="forward raised an error on a (8, 1, 28, 28) batch of images ({error}).",
)
MLP_NOT_FLAT = Message(
    ja="(8, 1, 28, 28) の画像バッチで、784 個の入力をとる nn.Linear に長さ 28 の行が渡されてエラーになりました（{error}）。"
    "画像が平らになっていません。その nn.Linear の前で、1 枚を 784 個の値の 1 行にした (8, 784) にしましょう（nn.Flatten）。",
    en="On a (8, 1, 28, 28) batch of images, an nn.Linear taking 784 inputs got rows of 28 values ({error}): "
    "the images were not flattened. Before that nn.Linear, make each image one row of 784 values, (8, 784) (nn.Flatten).",
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
    ja="forward の中で活性化関数が 1 つも実行されていません。そのため出力は入力の 1 次関数（アフィン関数）で、チェックの画像 x で f(2x) − f(0) = 2(f(x) − f(0)) が成り立ちました。2 つの nn.Linear の間に nn.ReLU() を入れましょう。",
    en="forward ran no activation function, so the output is an affine function of the input (linear plus a bias): on the check's images x, f(2x) − f(0) = 2(f(x) − f(0)). Put an nn.ReLU() between the two nn.Linear layers.",
)
MLP_LINEAR_ANYWAY = Message(
    ja="forward では {got} の順に実行されましたが、出力は入力の 1 次関数（アフィン関数）のままで、チェックの画像 x で f(2x) − f(0) = 2(f(x) − f(0)) が成り立ちました。ReLU は 2 つの nn.Linear の間に置き、1 つ目の出力にかけます。",
    en="forward ran {got}, yet the output is still an affine function of the input: on the check's images x, f(2x) − f(0) = 2(f(x) − f(0)). The ReLU goes between the two nn.Linear layers, on the first one's output.",
)
MLP_NOT_THE_NET = Message(
    ja="出力が、このモデル自身のパラメータで計算した Flatten → Linear(784, 128) → ReLU → Linear(128, 10) の値と合いません（最大の差 {error:.2g}）。",
    en="The outputs are not those of Flatten → Linear(784, 128) → ReLU → Linear(128, 10) computed with the model's own parameters (largest difference {error:.2g}).",
)
MLP_ACTIVATION = Message(
    ja="2 つの nn.Linear の間の活性化関数が {got} です。演習の指定は ReLU（nn.ReLU() または torch.relu）です。",
    en="The activation between the two nn.Linear layers is {got}; the exercise asks for ReLU (nn.ReLU() or torch.relu).",
)
MLP_AFTER_LAST = Message(
    ja="最後の全結合層のあとに {got} がかかっています。モデルはロジット（最後の nn.Linear の出力そのまま）を返します。nn.CrossEntropyLoss が中で softmax をとります。",
    en="{got} comes after the last fully connected layer. The model returns logits, the last nn.Linear's raw output; nn.CrossEntropyLoss applies softmax itself.",
)
MLP_OK = Message(
    ja="出力 (8, 10)、パラメータ {n:,} 個、非線形。",
    en="Output (8, 10), {n:,} parameters, non-linear.",
)


# Crashes in the order they are tried: a Linear(784, …) fed rows of 28 (unflattened images),
# then any other error, reported as it is.
MLP_CRASHES = (
    Crash(
        RuntimeError, ("mat1 and mat2 shapes cannot be multiplied", "x28 and 784x"), MLP_NOT_FLAT
    ),
    Crash(Exception, (), MLP_CRASHED),
)
# Torch functions a forward runs, by kind of layer: seen at run time, so nn.Sequential,
# functional calls and x @ W.T alike count. Anything else (flatten, view, add) is no layer.
LAYERS = {"linear": "Linear", "matmul": "Linear", "__matmul__": "Linear", "addmm": "Linear"}
LAYERS |= dict.fromkeys(("relu", "relu_", "clamp", "clamp_", "clamp_min", "threshold"), "ReLU")
ACTIVATIONS = ("sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu", "leaky_relu", "silu")
LAYERS |= {name: name for name in ACTIVATIONS}


def layer_kinds(functions: list[str]) -> list[str]:
    return [LAYERS[name] for name in functions if name in LAYERS]


def mlp_batches() -> tuple[torch.Tensor, ...]:
    """The images the model runs on: a batch x, 2x and zeros (the probe's and the judge's)."""
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    return x, 2 * x, torch.zeros_like(x)


def probe_mlp(model: object) -> dict[str, object]:
    """The model's outputs for a batch x, for 2x and for zeros, its parameter count and its
    parameters (the judge computes the statement's network with them)."""
    net = expect_module(model, MLP_NOT_MODULE)
    outputs: list[object] = []
    layers: list[str] = []
    for batch in mlp_batches():
        got, calls = call_watched(
            net, batch, name="forward", stub_of=type(net).forward, crashes=MLP_CRASHES, no_grad=True
        )
        outputs.append(as_data(got))
        layers = layers or layer_kinds(calls.sequence)
    count = call(lambda: sum(p.numel() for p in net.parameters()), name="parameters")
    weights = call(lambda: [p.detach().clone() for p in net.parameters()], name="parameters")
    return {"outputs": outputs, "params": count, "layers": layers, "weights": weights}


def statement_mlp(weights: object) -> list[torch.Tensor] | None:
    """The statement's network, Flatten → Linear(784, 128) → ReLU → Linear(128, 10), with
    the model's own ``weights`` (in float64) on the judge's batches; None when the weights
    are not the two layers' weight and bias (either way round)."""
    shapes = {(128, 784): "w1", (784, 128): "w1t", (128,): "b1", (10, 128): "w2"}
    shapes |= {(128, 10): "w2t", (10,): "b2"}
    if not isinstance(weights, list) or len(weights) != 4:
        return None
    found: dict[str, torch.Tensor] = {}
    for w in weights:
        if not isinstance(w, torch.Tensor) or w.is_complex():
            return None
        name = shapes.get(tuple(w.shape), "")
        name, w = (name[:-1], w.T) if name.endswith("t") else (name, w)
        if not name or name in found:
            return None
        found[name] = w.detach().double()
    if len(found) != 4:
        return None
    w1, b1, w2, b2 = (found[name] for name in ("w1", "b1", "w2", "b2"))
    return [
        torch.relu(batch.double().flatten(1) @ w1.T + b1) @ w2.T + b2 for batch in mlp_batches()
    ]


def judge_mlp(data: dict) -> Verdict:
    out, out2, out0 = data["outputs"]
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (8, 10):
        return failed(MLP_SHAPE(shape=tuple(getattr(out, "shape", ()))))
    count = data["params"]
    if count != COUNT_RIGHT:
        return failed(MLP_PARAMS(got=count, want=COUNT_RIGHT))
    layers: list[str] = data["layers"]
    last = max((i for i, kind in enumerate(layers) if kind == "Linear"), default=len(layers))
    after = [kind for kind in layers[last + 1 :] if kind != "Linear"]
    if after:
        return failed(MLP_AFTER_LAST(got=" → ".join(after)))
    if bool((out >= 0).all()) and bool((out2 >= 0).all()):
        return failed(MLP_NOT_LOGITS())
    # A linear (affine) model satisfies f(2x) - f(0) = 2 (f(x) - f(0)) for every x.
    if close(out2 - out0, 2 * (out - out0), atol=1e-4):
        if all(kind == "Linear" for kind in layers):
            return failed(MLP_LINEAR())
        return failed(MLP_LINEAR_ANYWAY(got=" → ".join(layers)))
    other = [kind for kind in layers[:last] if kind not in ("Linear", "ReLU")]
    if other:
        return failed(MLP_ACTIVATION(got=" → ".join(other)))
    # The outputs must be the statement's network with the model's own parameters, on the
    # judge's batches: at grading, outputs and layer names both come from the hand-in.
    want = statement_mlp(data["weights"])
    outputs = [expect_tensor(got) for got in data["outputs"]]
    if want is None or not all(got.shape == w.shape for got, w in zip(outputs, want, strict=True)):
        return failed(MLP_NOT_THE_NET(error=float("inf")))
    if not all(close(got, w, rtol=1e-4, atol=1e-4) for got, w in zip(outputs, want, strict=True)):
        error = max(max_error(got, w) for got, w in zip(outputs, want, strict=True))
        return failed(MLP_NOT_THE_NET(error=error))
    return passed(MLP_OK(n=count))


@exercise(MLP_TITLE, probe=probe_mlp, judge=judge_mlp)
def check_mlp(model: object) -> Verdict:
    """Exercise 3: Flatten → Linear(784, 128) → ReLU → Linear(128, 10) as an nn.Module."""
    return judge_mlp(probe_mlp(model))


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


DROP_RUNS = tuple((p, training) for p in (0.2, 0.5) for training in (False, True, True))


def dropout_input() -> torch.Tensor:
    return torch.rand(200, 500, generator=torch.Generator().manual_seed(4)) + 0.5


def probe_dropout(my_dropout: object) -> dict[str, object]:
    """``my_dropout(x, p, training)`` for p = 0.2 and 0.5: once evaluating, twice training."""
    fn = expect_callable(my_dropout, DROP_NOT_CALLABLE)
    x = dropout_input()

    def one(run: tuple[float, bool]) -> dict[str, object]:
        p, training = run
        got, calls = call_watched(fn, x.clone(), p, training, name="my_dropout")
        return {"got": as_data(got), "ran": sorted(calls.functions | calls.operators)}

    # The learner's random numbers are seeded (the same share zeroed on every run) and
    # their random state is left as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(4)
        return {"runs": probe_each(DROP_RUNS, one)}


def names_run(record: dict[str, object]) -> list[str]:
    """The torch functions and operators a probe's record says the learner's code ran."""
    names = record["ran"]
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError("the record's functions are not a list of names")
    return names


def judge_dropout(data: dict) -> Verdict:
    """Each run against the judge's own x and p (DROP_RUNS' order: three runs per p)."""
    x, outputs, verdict = dropout_input(), [], failed(DROP_NOTHING())
    for (p, _), record in paired(DROP_RUNS, data["runs"]):
        if any("dropout" in name for name in names_run(record)):
            return failed(DROP_SHORTCUT())
        got = expect_tensor(record["got"])
        if got.shape != x.shape:
            return failed(DROP_SHAPE(got=tuple(got.shape), want=tuple(x.shape)))
        outputs.append(got.float())
        if len(outputs) == 3:
            verdict = judge_dropout_rate(x, p, *outputs)
            if not verdict:
                return verdict
            outputs = []
    return verdict


def judge_dropout_rate(
    x: torch.Tensor, p: float, evaluated: torch.Tensor, first: torch.Tensor, second: torch.Tensor
) -> Verdict:
    """The three outputs for one p: evaluation, then two training calls."""
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
    return passed(DROP_OK(p=p, frac=frac, scale=1 / (1 - p)))


@exercise(DROP_TITLE, probe=probe_dropout, judge=judge_dropout)
def check_dropout(my_dropout: object) -> Verdict:
    """Exercise 4: ``my_dropout(x, p, training)`` zeroes with probability p, scales by 1/(1−p)."""
    return judge_dropout(probe_dropout(my_dropout))


# 1'. Conv2d then MaxPool2d: the output shape ------------------------------------------

SHAPE_TITLE = Message(
    ja="Conv2d と MaxPool2d のあとの形", en="The shape after Conv2d and MaxPool2d"
)
SHAPE_NOT_CALLABLE = Message(
    ja="conv_pool_shape は関数にしてください（def conv_pool_shape(h, w, kernel_size, stride, padding, dilation, pool): ...）。渡されたのは {got} です。",
    en="conv_pool_shape must be a function (def conv_pool_shape(h, w, kernel_size, stride, padding, dilation, pool): ...); got a {got}.",
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
    ja="conv_pool_shape({args}) が {got} ですが、実際の形は {want} です（Conv2d のあとは {conv}）。畳み込みとプーリングの式を、高さと幅それぞれで確かめましょう。",
    en="conv_pool_shape({args}) is {got}, but the real shape is {want} ({conv} after the Conv2d). Check the convolution and pooling formulas on height and width each.",
)
SHAPE_POOL_STRIDE = Message(
    ja="conv_pool_shape({args}) が {got} ですが、正しくは {want} です。プーリングを 1 画素ずつずらしています。MaxPool2d(pool) は窓の大きさだけでなく、ずらす幅（stride）も pool です。",
    en="conv_pool_shape({args}) is {got}, but should be {want}. The pooling window moves one pixel at a time here: MaxPool2d(pool) uses pool as its stride too, not only as its window.",
)
SHAPE_NO_PADDING = Message(
    ja="conv_pool_shape({args}) が {got} ですが、正しくは {want} です。padding は両側に付くので 2 × padding を足します。",
    en="conv_pool_shape({args}) is {got}, but should be {want}. Padding is added on both sides: add 2 × padding.",
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
    settings: list[tuple[int, ...]] = [
        (28, 28, 3, 1, 1, 1, 2),
        (32, 24, 5, 1, 0, 1, 2),
        (28, 20, 3, 1, 0, 2, 2),
    ]
    settings.append((29, 31, 3, 2, 1, 1, 3))
    while len(settings) < n:
        kernel, dilation, pool = rng.randint(1, 5), rng.randint(1, 3), rng.randint(2, 3)
        stride, padding = rng.randint(1, 3), rng.randint(0, 2)
        span = dilation * (kernel - 1) + 1 - 2 * padding + stride * (pool - 1)
        h, w = rng.randint(max(1, span), 64), rng.randint(max(1, span), 64)
        settings.append((h, w, kernel, stride, padding, dilation, pool))
    return settings


def conv_length(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """The length after a convolution: nn.Conv1d/Conv2d's formula, along one axis."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def conv_pool_formula(
    args: tuple[int, ...],
    *,
    pool: bool = True,
    dilation: bool = True,
    ceil: bool = False,
    swap: bool = False,
    pool_stride: bool = True,
    sides_padded: int = 2,
) -> tuple[int, int]:
    """The shape by the formulas, with one of the typical mistakes switched on."""
    h, w, kernel, stride, padding, dil, size = args
    padded = [n + (sides_padded - 2) * padding for n in (h, w)]  # padding once, not twice
    sides = [conv_length(n, kernel, stride, padding, dil if dilation else 1) for n in padded]
    if pool and not pool_stride:
        sides = [side - size + 1 for side in sides]
    elif pool:
        sides = [-(-side // size) if ceil else side // size for side in sides]
    return (sides[1], sides[0]) if swap else (sides[0], sides[1])


# Typical mistakes, first match names the hint (a variant equal to the right shape is skipped).
SHAPE_MISTAKES = (
    ({"pool": False}, SHAPE_NO_POOL),
    ({"dilation": False}, SHAPE_NO_DILATION),
    ({"ceil": True}, SHAPE_CEIL),
    ({"swap": True}, SHAPE_SWAPPED),
    ({"pool_stride": False}, SHAPE_POOL_STRIDE),
    ({"sides_padded": 1}, SHAPE_NO_PADDING),
    ({"sides_padded": 0}, SHAPE_NO_PADDING),
)


def probe_conv_pool_shape(conv_pool_shape: object) -> list[dict[str, object]]:
    """For each setting: what ``conv_pool_shape(*setting)`` returned and the torch calls it made."""
    fn = expect_callable(conv_pool_shape, SHAPE_NOT_CALLABLE)

    def one(args: tuple[int, ...]) -> dict[str, object]:
        got, calls = call_watched(fn, *args, name="conv_pool_shape")
        return {
            "got": as_data(got),
            "conv": calls.used_convolution,
            "ran": sorted(calls.functions | calls.operators),
        }

    return probe_each(conv_pool_settings(40), one)


def judge_conv_pool_shape(records: list[dict[str, object]]) -> Verdict:
    settings = conv_pool_settings(40)
    for args, record in paired(settings, records):
        if record["conv"] or any("pool" in name for name in names_run(record)):
            return failed(SHAPE_RUNS_LAYERS())
        got = record["got"]
        shown = ", ".join(map(str, args))
        pair = tuple(got) if isinstance(got, tuple | list | torch.Size) else None
        if pair is None or len(pair) != 2 or not all(type(v) is int for v in pair):
            return failed(SHAPE_NOT_PAIR(args=shown, got=got))
        want = conv_pool_real(*args)
        if pair == want:
            continue
        message = SHAPE_WRONG
        for mistake, hint in SHAPE_MISTAKES:
            if pair == conv_pool_formula(args, **mistake):
                message = hint
                break
        conv = conv_pool_formula(args, pool=False)
        return failed(message(args=shown, got=pair, want=want, conv=conv))
    return passed(SHAPE_OK(n=len(settings)))


@exercise(SHAPE_TITLE, probe=probe_conv_pool_shape, judge=judge_conv_pool_shape)
def check_conv_pool_shape(conv_pool_shape: object) -> Verdict:
    """Exercise 1: ``conv_pool_shape(h, w, kernel_size, stride, padding, dilation, pool)``."""
    return judge_conv_pool_shape(probe_conv_pool_shape(conv_pool_shape))
