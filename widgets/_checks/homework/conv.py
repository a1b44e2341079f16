"""``check_conv2d``: a hand-written convolution against ``torch.nn.functional.conv2d``.

Targeted cases come first (plain, bias, padding, stride, dilation, groups) so that the
first failure names the feature; random mixed cases and gradients follow. The probe runs
the learner's ``conv2d`` on all of them and records its outputs and gradients, and the
names of the torch functions and operators each call ran; the judge computes PyTorch's
answers and applies the rules (no PyTorch convolution; for task 8.6, no loop over windows).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..._i18n import Message
from ..compare import as_array, close, max_error
from ..guard import Calls, run_watched
from ..learner import as_data
from ..verdict import Verdict, error_text, failed, passed, stop
from .common import CONV_TOL, Data, Records, homework, learner_side, record

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
TARGETED: dict[str, dict[str, Any]] = {
    "plain": {"kernel": (3, 2)},
    "bias": {"bias": True, "kernel": (3, 2)},
    "padding": {"padding": 2, "kernel": (3, 2)},
    "stride": {"stride": 2, "kernel": (3, 2)},
    "dilation": {"dilation": 2, "kernel": (3, 2)},
    "groups": {"groups": 2, "kernel": (3, 2), "channels": (2, 2)},
}


def draw_case(rng: np.random.Generator, **fixed: Any) -> dict:
    """A case's inputs and options (ints, tensors, None for no bias), ``fixed`` as given."""
    kernel, channels = fixed.pop("kernel", None), fixed.pop("channels", None)
    case: dict[str, Any] = {
        "stride": 1,
        "padding": 0,
        "dilation": 1,
        "groups": 1,
        "bias": False,
        **fixed,
    }
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


def conv_cases() -> tuple[list[tuple[str, dict]], dict]:
    """The targeted and random cases, and the tiny one for gradcheck (seeded: the probe and
    the judge draw the same)."""
    rng = np.random.default_rng(2)
    cases = [(feature, draw_case(rng, **fixed)) for feature, fixed in TARGETED.items()]
    cases += [("mixed", random_case(rng)) for _ in range(10)]
    tiny: dict = {"stride": 2, "padding": 1, "dilation": 2, "groups": 2, "bias": None}
    tiny["x"] = torch.tensor(rng.normal(size=(1, 2, 5, 5)), requires_grad=True)
    tiny["weight"] = torch.tensor(rng.normal(size=(2, 1, 2, 2)), requires_grad=True)
    return cases, tiny


GRAD_CASES = 3  # the last cases also compare gradients
SIZES = (4, 8)  # images on which task 8.6 counts the torch operations


def options(case: dict) -> dict:
    return {k: case[k] for k in ("stride", "padding", "dilation", "groups")}


def reference(case: dict, x=None, weight=None, bias=None) -> torch.Tensor:
    """PyTorch's convolution of ``case`` (the judge's side)."""
    args = (case["x"] if x is None else x, case["weight"] if weight is None else weight)
    return F.conv2d(*args, case["bias"] if bias is None else bias, **options(case))


def watched(conv2d, case: dict, found: dict, x=None, weight=None, bias=None) -> Any:
    """The learner's ``conv2d`` on ``case``; the torch names it ran go into ``found``.

    What comes back is used duck-typed: an attribute it lacks is the learner's error, which
    the probe records."""
    args = (case["x"] if x is None else x, case["weight"] if weight is None else weight)
    out, calls = run_watched(conv2d, *args, case["bias"] if bias is None else bias, **options(case))
    for key, names in (("functions", calls.functions), ("operators", calls.operators)):
        found[key] = sorted({*found.get(key, ()), *names})
    return out


def used_convolution(records: Records, found: dict) -> bool:
    """The rule of tasks 8.5–8.6, from the names the probe saw: no PyTorch convolution."""
    calls = Calls(set(records.need(found, "functions")), set(records.need(found, "operators")))
    return calls.used_convolution


def forward_record(conv2d, case: dict, found: dict) -> None:
    try:
        got = watched(conv2d, case, found)
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's conv2d: the judge names the case it fails on
        found["raised"] = error_text(error, 120)
        return
    found["raised"] = None
    found["none"] = got is None
    if got is None:
        return
    found["tensor"] = isinstance(got, torch.Tensor)
    if isinstance(got, torch.Tensor):
        found["out"] = as_data(got)
        return
    found["shape"] = as_data(tuple(got.shape))
    found["dtype"] = str(got.dtype)
    found["values"] = as_array(got.detach().numpy())


def forward_verdict(records: Records, found: dict, case: dict, feature: str) -> Verdict | None:
    want = reference(case)
    where = CASE(case=describe(case))
    raised = records.need(found, "raised")
    if raised is not None:
        return failed(RAISED(hint=HINTS[feature](), error=raised), where)
    if used_convolution(records, found):
        return failed(USES_TORCH_CONV())
    if records.need(found, "none"):
        return failed(RETURNED_NONE(), where)
    values = None
    if records.need(found, "tensor"):
        got = records.need(found, "out")
        shape, dtype, values = tuple(got.shape), got.dtype, got.detach().numpy()
        other_dtype = dtype != want.dtype
    else:  # something with a shape and a dtype that is not a tensor (a NumPy array…)
        shape, dtype = records.need(found, "shape"), records.need(found, "dtype")
        other_dtype = dtype != str(want.dtype)
    if shape != tuple(want.shape):
        return failed(SHAPE(got=shape, want=tuple(want.shape)), where)
    if other_dtype:
        return failed(DTYPE(got=dtype, want=want.dtype), where)
    if values is None:
        values = records.need(found, "values")
    if not close(values, want.numpy(), rtol=CONV_TOL, atol=CONV_TOL, relative_to="largest"):
        flipped = reference({**case, "weight": case["weight"].flip(-2, -1)})
        if close(values, flipped.numpy(), rtol=CONV_TOL, atol=CONV_TOL, relative_to="largest"):
            return failed(FLIPPED(), where)
        return failed(HINTS[feature](), where)
    return None


def grad_names(case: dict) -> tuple[str, ...]:
    return ("x", "weight", "bias") if case["bias"] is not None else ("x", "weight")


def backward_weights(shape: tuple[int, ...]) -> torch.Tensor:
    return torch.tensor(np.random.default_rng(0).normal(size=shape))


def grad_record(conv2d, case: dict, found: dict) -> None:
    names = grad_names(case)
    leaves = {n: case[n].clone().requires_grad_() for n in names}
    try:
        out = watched(conv2d, case, found, **leaves)
    except NotImplementedError:
        raise
    except Exception as error:  # e.g. .numpy() on a tensor that requires grad
        found["raised"] = error_text(error, 120)
        return
    found["raised"] = None
    found["requires_grad"] = bool(out.requires_grad)
    if not found["requires_grad"]:
        return
    (out * backward_weights(tuple(out.shape))).sum().backward()
    found["grads"] = [as_data(leaves[n].grad) for n in names]


def gradient_verdict(records: Records, found: dict, case: dict) -> Verdict | None:
    where = CASE(case=describe(case))
    raised = records.need(found, "raised")
    if raised is not None:
        return failed(GRAD_RAISED(error=raised), where)
    if used_convolution(records, found):
        return failed(USES_TORCH_CONV())
    if not records.need(found, "requires_grad"):
        return failed(NO_GRAD(name="x"), where)
    mine = records.need(found, "grads")
    names = grad_names(case)
    leaves = {n: case[n].clone().requires_grad_() for n in names}
    out = reference(case, **leaves)
    (out * backward_weights(tuple(out.shape))).sum().backward()
    for name, grad, ref in zip(names, mine, [leaves[n].grad for n in names], strict=True):
        if grad is None:
            return failed(NO_GRAD(name=name), where)
        if not close(
            grad.numpy(), ref.numpy(), rtol=CONV_TOL, atol=CONV_TOL, relative_to="largest"
        ):
            error = max_error(grad.numpy(), ref.numpy())
            return failed(WRONG_GRAD(name=name, error=error), where)
    return None


def operations(conv2d, size: int) -> int:
    """How many torch functions ``conv2d`` runs on a ``size``×``size`` image."""
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.normal(size=(2, 4, size, size)))
    weight = torch.tensor(rng.normal(size=(6, 2, 3, 3)))
    _, calls = run_watched(conv2d, x, weight, None, stride=1, padding=1, dilation=1, groups=2)
    return len(calls.sequence)


@learner_side
def probe_conv2d(data: Data, conv2d: object, unfold: bool = False) -> None:
    """The learner's ``conv2d`` on every case (outputs, or the error's text), gradients on the
    last ``GRAD_CASES``, ``gradcheck`` on a tiny case, and (task 8.6) how many torch
    operations it runs on two sizes of image; with every call, the torch names it ran."""
    data["unfold"] = bool(unfold)
    if not callable(conv2d):
        raise stop(NOT_CALLABLE, got=type(conv2d).__name__)
    cases, tiny = conv_cases()
    for index, (_, case) in enumerate(cases):
        forward_record(conv2d, case, record(data, "forward", index))
    for index in range(len(cases) - GRAD_CASES, len(cases)):
        grad_record(conv2d, cases[index][1], record(data, "grad", index))
    found = record(data, "gradcheck")
    found["ok"] = bool(
        torch.autograd.gradcheck(
            lambda a, b: watched(conv2d, tiny, found, a, b),
            (tiny["x"], tiny["weight"]),
            fast_mode=True,
            raise_exception=False,
        )
    )
    found.setdefault("functions", [])
    found.setdefault("operators", [])
    if data["unfold"]:
        loops = record(data, "loops")
        loops["operations"] = counts = []
        for size in SIZES:
            counts.append(operations(conv2d, size))


def judge_conv2d(data: Data) -> Verdict:
    records = Records(data)
    cases, tiny = conv_cases()
    for index, (feature, case) in enumerate(cases):
        verdict = forward_verdict(records, records.next("forward", index), case, feature)
        if verdict is not None:
            return verdict
    for index in range(len(cases) - GRAD_CASES, len(cases)):
        verdict = gradient_verdict(records, records.next("grad", index), cases[index][1])
        if verdict is not None:
            return verdict
    found = records.next("gradcheck")
    ok = records.need(found, "ok")
    if used_convolution(records, found):
        return failed(USES_TORCH_CONV())
    if not ok:
        return failed(SLOPE(), CASE(case=describe(tiny)))
    if not data["unfold"]:
        return passed(DONE(cases=len(cases)))
    counts = records.need(records.next("loops"), "operations")
    if len(counts) < len(SIZES):
        records.cut()
    (few, many), (small, large) = counts, (size * size for size in SIZES)
    if many > few:
        return failed(LOOPS(few=few, small=small, many=many, large=large))
    return passed(DONE(cases=len(cases)))


@homework(TITLE, probe=probe_conv2d, judge=judge_conv2d)
def check_conv2d(conv2d, unfold: bool = False) -> Verdict:
    """Compare ``conv2d(x, weight, bias, stride, padding, dilation, groups)`` with PyTorch's.

    Every call of the answer runs under ``watch()``: one that reaches PyTorch's convolution
    operators in any spelling (``F.conv2d``, ``nn.Conv2d``, ``torch.ops.aten.convolution``)
    fails, since the task is to compute the convolution by hand; the probe records the
    names, the judge applies the rule. With ``unfold=True`` (task 8.6) a ``conv2d`` whose
    number of torch operations grows with the number of windows (a loop over them) fails too.
    """
    return judge_conv2d(probe_conv2d(conv2d, unfold))
