"""Exercise checks for chapter 06 (convolutional networks).

Each check is ``judge(probe(answer))``: the probe runs the learner's network (or reads the
saved file) and returns plain data, the judge compares it with the statement's reference.
The first edition's ``check_cnn_block`` is kept at the end (to move to ``legacy.py``).
"""

from __future__ import annotations

import copy
import os
import pickle
from pathlib import Path

import torch
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close, max_error
from .learner import (
    Crash,
    as_data,
    call_watched,
    expect_module,
    expect_tensor,
    forward_of,
    type_name,
)
from .verdict import Early, Ending, Stopped, Verdict, error_text, exercise, failed, passed, stop

# 1. The source material's Mynet ----------------------------------------------------

MYNET_TITLE = Message(ja="元の教材の Mynet を組み立てる", en="Rebuild the source material's Mynet")
MYNET_NOT_MODULE = Message(
    ja="model が nn.Module ではありません（{got} です）。nn.Sequential か nn.Module のクラスで作りましょう。",
    en="model is not an nn.Module (it is a {got}). Build it with nn.Sequential or an nn.Module class.",
)
MYNET_MISMATCH = Message(
    ja="64×64 の画像を通すと形が合わずにエラーになりました（{error}）。プーリング 4 回で 64×64 は 4×4 になるので、最初の全結合層の入力は 256×4×4 = 4096 です。",
    en="A 64×64 image does not fit ({error}). Four poolings take 64×64 to 4×4, so the first fully connected layer takes 256×4×4 = 4096 inputs.",
)
MYNET_SHAPE = Message(
    ja="出力の形が {got} です。画像 2 枚・10 クラスのロジットなので (2, 10) になります。",
    en="The output shape is {got}. Two images and 10 class logits give (2, 10).",
)
MYNET_LAYERS = Message(
    ja="{kind} が {got} 個あります（{want} 個のはずです）。段は 4 つで、各段は（畳み込み 3×3 → BatchNorm → ReLU）を 2 回と最大プーリング、最後に全結合層が 3 つです。",
    en="There are {got} {kind} layers ({want} expected): four stages, each (3×3 convolution → BatchNorm → ReLU) twice then max pooling, and three fully connected layers at the end.",
)
MYNET_COUNT = Message(
    ja="パラメータが {got:,} 個です（{want:,} 個のはずです）。チャンネル数は段ごとに 32・64・128・256、全結合層は 4096 → 512 → 512 → 10、畳み込みは padding=1 です。",
    en="It has {got:,} parameters ({want:,} expected). Channels per stage: 32, 64, 128, 256; fully connected 4096 → 512 → 512 → 10; convolutions with padding=1.",
)
MYNET_LAZY = Message(
    ja="nn.LazyLinear は入力の数を自動で決めてしまいます。この演習では、4 回のプーリングのあとの形から最初の全結合層の入力の数を自分で計算して、nn.Linear に書きます。",
    en="nn.LazyLinear works out its number of inputs for you. The exercise asks you to compute the first fully connected layer's inputs from the shape after the four poolings, and write it in nn.Linear.",
)
MYNET_AFTER_LAST = Message(
    ja="最後の全結合層のあとに {kind} があります。出力はロジットのまま返します（CrossEntropyLoss が softmax を含みます）。最後の層は nn.Linear(512, 10) です。",
    en="There is a {kind} after the last fully connected layer. Return the raw logits (CrossEntropyLoss includes the softmax): the network ends with nn.Linear(512, 10).",
)
MYNET_RELU_FIRST = Message(
    ja="ReLU が BatchNorm の前にあります。各段は 畳み込み → BatchNorm → ReLU の順です。",
    en="ReLU comes before BatchNorm. In each stage the order is convolution → BatchNorm → ReLU.",
)
MYNET_ORDER = Message(
    ja="層が実行される順番が問題文と違います。{place}が {got} ですが、問題文では {want} です。"
    "問題文の順番: 各段 = Conv → BatchNorm → ReLU → Conv → BatchNorm → ReLU → MaxPool（これを 4 段）、"
    "そのあと Linear → ReLU → Linear → ReLU → Linear。",
    en="The layers run in another order than the statement's. {place} is {got}, where the statement has {want}. "
    "The statement's order: each stage Conv → BatchNorm → ReLU → Conv → BatchNorm → ReLU → MaxPool "
    "(four stages), then Linear → ReLU → Linear → ReLU → Linear.",
)
MYNET_PLACE = Message(ja="第 {stage} 段の {n} 番目の層", en="Layer {n} of stage {stage}")
MYNET_HEAD_PLACE = Message(
    ja="全結合の部分の {n} 番目の層", en="Layer {n} of the fully connected part"
)
MYNET_END = Message(ja="（ここで終わり）", en="(the end)")
MYNET_VALUES = Message(
    ja="層の種類・順番・パラメータの数は合っていますが、同じ重みを入れても出力が問題文のネットワークと違います（最大の差 {error:.3g}）。"
    "各層の設定を見直しましょう: 畳み込みは 3×3・padding=1・stride=1、プーリングは 2×2（stride 2）です。",
    en="The kinds, order and parameter count of the layers are right, but with the same weights the output differs "
    "from the statement's network (largest difference {error:.3g}). Check each layer's options: 3×3 convolutions "
    "with padding=1 and stride 1, 2×2 max pooling (stride 2).",
)
MYNET_OK = Message(
    ja="出力 (2, 10)、パラメータ {n:,} 個。",
    en="Output (2, 10), {n:,} parameters.",
)
MYNET_CHANNELS = (32, 64, 128, 256)
# Torch functions a forward pass runs, by layer kind; the sequence of layers a model runs is
# read from these (nn.Sequential, a class, functional calls and tensor methods alike).
MYNET_KINDS = {
    "conv2d": "Conv2d",
    "batch_norm": "BatchNorm",
    "relu": "ReLU",
    "relu_": "ReLU",
    "max_pool2d": "MaxPool",
    "linear": "Linear",
    "matmul": "Linear",  # x @ W.T + b, written by hand
    "mm": "Linear",
    "addmm": "Linear",
}
# Other layers a learner may put in, shown under their own name.
OTHER_LAYERS = {
    *("conv1d", "conv3d", "conv_transpose2d", "avg_pool2d", "adaptive_avg_pool2d"),
    *("adaptive_max_pool2d", "lp_pool2d", "fractional_max_pool2d", "sigmoid", "tanh", "gelu"),
    *("silu", "elu", "selu", "celu", "leaky_relu", "relu6", "hardtanh", "softplus", "mish"),
    *("prelu", "rrelu", "softmax", "log_softmax", "dropout", "dropout2d", "alpha_dropout"),
    *("feature_alpha_dropout", "layer_norm", "group_norm", "instance_norm"),
    *("local_response_norm", "bilinear"),
}
STAGE = ("Conv2d", "BatchNorm", "ReLU", "Conv2d", "BatchNorm", "ReLU", "MaxPool")
HEAD = ("Linear", "ReLU", "Linear", "ReLU", "Linear")
MYNET_ORDER_WANT = STAGE * len(MYNET_CHANNELS) + HEAD
ACTIVATIONS = {"ReLU", "sigmoid", "tanh", "gelu", "silu", "elu", "selu", "leaky_relu", "softmax"}
ACTIVATIONS |= {"log_softmax", "relu6", "softplus", "mish", "celu", "hardtanh", "prelu"}


def reference_mynet() -> nn.Module:
    layers: list[nn.Module] = []
    c_in = 3
    for c_out in MYNET_CHANNELS:
        for c in (c_in, c_out):
            layers += [nn.Conv2d(c, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
        layers.append(nn.MaxPool2d(2))
        c_in = c_out
    head = [nn.Flatten(), nn.Linear(256 * 4 * 4, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU()]
    return nn.Sequential(*layers, *head, nn.Linear(512, 10))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def layer_kinds(functions: list[str]) -> list[str]:
    """The layers a forward pass ran, in order, from the torch functions it called."""
    layers = (name for name in functions if name in MYNET_KINDS or name in OTHER_LAYERS)
    return [MYNET_KINDS.get(name, name) for name in layers]


def set_by_shape(model: nn.Module) -> nn.Module:
    """Give every parameter and BatchNorm statistic values that depend on its shape only.

    Two networks that compute the same function with the same layers then give the same
    output, whatever order their layers were registered in.
    """
    with torch.no_grad():
        for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
            if not tensor.is_floating_point():
                continue
            seed = 7 + sum((31**i) * s for i, s in enumerate(tensor.shape)) % (2**31)
            g = torch.Generator().manual_seed(seed)
            values = torch.rand(tensor.shape, generator=g, dtype=torch.float64)
            if tensor.dim() > 1:  # weights: the scale of PyTorch's default init
                values = (values * 2 - 1) * (3.0 / tensor[0].numel()) ** 0.5
            elif name.endswith("running_var"):
                values = values + 0.5
            else:
                values = values - 0.5
            tensor.copy_(values.to(tensor.dtype))
    return model


MYNET_CRASHES = (
    Crash(RuntimeError, ("mat1 and mat2 shapes cannot be multiplied",), MYNET_MISMATCH),
)


def run_mynet(model: nn.Module, x: torch.Tensor, stub_of: object) -> tuple[object, list[str]]:
    """The learner's network on ``x`` in eval mode, and the torch functions it ran."""
    out, calls = call_watched(
        model.eval(), x, name="forward", crashes=MYNET_CRASHES, no_grad=True, stub_of=stub_of
    )
    return out, calls.sequence


def probe_mynet(model: object) -> dict[str, object]:
    """Run a copy of ``model`` on two 64×64 images: what it returns, runs and computes.

    The copy runs twice: as it is (the layers it runs, in order) and with every parameter
    set from its shape alone, as the reference is, so the outputs can be compared.
    """
    model = expect_module(model, MYNET_NOT_MODULE)
    lazy = any(isinstance(m, nn.LazyLinear) for m in model.modules())
    mine, stub_of = copy.deepcopy(model), forward_of(model)
    x = mynet_input()
    out, functions = run_mynet(mine, x, stub_of)
    if not isinstance(out, torch.Tensor):
        return {"lazy": lazy, "shape": None}
    kinds = (nn.Conv2d, nn.BatchNorm2d, nn.Linear)
    counts = {k.__name__: sum(isinstance(m, k) for m in mine.modules()) for k in kinds}
    got, _ = run_mynet(set_by_shape(mine), x, stub_of)
    return {
        "lazy": lazy,
        "shape": tuple(out.shape),
        "counts": counts,
        "order": tuple(layer_kinds(functions)),
        "parameters": count_parameters(mine),
        "by_shape": as_data(got),  # with every parameter set from its shape, as the judge's
    }  # reference is: the judge compares the two


def mynet_input() -> torch.Tensor:
    return torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))


def where(index: int) -> str:
    stage, n = divmod(index, len(STAGE))
    if stage < len(MYNET_CHANNELS):
        return MYNET_PLACE(stage=stage + 1, n=n + 1)
    return MYNET_HEAD_PLACE(n=index - len(STAGE) * len(MYNET_CHANNELS) + 1)


def relu_before_bn(order: tuple[str, ...]) -> tuple[str, ...]:
    """``order`` with every BatchNorm → ReLU pair the other way round."""
    swapped = list(order)
    for i in range(len(swapped) - 1):
        if swapped[i : i + 2] == ["BatchNorm", "ReLU"]:
            swapped[i : i + 2] = ["ReLU", "BatchNorm"]
    return tuple(swapped)


def ends_with_activation(order: tuple[str, ...]) -> bool:
    extra = order[len(MYNET_ORDER_WANT) :]
    return order[: len(MYNET_ORDER_WANT)] == MYNET_ORDER_WANT and extra[:1] in {
        (a,) for a in ACTIVATIONS
    }


# Orders recognised as one typical mistake, tried in turn; any other order is shown
# beside the statement's, at the first layer where they part.
ORDER_MISTAKES = (
    (ends_with_activation, lambda order: MYNET_AFTER_LAST(kind=order[len(MYNET_ORDER_WANT)])),
    (lambda order: order == relu_before_bn(MYNET_ORDER_WANT), lambda order: MYNET_RELU_FIRST()),
)


def order_verdict(order: tuple[str, ...]) -> Verdict | None:
    """The hint for a network whose layers differ from the statement's in order or kind."""
    want = MYNET_ORDER_WANT
    if order == want:
        return None
    for recognised, hint in ORDER_MISTAKES:
        if recognised(order):
            return failed(hint(order))
    pairs = zip(order, want, strict=False)
    index = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(order), len(want)))
    got = order[index] if index < len(order) else MYNET_END()
    wanted = want[index] if index < len(want) else MYNET_END()
    return failed(MYNET_ORDER(place=where(min(index, len(want) - 1)), got=got, want=wanted))


def judge_mynet(probe: dict[str, object]) -> Verdict:
    if probe["shape"] != (2, 10):
        return failed(MYNET_SHAPE(got=probe["shape"] or ()))
    if probe["lazy"]:
        return failed(MYNET_LAZY())
    reference = reference_mynet()
    counts: dict[str, int] = probe["counts"]  # type: ignore[assignment]
    for kind in (nn.Conv2d, nn.BatchNorm2d, nn.Linear):
        want = sum(isinstance(m, kind) for m in reference.modules())
        if counts[kind.__name__] != want:
            return failed(MYNET_LAYERS(kind=kind.__name__, got=counts[kind.__name__], want=want))
    if (verdict := order_verdict(probe["order"])) is not None:  # type: ignore[arg-type]
        return verdict
    if probe["parameters"] != (want := count_parameters(reference)):
        return failed(MYNET_COUNT(got=probe["parameters"], want=want))
    got = expect_tensor(probe["by_shape"])
    with torch.no_grad():  # the reference runs here, in the judge, never in the probe
        want = set_by_shape(reference).eval()(mynet_input())
    if got.shape != want.shape or not bool(torch.isfinite(got).all()):
        return failed(MYNET_VALUES(error=float("inf")))
    if (difference := max_error(got, want)) > 1e-4:
        return failed(MYNET_VALUES(error=difference))
    return passed(MYNET_OK(n=probe["parameters"]))


@exercise(MYNET_TITLE, probe=probe_mynet, judge=judge_mynet)
def check_mynet(model: object) -> Verdict:
    """Exercise 1: the source's Mynet for 64×64 RGB images: its layers in the statement's
    order and kind, its parameter count, and the statement's function with the same weights."""
    return judge_mynet(probe_mynet(model))


# 2. Probabilities for predictions ---------------------------------------------------

PROBS_TITLE = Message(ja="予測の確率", en="Prediction probabilities")
PROBS_NOT_TENSOR = Message(
    ja="probs が {got} です。モデルの出力に softmax をかけたテンソルを入れましょう。",
    en="probs is a {got}. Store the model's output passed through softmax (a tensor).",
)
PROBS_SHAPE = Message(
    ja="probs の形が {got} です。画像 1 枚につき 10 クラス分、形は {want} です。",
    en="probs has shape {got}; one row of 10 classes per image gives {want}.",
)
PROBS_NO_SOFTMAX = Message(
    ja="各行の合計が 1 になっていません（1 行目の合計 {total:.3f}）。logits を torch.softmax(logits, dim=1) で確率にしましょう。",
    en="The rows do not sum to 1 (row 0 sums to {total:.3f}). Turn logits into probabilities with torch.softmax(logits, dim=1).",
)
PROBS_WRONG_DIM = Message(
    ja="確率は行ごとではなく列ごとに正規化されています。softmax は dim=1（クラスの軸）でかけます。",
    en="The probabilities are normalised per column, not per row. Apply softmax over dim=1 (the class axis).",
)
PROBS_NO_EVAL = Message(
    ja="確率が、評価モードで計算したものと違います。予測の前に model.eval() を呼びましょう"
    "（BatchNorm が学習中の統計ではなく、覚えた平均と分散を使うようになります）。",
    en="The probabilities differ from those of evaluation mode. Call model.eval() before predicting "
    "(BatchNorm then uses its stored mean and variance, not the batch's).",
)
PROBS_OTHER_MODEL = Message(
    ja="model が演習のモデル（Conv2d → BatchNorm → ReLU → Flatten → Linear）ではなくなっています。model を作るセルを実行し直しましょう。",
    en="model is no longer the exercise's model (Conv2d → BatchNorm → ReLU → Flatten → Linear). Run the cell that builds model again.",
)
PROBS_OTHER_IMAGES = Message(
    ja="images の形が {got} です。演習の images（形 (8, 1, 28, 28)）のまま渡しましょう。images を作るセルを実行し直すと戻ります。",
    en="images has the shape {got}. Pass the exercise's images, of shape (8, 1, 28, 28); running the cell that makes images restores them.",
)
PROBS_OK = Message(
    ja="{n} 枚の確率が合っています。1 枚目の予測は {pred}（{prob:.1%}）です。",
    en="The probabilities of all {n} images match. Image 0 is predicted as {pred} ({prob:.1%}).",
)


PROBS_STATS_CHANGED = Message(
    ja="model の BatchNorm が覚えている統計（running_mean と running_var）が、演習のセルで作ったときから変わっています"
    "（num_batches_tracked = {batches}）。学習モードのまま model(...) を呼ぶと、予測のつもりでも統計が書き換わります。"
    "model を作るセルを実行し直してから、最初に model.eval() を呼びましょう。",
    en="The statistics model's BatchNorm keeps (running_mean and running_var) have changed since the exercise cell "
    "built it (num_batches_tracked = {batches}). Calling model(...) in training mode rewrites them, even for a "
    "prediction. Run the cell that builds model again, then call model.eval() first.",
)
PROBS_WRONG = Message(
    ja="probs が、評価モードのロジットに softmax をかけたものと違います（最大の差 {error:.3g}。1 枚目: {got}、正しくは {want}）。",
    en="probs differs from the softmax of the evaluation-mode logits (largest difference {error:.3g}; "
    "image 0: {got}, expected {want}).",
)


STATEMENT_MEAN, STATEMENT_VAR = 0.5, 2.0  # the BatchNorm statistics the statement fills in


def filled(stat: object, value: float) -> bool:
    """Whether a BatchNorm statistic holds ``value`` everywhere."""
    return isinstance(stat, torch.Tensor) and bool((stat == value).all())


def exercise_model() -> nn.Module:
    """The small model of exercises 2 and 3, as their statement builds it (weights aside)."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 26 * 26, 10)
    )


def state_of(model: nn.Module) -> dict[str, torch.Tensor]:
    return {key: value.detach().clone() for key, value in model.state_dict().items()}


def shapes_of(state: dict[str, torch.Tensor]) -> dict[str, tuple[int, ...]]:
    return {key: tuple(value.shape) for key, value in state.items()}


def probe_probabilities(model: object, images: object, probs: object) -> dict[str, object]:
    """The learner's ``probs``, the weights and statistics of ``model`` and the ``images``.

    The judge rebuilds the exercise's model from these weights and computes each way of
    getting the probabilities itself."""
    got = expect_tensor(probs, PROBS_NOT_TENSOR)
    model = expect_module(model)
    state = state_of(model)
    if shapes_of(state) != shapes_of(exercise_model().state_dict()):
        raise stop(PROBS_OTHER_MODEL)
    images = expect_tensor(images)
    if images.ndim != 4 or tuple(images.shape[1:]) != (1, 28, 28) or len(images) == 0:
        raise stop(PROBS_OTHER_IMAGES, got=tuple(images.shape))
    return {"got": got.detach().clone(), "state": state, "images": images.detach().float()}


def judge_probabilities(probe: dict[str, object]) -> Verdict:
    model, images = exercise_model(), expect_tensor(probe["images"])
    model.load_state_dict(probe["state"])  # type: ignore[arg-type]  # strict: else unreadable
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    batches = sum(int(m.num_batches_tracked or 0) for m in norms)
    # The statement fills the statistics (0.5, 2.0); a count sent as 0 does not hide others.
    moved = not all(
        filled(m.running_mean, STATEMENT_MEAN) and filled(m.running_var, STATEMENT_VAR)
        for m in norms
    )
    with torch.no_grad():
        logits = copy.deepcopy(model).eval()(images)
        train_mode = torch.softmax(copy.deepcopy(model).train()(images), dim=1)
    got = expect_tensor(probe["got"]).to(logits.dtype)
    want = logits.softmax(dim=1)  # over the classes, in eval mode
    if got.shape != want.shape:
        return failed(PROBS_SHAPE(got=tuple(got.shape), want=tuple(want.shape)))
    if close(got, train_mode, atol=1e-5) and not close(got, want, atol=1e-5):
        return failed(PROBS_NO_EVAL())
    if batches or moved:  # forward passes BatchNorm counted in training mode
        return failed(PROBS_STATS_CHANGED(batches=batches))
    if close(got, want, atol=1e-5):
        best, pred = want[0].max(dim=0)
        return passed(PROBS_OK(n=len(want), pred=pred.item(), prob=best.item()))
    if close(got, logits.softmax(dim=0), atol=1e-5):
        return failed(PROBS_WRONG_DIM())
    if not close(got.sum(dim=1), torch.ones(len(got)), atol=1e-3):
        return failed(PROBS_NO_SOFTMAX(total=got[0].sum().item()))
    error = max_error(got, want)
    return failed(PROBS_WRONG(error=error, got=row(got[0]), want=row(want[0])))


def row(values: torch.Tensor) -> str:
    return "[" + ", ".join(f"{v:.3f}" for v in values[:4].tolist()) + ", …]"


@exercise(PROBS_TITLE, probe=probe_probabilities, judge=judge_probabilities)
def check_probabilities(model: nn.Module, images: torch.Tensor, probs: object) -> Verdict:
    """Exercise 2: ``probs`` = softmax of ``model``'s output in eval mode, one row per image,
    with BatchNorm's stored statistics untouched (no forward pass in training mode first)."""
    return judge_probabilities(probe_probabilities(model, images, probs))


# 3. A checkpoint that can resume training ------------------------------------------------

CKPT_TITLE = Message(ja="チェックポイントの保存", en="Saving a checkpoint")
CKPT_NO_FILE = Message(
    ja="{path} にはまだファイルがありません。チェックポイントの辞書を torch.save で保存しましょう（1 つ目の引数が保存するもの、2 つ目が保存先の path です）。",
    en="There is no file at {path} yet. Save the checkpoint dict with torch.save (first argument: what to save; second: where to save it, path).",
)
CKPT_NOT_A_PATH = Message(
    ja="path にはファイルの場所（str か Path）を渡してください（渡されたのは {got} です）。",
    en="path must be a file location (a str or Path) (got a {got}).",
)
CKPT_PICKLED_MODEL = Message(
    ja="モデルそのもの（またはテンソル以外のもの）を pickle で保存しているため、weights_only=True で読み込めません。"
    "保存するのは model.state_dict() と optimizer.state_dict() です（{error}）。",
    en="The file holds a pickled model (or something else that is not tensors), so it does not load "
    "with weights_only=True. Save model.state_dict() and optimizer.state_dict() instead ({error}).",
)
CKPT_KEYS = Message(
    ja="'model' の state_dict がこのモデルと合いません（足りないキー: {missing}、余分なキー: {unexpected}）。"
    "このモデルの model.state_dict() をそのまま保存しましょう。",
    en="'model' does not fit this model (missing keys: {missing}; unexpected keys: {unexpected}). "
    "Save this model's model.state_dict() as it is.",
)
CKPT_SHAPES = Message(
    ja="'model' の {key} の形が {got} ですが、このモデルでは {want} です。このモデルの model.state_dict() を保存しましょう。",
    en="'model' has {key} of shape {got}, but this model's is {want}. Save this model's model.state_dict().",
)
CKPT_NOT_DICT = Message(
    ja="保存されているのが dict ではありません（{got}）。{{'model': ..., 'optimizer': ..., 'epoch': ...}} の形にしましょう。",
    en="The file does not hold a dict (it holds a {got}). Save {{'model': ..., 'optimizer': ..., 'epoch': ...}}.",
)
CKPT_MISSING = Message(
    ja="キー {missing} がありません。学習を再開するには model・optimizer の state_dict と epoch の 3 つが要ります。",
    en="Key(s) {missing} missing. Resuming needs the model's and optimizer's state_dict and the epoch.",
)
CKPT_OPTIMIZER = Message(
    ja="'optimizer' が optimizer.state_dict() になっていません（'state' と 'param_groups' がありません）。",
    en="'optimizer' is not an optimizer.state_dict() (no 'state' and 'param_groups').",
)
CKPT_MODEL = Message(
    ja="'model' の state_dict を model.load_state_dict で読み込めませんでした: {error}",
    en="model.load_state_dict could not load 'model': {error}",
)
CKPT_EPOCH = Message(
    ja="'epoch' が {got!r} です。終わったエポック数を int で保存しましょう。",
    en="'epoch' is {got!r}; save the number of finished epochs as an int.",
)
CKPT_EPOCH_COUNT = Message(
    ja="'epoch' が {got!r} です。2 エポック学習し終えたところなので、終わったエポック数の 2 を保存します（第5章と同じく、再開は epoch + 1 から）。",
    en="'epoch' is {got!r}. Two epochs are finished, so save 2, the number of finished epochs (as in chapter 5, training resumes at epoch + 1).",
)
FINISHED_EPOCHS = 2  # what the exercise text says has been trained
CKPT_OK = Message(
    ja="モデルと optimizer の状態、epoch={epoch} を読み込めました。ここから学習を再開できます。",
    en="Loaded the model, the optimizer state and epoch={epoch}: training can resume from here.",
)


KEYS = ("model", "optimizer", "epoch")


def probe_checkpoint(path: object, model: object) -> dict[str, object]:
    """What the file at ``path`` holds (the judge loads its ``'model'`` into the exercise's
    model itself)."""
    if not isinstance(path, str | os.PathLike):
        raise stop(CKPT_NOT_A_PATH, got=type_name(path))
    if not Path(path).is_file():  # the untouched stub saves nothing
        raise Stopped(Early(Ending.STUB, message=CKPT_NO_FILE, fmt={"path": str(path)}))
    expect_module(model)
    try:
        checkpoint = torch.load(path, weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, AttributeError) as error:
        return {"unpickled": error_text(error, 120)}
    return {"unpickled": "", "saved": as_data(checkpoint)}


def state_dict_verdict(saved: object, want: dict[str, tuple[int, ...]]) -> Verdict | None:
    """A hint naming the keys or shapes that differ from the model's state_dict; else None."""
    if not isinstance(saved, dict):
        return None  # load_state_dict says what it expected
    missing, unexpected = sorted(want.keys() - saved.keys()), sorted(saved.keys() - want.keys())
    if missing or unexpected:
        shown = {
            "missing": ", ".join(missing[:4]) or "-",
            "unexpected": ", ".join(unexpected[:4]) or "-",
        }
        return failed(CKPT_KEYS(**shown))
    for key, shape in want.items():
        got = getattr(saved[key], "shape", None)
        if got is not None and tuple(got) != shape:
            return failed(CKPT_SHAPES(key=key, got=tuple(got), want=shape))
    return None


def judge_checkpoint(probe: dict[str, object]) -> Verdict:
    if probe["unpickled"]:
        return failed(CKPT_PICKLED_MODEL(error=probe["unpickled"]))
    checkpoint = probe["saved"]
    if not isinstance(checkpoint, dict):
        return failed(CKPT_NOT_DICT(got=type_name(checkpoint)))
    missing = [k for k in KEYS if k not in checkpoint]
    if missing:
        return failed(CKPT_MISSING(missing=", ".join(repr(k) for k in missing)))
    optimizer = checkpoint["optimizer"]
    if not isinstance(optimizer, dict) or not {"state", "param_groups"} <= optimizer.keys():
        return failed(CKPT_OPTIMIZER())
    model = exercise_model()  # the judge's own: the one the file must load into
    if (verdict := state_dict_verdict(checkpoint["model"], shapes_of(state_of(model)))) is not None:
        return verdict
    try:
        model.load_state_dict(checkpoint["model"])
    except (RuntimeError, TypeError, AttributeError, ValueError) as error:
        return failed(CKPT_MODEL(error=error_text(error)))
    epoch = unwrap_number(checkpoint["epoch"])
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        return failed(CKPT_EPOCH(got=epoch))
    if epoch != FINISHED_EPOCHS:
        return failed(CKPT_EPOCH_COUNT(got=epoch))
    return passed(CKPT_OK(epoch=epoch))


@exercise(CKPT_TITLE, probe=probe_checkpoint, judge=judge_checkpoint)
def check_checkpoint(path: object, model: nn.Module) -> Verdict:
    """Exercise 3: ``path`` holds ``{"model", "optimizer", "epoch"}`` loadable into ``model``."""
    return judge_checkpoint(probe_checkpoint(path, model))


# Chapter 06: a conv-BN-ReLU-pool block ------------------------------------------

BLOCK_TITLE = Message(ja="畳み込みブロック", en="A convolution block")
BLOCK_NOT_MODULE = Message(
    ja="block が nn.Module ではありません（{got} です）。nn.Sequential(...) で組み立てましょう。",
    en="block is not an nn.Module (it is a {got}). Build it with nn.Sequential(...).",
)
BLOCK_NOT_TENSOR = Message(
    ja="block(x) がテンソルではなく {got} を返しました。forward は層を通した結果のテンソルを返します。",
    en="block(x) returned a {got}, not a tensor. forward returns the tensor that comes out of the layers.",
)
BLOCK_NO_PADDING = Message(
    ja="出力の形が {got} です。3×3 の畳み込みで大きさを保つには padding=1 が要ります。",
    en="The output shape is {got}. A 3×3 convolution keeps the size only with padding=1.",
)
BLOCK_NO_POOL = Message(
    ja="出力の形が {got} で、縦横が半分になっていません。最後に nn.MaxPool2d(2) を入れましょう。",
    en="The output shape is {got}: height and width are not halved. End with nn.MaxPool2d(2).",
)
BLOCK_CHANNELS = Message(
    ja="出力の形が {got} です。チャンネル数は 16 → 32 にします（nn.Conv2d(16, 32, ...) と nn.BatchNorm2d(32)）。",
    en="The output shape is {got}. Channels go 16 → 32 (nn.Conv2d(16, 32, ...) and nn.BatchNorm2d(32)).",
)
BLOCK_SHAPE = Message(
    ja="出力の形が {got} ですが、(N, 32, 14, 14) になるはずです。",
    en="The output shape is {got}, but it should be (N, 32, 14, 14).",
)
BLOCK_NO_BN = Message(
    ja="nn.BatchNorm2d が見つかりません。畳み込みの直後に nn.BatchNorm2d(32) を入れましょう。",
    en="No nn.BatchNorm2d found. Put nn.BatchNorm2d(32) right after the convolution.",
)
BLOCK_NEGATIVE = Message(
    ja="出力に負の値があります。ReLU の後でプーリングすれば、出力はすべて 0 以上になります。",
    en="The output has negative values. With ReLU before the pooling, every output is ≥ 0.",
)
BLOCK_ORDER = Message(
    ja="層の順番が Conv → BatchNorm → ReLU → MaxPool になっていません（いまは {order}）。",
    en="The layers are not in the order Conv → BatchNorm → ReLU → MaxPool (now {order}).",
)
BLOCK_OK = Message(
    ja="(N, 16, 28, 28) → {got}、パラメータ {params} 個です。",
    en="(N, 16, 28, 28) → {got}, {params} parameters.",
)
# Torch functions a forward pass runs, by layer: seen at run time, so nn.Sequential, a
# module of one's own, functional calls and lazy layers (nn.LazyConv2d) all count.
KINDS = {"conv": "Conv", "batch_norm": "BatchNorm", "relu": "ReLU", "max_pool": "MaxPool"}


def block_layers(functions: list[str]) -> list[str]:
    return [kind for name in functions for key, kind in KINDS.items() if key in name]


def probe_cnn_block(block: object) -> dict[str, object]:
    """The block's output on 4 feature maps (N, 16, 28, 28), the layers it ran, its size."""
    block = expect_module(block, BLOCK_NOT_MODULE)
    probe = copy.deepcopy(block).train()
    x = torch.randn(4, 16, 28, 28, generator=torch.Generator().manual_seed(0))
    out, calls = call_watched(probe, x, name="forward", no_grad=True, stub_of=forward_of(block))
    count = sum(p.numel() for p in probe.parameters())  # probe: lazy layers are materialised
    return {"out": as_data(out), "order": block_layers(calls.sequence), "params": count}


def judge_cnn_block(probe: dict[str, object]) -> Verdict:
    out, order = probe["out"], probe["order"]
    if not isinstance(out, torch.Tensor):
        return failed(BLOCK_NOT_TENSOR(got=type_name(out)))
    got = tuple(out.shape)
    if got[2:] in ((13, 13), (26, 26)):
        return failed(BLOCK_NO_PADDING(got=got))
    if got[2:] == (28, 28):
        return failed(BLOCK_NO_POOL(got=got))
    if got[1:2] != (32,):
        return failed(BLOCK_CHANNELS(got=got))
    if got != (4, 32, 14, 14):
        return failed(BLOCK_SHAPE(got=got))
    if "BatchNorm" not in order:  # type: ignore[operator]
        return failed(BLOCK_NO_BN())
    if order != ["Conv", "BatchNorm", "ReLU", "MaxPool"]:
        return failed(BLOCK_ORDER(order=" → ".join(order)))  # type: ignore[arg-type]
    if (out < 0).any():
        return failed(BLOCK_NEGATIVE())
    return passed(BLOCK_OK(got=got, params=probe["params"]))


@exercise(BLOCK_TITLE, probe=probe_cnn_block, judge=judge_cnn_block)
def check_cnn_block(block: object) -> Verdict:
    """First edition's exercise 1 of chapter 06: (N, 16, 28, 28) → (N, 32, 14, 14) with
    Conv-BN-ReLU-MaxPool.

    The second edition asks for ``check_mynet`` instead.
    """
    return judge_cnn_block(probe_cnn_block(block))
