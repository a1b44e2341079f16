"""``check_conv2d``: a hand-written convolution against ``torch.nn.functional.conv2d``.

Targeted cases come first (plain, bias, padding, stride, dilation, groups) so that the
first failure names the feature; random mixed cases and gradients follow.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..._i18n import Message
from ..compare import close, max_error
from ..guard import run_watched
from ..verdict import Verdict, error_text, failed, passed
from .common import CONV_TOL, homework

TITLE = Message(ja="課題 8.5・8.6: conv2d", en="Tasks 8.5–8.6: conv2d")
NOT_CALLABLE = Message(
    ja="関数 conv2d そのものを渡してください（渡されたのは {got} です）。",
    en="Pass the function conv2d itself (got {got}).",
)
CASE = Message(ja="条件: {case}", en="Case: {case}")
HINTS = {
    "plain": Message(
        ja="基本の畳み込みが違います: out[n,o,i,j] = Σ_c Σ_a Σ_b x[n,c,i+a,j+b]·w[o,c,a,b] です（カーネルは反転しません）。",
        en="The plain convolution is off: out[n,o,i,j] = Σ_c Σ_a Σ_b x[n,c,i+a,j+b]·w[o,c,a,b] (the kernel is not flipped).",
    ),
    "bias": Message(
        ja="bias の足し方が違います: 出力チャンネル o のすべての位置に bias[o] を足します。",
        en="The bias is added wrongly: add bias[o] at every position of output channel o.",
    ),
    "padding": Message(
        ja="padding が違います: 上下左右すべてに p 個ずつ 0 を足してから窓を動かします。",
        en="Padding is off: add p zeros on every side (top, bottom, left, right) before sliding.",
    ),
    "stride": Message(
        ja="stride が違います: 窓 (i, j) の左上は入力の (i·s, j·s) です。",
        en="Stride is off: window (i, j) starts at (i·s, j·s) in the input.",
    ),
    "dilation": Message(
        ja="dilation が効いていません: カーネルの要素は d 画素おきに x[.., i·s + a·d, j·s + b·d] を見ます。",
        en="Dilation is ignored: kernel taps are d pixels apart, reading x[.., i·s + a·d, j·s + b·d].",
    ),
    "groups": Message(
        ja="groups が違います: 各グループの出力チャンネルは、そのグループの入力チャンネルだけを見ます（出力 o はグループ o // (C_out/groups)）。",
        en="Groups are off: each group's output channels should see only its input channels (output o belongs to group o // (C_out/groups)).",
    ),
    "mixed": Message(
        ja="単独では合うのに、組み合わせると違います。",
        en="Each option works alone but not in combination.",
    ),
}
FLIPPED = Message(
    ja="カーネルが上下左右に反転しています。PyTorch の conv2d は相互相関で、x[n,c,i+a,j+b]·w[o,c,a,b] のようにカーネルを反転せずに掛けます。",
    en="The kernel is flipped. PyTorch's conv2d is a cross-correlation: it multiplies x[n,c,i+a,j+b]·w[o,c,a,b] without flipping the kernel.",
)
RAISED = Message(
    ja="{hint} この条件で conv2d がエラーになりました（{error}）。",
    en="{hint} Your conv2d raised an error in this case ({error}).",
)
GRAD_RAISED = Message(
    ja="入力が requires_grad=True のとき、conv2d がエラーになりました。conv2d の中の .numpy() や .item() は、そのようなテンソルには使えず、計算グラフも切れます。torch の演算だけで書きましょう（{error}）。",
    en="Your conv2d raised an error when its inputs require grad: .numpy() or .item() inside conv2d do not work on such tensors and cut the graph. Use torch operations only ({error}).",
)
RETURNED_NONE = Message(
    ja="conv2d が None を返しました。最後に return を書き忘れていませんか？",
    en="conv2d returned None: did you forget `return`?",
)
USES_TORCH_CONV = Message(
    ja="conv2d の中で PyTorch の畳み込み（F.conv2d、nn.Conv2d、torch.conv2d など）を呼んでいます。この課題では、ループ（8.5）や unfold と行列積（8.6）で自分で計算します。",
    en="conv2d calls PyTorch's own convolution (F.conv2d, nn.Conv2d, torch.conv2d, ...). This task asks you to compute it yourself, with loops (8.5) or unfold and a matrix product (8.6).",
)
SHAPE = Message(
    ja="出力の形が {got} ですが {want} のはずです。出力の大きさは (H + 2p − d(k−1) − 1)//s + 1 です。",
    en="The output has shape {got}, expected {want}. Output size: (H + 2p − d(k−1) − 1)//s + 1.",
)
DTYPE = Message(
    ja="出力の dtype が {got} ですが、入力は {want} です。新しいテンソルは x.new_zeros(...) などで入力に合わせて作りましょう。",
    en="The output is {got} but the input is {want}. Create new tensors to match, e.g. x.new_zeros(...).",
)
NO_GRAD = Message(
    ja="{name}.grad が None です: conv2d の中で .numpy() / .item() / .detach() などを使うと計算グラフが切れます。torch の演算だけで書きましょう。",
    en="{name}.grad is None: .numpy(), .item() or .detach() inside conv2d cut the graph. Use torch operations only.",
)
WRONG_GRAD = Message(
    ja="順伝播は合うのに {name} の勾配が違います（最大誤差 {error:.2g}）。途中で値を上書きしていませんか。",
    en="The forward matches but the gradient for {name} does not (largest error {error:.2g}). Is a value overwritten in place?",
)
SLOPE = Message(
    ja="自動微分の勾配が、差分（数値微分）と合いません（torch.autograd.gradcheck）。",
    en="The autograd gradient disagrees with finite differences (torch.autograd.gradcheck).",
)
LOOPS = Message(
    ja="conv2d は、出力が {small} 個の位置の画像で torch の演算を {few} 回、{large} 個の位置の画像で {many} 回実行しました。"
    "窓ごとにループしています。課題 8.6 では、F.unfold で窓を列に並べ、行列積 1 回（グループごとに 1 回）で計算します。",
    en="conv2d ran {few} torch operations for an output of {small} positions and {many} for one of {large}: "
    "it loops over the windows. Task 8.6 lays the windows out as columns with F.unfold and does one matrix "
    "product (one per group).",
)
DONE = Message(
    ja="{cases} 通りの条件で F.conv2d と一致し、勾配も autograd・差分と一致しました。",
    en="Matches F.conv2d on {cases} cases; gradients agree with autograd and finite differences.",
)
# A 3×2 kernel in every targeted case, so a flipped or transposed kernel shows at once, and
# two channels per group in the groups case, so mixing up the groups shows there.
TARGETED = {
    "plain": {"kernel": (3, 2)},
    "bias": {"bias": True, "kernel": (3, 2)},
    "padding": {"padding": 2, "kernel": (3, 2)},
    "stride": {"stride": 2, "kernel": (3, 2)},
    "dilation": {"dilation": 2, "kernel": (3, 2)},
    "groups": {"groups": 2, "kernel": (3, 2), "channels": (2, 2)},
}


def draw_case(rng: np.random.Generator, **fixed: object) -> dict:
    kernel, channels = fixed.pop("kernel", None), fixed.pop("channels", None)
    case = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": False, **fixed}
    groups, (ci, co, kh, kw) = case["groups"], (int(v) for v in rng.integers(1, 4, size=4))
    kh, kw = kernel or (kh, kw)
    ci, co = channels or (ci, co)
    reach = case["dilation"] * (max(kh, kw) - 1) + 1 - 2 * case["padding"]
    h, w = (int(v) for v in rng.integers(max(1, reach), max(1, reach) + 4, size=2))
    case["x"] = torch.tensor(rng.normal(size=(int(rng.integers(1, 3)), groups * ci, h, w)))
    case["weight"] = torch.tensor(rng.normal(size=(groups * co, ci, kh, kw)))
    case["bias"] = torch.tensor(rng.normal(size=groups * co)) if case["bias"] else None
    return case


def random_case(rng: np.random.Generator) -> dict:
    options = {k: int(rng.integers(1, 4)) for k in ("stride", "dilation", "groups")}
    return draw_case(rng, padding=int(rng.integers(0, 3)), bias=bool(rng.integers(0, 2)), **options)


def describe(case: dict) -> str:
    shown = {k: v for k, v in case.items() if k not in ("x", "weight", "bias")}
    return f"x {tuple(case['x'].shape)}, weight {tuple(case['weight'].shape)}, " + ", ".join(
        f"{k}={v}" for k, v in {**shown, "bias": case["bias"] is not None}.items()
    )


class UsedTorchConv(Exception):
    """The answer ran one of PyTorch's convolution operators."""


def call(conv2d, case: dict, x=None, weight=None, bias=None):
    options = {k: case[k] for k in ("stride", "padding", "dilation", "groups")}
    args = (case["x"] if x is None else x, case["weight"] if weight is None else weight)
    bias = case["bias"] if bias is None else bias
    if conv2d is F.conv2d:
        return conv2d(*args, bias, **options)
    out, calls = run_watched(conv2d, *args, bias, **options)
    if calls.used_convolution:
        raise UsedTorchConv
    return out


def forward_verdict(conv2d, case: dict, feature: str) -> Verdict | None:
    want = call(F.conv2d, case)
    where = CASE(case=describe(case))
    try:
        got = call(conv2d, case)
    except (UsedTorchConv, NotImplementedError):
        raise
    except Exception as error:  # the learner's conv2d: name the case it fails on
        return failed(RAISED(hint=HINTS[feature](), error=error_text(error, 120)), where)
    if got is None:
        return failed(RETURNED_NONE(), where)
    if tuple(got.shape) != tuple(want.shape):
        return failed(SHAPE(got=tuple(got.shape), want=tuple(want.shape)), where)
    if got.dtype != want.dtype:
        return failed(DTYPE(got=got.dtype, want=want.dtype), where)
    if not close(
        got.detach().numpy(), want.numpy(), rtol=CONV_TOL, atol=CONV_TOL, relative_to="largest"
    ):
        flipped = call(F.conv2d, {**case, "weight": case["weight"].flip(-2, -1)})
        if close(
            got.detach().numpy(),
            flipped.numpy(),
            rtol=CONV_TOL,
            atol=CONV_TOL,
            relative_to="largest",
        ):
            return failed(FLIPPED(), where)
        return failed(HINTS[feature](), where)
    return None


def gradient_verdict(conv2d, case: dict, rng: np.random.Generator) -> Verdict | None:
    names = ("x", "weight", "bias") if case["bias"] is not None else ("x", "weight")
    grads = []
    for fn in (conv2d, F.conv2d):
        leaves = {n: case[n].clone().requires_grad_() for n in names}
        try:
            out = call(fn, case, **leaves)
        except (UsedTorchConv, NotImplementedError):
            raise
        except Exception as error:  # e.g. .numpy() on a tensor that requires grad
            return failed(GRAD_RAISED(error=error_text(error, 120)), CASE(case=describe(case)))
        if not out.requires_grad:
            return failed(NO_GRAD(name="x"), CASE(case=describe(case)))
        weights = torch.tensor(np.random.default_rng(0).normal(size=tuple(out.shape)))
        (out * weights).sum().backward()
        grads.append([leaves[n].grad for n in names])
    for name, mine, ref in zip(names, *grads, strict=True):
        if mine is None:
            return failed(NO_GRAD(name=name), CASE(case=describe(case)))
        if not close(
            mine.numpy(), ref.numpy(), rtol=CONV_TOL, atol=CONV_TOL, relative_to="largest"
        ):
            error = max_error(mine.numpy(), ref.numpy())
            return failed(WRONG_GRAD(name=name, error=error), CASE(case=describe(case)))
    return None


def operations(conv2d, size: int) -> tuple[int, int]:
    """How many torch functions ``conv2d`` runs on a ``size``×``size`` image, and its outputs."""
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.normal(size=(2, 4, size, size)))
    weight = torch.tensor(rng.normal(size=(6, 2, 3, 3)))
    _, calls = run_watched(conv2d, x, weight, None, stride=1, padding=1, dilation=1, groups=2)
    return len(calls.sequence), size * size


def loops_verdict(conv2d) -> Verdict | None:
    """LOOPS when the number of torch operations grows with the number of windows."""
    (few, small), (many, large) = operations(conv2d, 4), operations(conv2d, 8)
    if many > few:
        return failed(LOOPS(few=few, small=small, many=many, large=large))
    return None


@homework(TITLE)
def check_conv2d(conv2d, unfold: bool = False) -> Verdict:
    """Compare ``conv2d(x, weight, bias, stride, padding, dilation, groups)`` with PyTorch's.

    Every call of the answer runs under ``watch()``: one that reaches PyTorch's convolution
    operators in any spelling (``F.conv2d``, ``nn.Conv2d``, ``torch.ops.aten.convolution``)
    fails, since the task is to compute the convolution by hand. With ``unfold=True`` (task
    8.6) a ``conv2d`` whose number of torch operations grows with the number of windows (a
    loop over them) fails too.
    """
    if not callable(conv2d):
        return failed(NOT_CALLABLE(got=type(conv2d).__name__))
    try:
        verdict = compare_with_torch(conv2d)
        looped = loops_verdict(conv2d) if verdict and unfold else None
        return verdict if looped is None else looped  # a ✗ verdict is falsy: no `or`
    except UsedTorchConv:
        return failed(USES_TORCH_CONV())


def compare_with_torch(conv2d) -> Verdict:
    rng = np.random.default_rng(2)
    cases = [(feature, draw_case(rng, **fixed)) for feature, fixed in TARGETED.items()]
    cases += [("mixed", random_case(rng)) for _ in range(10)]
    for feature, case in cases:
        verdict = forward_verdict(conv2d, case, feature)
        if verdict is not None:
            return verdict
    for _, case in cases[-3:]:
        verdict = gradient_verdict(conv2d, case, rng)
        if verdict is not None:
            return verdict
    tiny = {"stride": 2, "padding": 1, "dilation": 2, "groups": 2, "bias": None}
    tiny["x"] = torch.tensor(rng.normal(size=(1, 2, 5, 5)), requires_grad=True)
    tiny["weight"] = torch.tensor(rng.normal(size=(2, 1, 2, 2)), requires_grad=True)
    inputs = (tiny["x"], tiny["weight"])
    if not torch.autograd.gradcheck(
        lambda a, b: call(conv2d, tiny, a, b), inputs, fast_mode=True, raise_exception=False
    ):
        return failed(SLOPE(), CASE(case=describe(tiny)))
    return passed(DONE(cases=len(cases)))
