"""Exercise checks for chapter 09 (regularization, schedules and transfer learning).

None of them trains a network: early stopping runs against scripted validation losses, the
augmentation is judged on fixed digits with fixed seeds, and freezing is read from the
model and the optimizer. So every verdict is the same on every machine and backend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import torch
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close
from .learner import as_data, call, expect_callable, paired, probe_each, type_name
from .limits import Counter, OutOfBounds, time_bounded
from .verdict import Verdict, exercise, failed, passed, stop

# 1. Early stopping that restores the best epoch ------------------------------------

STOP_TITLE = Message(ja="早期終了", en="Early stopping")
STOP_NOT_CALLABLE = Message(
    ja="fit_early_stopping が関数ではありません。def fit_early_stopping(model, train_one_epoch, validate, max_epochs, patience): の形で書きましょう。",
    en="fit_early_stopping is not a function. Write def fit_early_stopping(model, train_one_epoch, validate, max_epochs, patience):",
)
STOP_TOO_LATE = Message(
    ja="検証の損失が {losses} のとき（patience={patience}）、{want} エポックで止まるはずが {got} エポック学習しました。"
    "いちばんよかったエポックから patience エポック改善しなければ、ループを抜けましょう。",
    en="With validation losses {losses} (patience={patience}) training should stop after {want} epochs, "
    "but it ran {got}. Leave the loop once patience epochs have passed without improvement since the best epoch.",
)
STOP_TOO_EARLY = Message(
    ja="検証の損失が {losses} のとき（patience={patience}）、{want} エポックまで学習するはずが {got} エポックで止まりました。"
    "改善しなかったエポックは、直前のエポックではなく、それまでの最小の損失と比べて数えます（改善したら数え直します）。",
    en="With validation losses {losses} (patience={patience}) training should run {want} epochs, but it stopped "
    "after {got}. Count epochs without improvement against the lowest loss so far, not the previous epoch "
    "(and start counting again after an improvement).",
)
STOP_TIES = Message(
    ja="検証の損失が {losses} のとき、いちばんよかったのはエポック {want} ですが、{got} になりました。"
    "同じ値は改善ではありません。それまでの最小より小さいとき（<。等しいときは含めません）だけ更新しましょう。",
    en="With validation losses {losses} the best epoch is {want}, but you got {got}. An equal loss is no "
    "improvement: update only when the loss is strictly lower (<) than the best so far.",
)
STOP_RETURN = Message(
    ja="返した値が {got!r} です。いちばんよかったエポックの番号（1 から数えて {want}）を返しましょう。",
    en="The function returned {got!r}. Return the number of the best epoch (counting from 1: {want}).",
)
STOP_NO_RESTORE = Message(
    ja="止めたあとの model が、最後のエポック {last} のパラメータのままです。覚えておいた state_dict を model.load_state_dict(...) で読み込みましょう。",
    en="After stopping, model still holds the parameters of the last epoch, {last}. Load the remembered state_dict with model.load_state_dict(...).",
)
STOP_NO_COPY = Message(
    ja="load_state_dict は呼んでいますが、戻ったのはエポック {best} ではなく最後のエポック {last} のパラメータです。"
    "model.state_dict() はパラメータそのものを指しているので、そのまま取っておくと学習を続けるうちに中身が書き換わります。"
    "覚えるときに copy.deepcopy でコピーを取りましょう。",
    en="load_state_dict was called, but the model holds the parameters of the last epoch, {last}, not of epoch {best}. "
    "model.state_dict() refers to the live parameters, so one kept as it is changes as training goes on: "
    "remember a copy made with copy.deepcopy.",
)
STOP_WRONG_STATE = Message(
    ja="止めたあとの model がエポック {got} のパラメータになっています。いちばんよかったエポック {best} のものに戻しましょう。",
    en="After stopping, model holds the parameters of epoch {got}; restore those of the best epoch, {best}.",
)
STOP_OK = Message(
    ja="{n} 通りの検証の損失の並びで、止めるエポック・いちばんよかったエポック・戻したパラメータがすべて合っています。",
    en="For {n} sequences of validation losses, the stopping epoch, the best epoch and the restored parameters are all right.",
)

# (validation losses, max_epochs, patience, best epoch, epochs trained, what it tests)
SCENARIOS = (
    ([0.9, 0.7, 0.6, 0.65, 0.62, 0.55, 0.58, 0.6, 0.61, 0.7, 0.8, 0.9], 12, 3, 6, 9, "best"),
    ([1.0, 0.8, 0.9, 0.7, 0.75, 0.8], 6, 1, 2, 3, "best"),
    ([1.0, 0.6, 0.8, 0.7, 0.65, 0.62, 0.61, 0.9], 8, 2, 2, 4, "best"),
    ([1.0, 0.9, 0.8, 0.7, 0.6, 0.5], 6, 2, 6, 6, "best"),
    ([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 7, 2, 1, 3, "ties"),
)


class Probe(nn.Linear):
    """A one-weight model whose weight counts the epochs trained; notes load_state_dict calls."""

    def __init__(self) -> None:
        super().__init__(1, 1)
        with torch.no_grad():
            self.weight.zero_()
            self.bias.zero_()
        self.loads = 0

    def load_state_dict(self, *args, **kw):
        self.loads += 1
        return super().load_state_dict(*args, **kw)

    def epoch(self) -> int:
        return round(self.weight.item())


STOP_OVERRAN = Message(
    ja="検証の損失が {losses} のとき（max_epochs={max_epochs}）、{what} が {limit} 回より多く呼ばれたので、チェックが止めました。"
    "学習と検証は 1 エポックに 1 回ずつです。"
    "ループは、改善が止まらなくても max_epochs エポックで終わるようにしましょう（range で回数を決めた for ループなど）。",
    en="With validation losses {losses} (max_epochs={max_epochs}) {what} was called more than {limit} times, "
    "so the check stopped the loop. Each epoch trains once and validates once, and the loop must end after "
    "max_epochs epochs even if the loss keeps improving (a for loop over a range, say).",
)
# A right answer validates once per epoch; some validate once more before the first epoch.
VALIDATIONS_PER_EPOCH = 2
TIME_LIMIT = 20.0  # seconds for all scenarios; a right answer takes milliseconds


def validations(max_epochs: int) -> int:
    return VALIDATIONS_PER_EPOCH * max_epochs + 1


def run_scenario(fit: Callable, scenario: tuple) -> dict[str, object]:
    """Drive ``fit`` on one scenario with a one-weight model whose weight counts the epochs.

    ``train_one_epoch`` may run ``max_epochs`` times and ``validate`` ``validations()``
    times; the call after that stops the learner's loop. The run as plain data: epochs
    trained, what fit returned, the epoch the model holds, load_state_dict calls, and
    which callback overran ("" when none did).
    """
    losses, max_epochs, patience = scenario[:3]
    model = Probe()
    trains, checks = Counter(max_epochs), Counter(validations(max_epochs))

    def train_one_epoch(m: nn.Module) -> None:
        trains()
        with torch.no_grad():  # in place, as an optimizer would
            for p in m.parameters():
                p.add_(1.0)

    def validate(m: nn.Module) -> float:
        checks()
        epoch = round(next(m.parameters()).item())
        return losses[min(max(epoch, 1), len(losses)) - 1]

    args = (model, train_one_epoch, validate, max_epochs, patience)
    returned, overran = None, ""
    try:
        returned = call(fit, *args, name="fit_early_stopping", returns_nothing=True)
    except OutOfBounds as bound:
        if bound.kind != "calls":
            raise
        overran = "train_one_epoch" if trains.count > trains.limit else "validate"
    return {
        "trained": trains.count,
        "returned": as_data(unwrap_number(returned)),  # tensor(3), np.int64(3): 3
        "held": model.epoch(),
        "loads": model.loads,
        "overran": overran,
    }


@time_bounded(TIME_LIMIT)
def probe_early_stopping(fit: object) -> list[dict[str, object]]:
    fn = expect_callable(fit, STOP_NOT_CALLABLE)
    return probe_each(SCENARIOS, lambda scenario: run_scenario(fn, scenario))


def shown(losses: list[float]) -> str:
    return "[" + ", ".join(f"{x:g}" for x in losses) + "]"


def judge_scenario(run: dict[str, object], scenario: tuple) -> Verdict | None:
    """The hint for one scenario's run, or None when it is right."""
    losses, max_epochs, patience, best, trained, kind = scenario
    seen = shown(losses)
    if run["overran"]:
        what = run["overran"]
        limit = max_epochs if what == "train_one_epoch" else validations(max_epochs)
        return failed(STOP_OVERRAN(losses=seen, max_epochs=max_epochs, what=what, limit=limit))
    returned, calls, held = run["returned"], run["trained"], run["held"]
    if kind == "ties" and (returned != best or calls != trained):
        return failed(STOP_TIES(losses=seen, want=best, got=returned))
    if calls > trained:
        return failed(STOP_TOO_LATE(losses=seen, patience=patience, want=trained, got=calls))
    if calls < trained:
        return failed(STOP_TOO_EARLY(losses=seen, patience=patience, want=trained, got=calls))
    if isinstance(returned, bool) or returned != best:
        return failed(STOP_RETURN(got=returned, want=best))
    if held != best and held == calls:
        hint = STOP_NO_COPY if run["loads"] else STOP_NO_RESTORE
        return failed(hint(best=best, last=calls))
    if held != best:
        return failed(STOP_WRONG_STATE(got=held, best=best))
    return None


def judge_early_stopping(runs: list[dict[str, object]]) -> Verdict:
    for scenario, run in paired(SCENARIOS, runs):  # every scenario, or an early end
        if (verdict := judge_scenario(run, scenario)) is not None:
            return verdict
    return passed(STOP_OK(n=len(SCENARIOS)))


@exercise(STOP_TITLE, probe=probe_early_stopping, judge=judge_early_stopping)
def check_early_stopping(fit: object) -> Verdict:
    """Exercise 1: ``fit_early_stopping`` stops after ``patience`` epochs and restores the best.

    The learner's loop is bounded: ``max_epochs`` calls of ``train_one_epoch``,
    ``validations(max_epochs)`` of ``validate``, and ``TIME_LIMIT`` seconds for a loop that
    calls neither.
    """
    return judge_early_stopping(probe_early_stopping(fit))


# 2. Augmentations that keep the label ----------------------------------------------

AUG_TITLE = Message(ja="ラベルを変えないデータ拡張", en="Augmentations that keep the label")
AUG_NOT_CALLABLE = Message(
    ja="augment が呼び出せるもの（変換）ではありません（{got} です）。v2.Compose([...]) で作りましょう。",
    en="augment is not a transform one can call (it is a {got}). Build it with v2.Compose([...]).",
)
AUG_FLIP = Message(
    ja="{name} が入っています。左右や上下に反転した数字は別の形になり（2 や 7 の鏡文字、6 と 9 の入れ替わり）、ラベルと合わなくなります。反転は外しましょう。",
    en="{name} is included. A flipped digit becomes another shape (a mirrored 2 or 7, 6 and 9 swapped) that no longer fits its label. Drop the flip.",
)
AUG_ROTATION = Message(
    ja="{name} は数字を {degrees:g}° まで回転させます。大きく回すと、6 が 9 に見えるなど別の数字の形になります。"
    "チェックが認める回転は ±30° までです。回転の範囲（RandomRotation や RandomAffine の degrees）を小さくしましょう。",
    en="{name} rotates digits by up to {degrees:g}°. A large rotation turns a digit into another shape (a 6 looks like a 9). "
    "The check allows rotations within ±30°: make the rotation range (degrees of RandomRotation or RandomAffine) smaller.",
)
AUG_INVERT = Message(
    ja="{name} が入っています。白黒を反転した画像は、学習にもテストにも出てこない見た目です。外しましょう。",
    en="{name} is included. Inverted images look like nothing in training or test data. Drop it.",
)
AUG_SHAPE = Message(
    ja="変換した画像の形が {got} になりました。形は (1, 28, 28) のままにします（大きさを変える変換は size=28 に）。",
    en="A transformed image has shape {got}. Keep the shape (1, 28, 28) (transforms that resize need size=28).",
)
AUG_NOT_TENSOR = Message(
    ja="変換の結果が {got} です。テンソルの画像を受け取ってテンソルを返す変換にしましょう（ToPILImage などは不要です）。",
    en="The transform returned a {got}. Use transforms that take and return image tensors (no ToPILImage needed).",
)
AUG_NOTHING = Message(
    ja="{n} 枚のうち {changed} 枚しか画像が変わりませんでした（チェックは 4 分の 3 以上が変わることを求めます）。"
    "どの画像も少しずつ変える変換（v2.RandomAffine の小さな回転や平行移動など）を入れましょう。",
    en="Only {changed} of {n} images changed (the check asks for at least three quarters). Include a transform that "
    "changes every image a little (a small rotation or shift with v2.RandomAffine, say).",
)
AUG_LOST_INK = Message(
    ja="{n} 枚のうち {lost} 枚で、数字の線（画素の明るさの合計）が元の 7 割未満に減りました（画像の外に出た、消えた、縮んだなど）。"
    "チェックが認めるのは、そうなる画像が 1 割までです。"
    "線を外に出したり消したり小さくしたりする変換（大きな平行移動や縮小、RandomErasing など）を弱めましょう。",
    en="In {lost} of {n} images, the strokes (the sum of the pixels' brightness) dropped below 70% of the original "
    "(pushed off the image, erased or shrunk); the check allows that in at most a tenth of the images. Tone down "
    "what pushes strokes out, erases or shrinks them (a large translate, shrinking with scale, RandomErasing and the like).",
)
AUG_CROP = Message(
    ja="{name} は画像の {least:.0%} しか残さない切り抜きを 28×28 に拡大することがあり、数字の一部しか残らなくなります。"
    "チェックは、scale の下限が 0.5 以上（画像の半分以上を残す）であることを求めます。",
    en="{name} may keep only {least:.0%} of the image and blow it up to 28×28, leaving just a piece of the digit. "
    "The check asks for a lower bound of scale of at least 0.5 (keeping at least half of the image).",
)
AUG_NOT_RANDOM = Message(
    ja="augment は毎回同じ画像を返します（2 回実行して結果が違ったのは、{n} 枚中 {varied} 枚だけでした）。"
    "Normalize や Resize、強さを決めたぼかしは前処理で、データ拡張ではありません。v2.RandomAffine のように毎回ランダムに変わる変換を入れましょう。",
    en="augment gives the same image every time it runs (only {varied} of {n} images differed between two runs). "
    "Normalize, Resize or a fixed blur are preprocessing, not augmentation: include a random transform such as v2.RandomAffine.",
)
INVERTED_BY_HAND = Message(ja="白黒を反転する 1 − x", en="An inversion (1 − x)")
AUG_OK = Message(
    ja="{n} 枚中 {changed} 枚が変わり、どれも形 (1, 28, 28) のままで、数字の線も残っています（使った変換: {names}）。",
    en="{changed} of {n} images changed; all kept the shape (1, 28, 28) and their strokes (transforms: {names}).",
)
FLIPS = ("RandomHorizontalFlip", "RandomVerticalFlip")
INVERTS = ("RandomInvert", "RandomSolarize")


def leaves(transform: object) -> list[object]:
    """The individual transforms inside Compose / RandomApply / RandomChoice / RandomOrder."""
    inner = getattr(transform, "transforms", None)
    if isinstance(inner, (list, tuple, nn.ModuleList)):
        return [leaf for t in inner for leaf in leaves(t)]
    return [transform]


def max_degrees(transform: object) -> float | None:
    degrees = getattr(transform, "degrees", None)
    if degrees is None:
        return None
    values = degrees if isinstance(degrees, (list, tuple)) else [degrees]
    return max(abs(float(v)) for v in values)


def sample_digits(n: int = 48) -> torch.Tensor:
    from .._data.sample import sample_arrays

    images = sample_arrays()[False][0][:n]  # test split: fixed bytes on every machine
    return torch.from_numpy(images.copy()).float().unsqueeze(1) / 255


def augmented(augment: Callable, digits: torch.Tensor, seed: int) -> list[object]:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return [as_data(call(augment, x.clone(), name="augment")) for x in digits]


def part_of(transform: object) -> dict[str, object]:
    """One transform inside ``augment``, as data: its name, rotation range and crop scale."""
    name = type(transform).__name__
    scale = getattr(transform, "scale", None) if name == "RandomResizedCrop" else None
    return {"name": name, "degrees": max_degrees(transform), "crop": min(scale or (1.0,))}


# 96 calls of the learner's transform (0.06 s each under a load of 20); the digits load outside.
AUG_TIME_LIMIT = 120.0


@time_bounded(AUG_TIME_LIMIT)
def both_seeds(augment: Callable, digits: torch.Tensor) -> tuple[list[object], list[object]]:
    return augmented(augment, digits, seed=0), augmented(augment, digits, seed=1)


def probe_augmentations(augment: object) -> dict[str, object]:
    """The transforms ``augment`` is made of, and what it gives 48 digits under two seeds."""
    fn = expect_callable(augment, AUG_NOT_CALLABLE)
    digits = sample_digits()
    outs, again = both_seeds(fn, digits)
    return {
        "parts": [part_of(part) for part in leaves(fn)],
        "outs": outs,
        "again": again,
    }


RTOL, ATOL = 1e-5, 1e-3  # on pixels from 0 to 1


def by_name(part: dict[str, object]) -> Verdict | None:
    """The hint for a transform that changes the label, read from what it is."""
    name, degrees = part["name"], part["degrees"]
    if name in FLIPS:
        return failed(AUG_FLIP(name=name))
    if name in INVERTS:
        return failed(AUG_INVERT(name=name))
    if degrees is not None and degrees > 30:  # type: ignore[operator]
        return failed(AUG_ROTATION(name=name, degrees=degrees))
    return None


# Label-changing transforms written by hand, recognised from the image they give.
BY_HAND = (
    (
        lambda out, x: torch.equal(out, x.flip(-1)) or torch.equal(out, x.flip(-2)),
        lambda: AUG_FLIP(name="flip"),
    ),
    *(
        (
            lambda out, x, turns=turns: close(out, x.rot90(turns, (-2, -1)), rtol=RTOL, atol=ATOL),
            lambda turns=turns: AUG_ROTATION(name="augment", degrees=90 * (2 - turns % 2)),
        )
        for turns in (1, 2, 3)
    ),
    (
        lambda out, x: close(out, 1 - x, rtol=RTOL, atol=ATOL),
        lambda: AUG_INVERT(name=INVERTED_BY_HAND()),
    ),
)


def judge_augmentations(probe: dict[str, object]) -> Verdict:
    parts: list[dict[str, object]] = probe["parts"]  # type: ignore[assignment]
    for part in parts:
        if (verdict := by_name(part)) is not None:
            return verdict
    digits = sample_digits()  # the judge's own: a record's digits are never read
    changed = lost = varied = 0
    for x, out, other in zip(digits, probe["outs"], probe["again"], strict=True):  # type: ignore[call-overload]
        if not isinstance(out, torch.Tensor):
            return failed(AUG_NOT_TENSOR(got=type_name(out)))
        if tuple(out.shape) != (1, 28, 28):
            return failed(AUG_SHAPE(got=tuple(out.shape)))
        out = out.float()
        for recognised, hint in BY_HAND:
            if recognised(out, x):
                return failed(hint())
        changed += bool((out - x).abs().max() > 1e-3)
        lost += bool(out.clamp(0, 1).sum() < 0.7 * x.sum())
        varied += not (
            isinstance(other, torch.Tensor) and close(out, other.float(), rtol=RTOL, atol=ATOL)
        )
    least = min([1.0, *(float(part["crop"]) for part in parts)])  # type: ignore[arg-type]
    n = len(digits)
    if least < 0.5:  # zoomed-in crops keep the ink but cut the digit
        return failed(AUG_CROP(name="RandomResizedCrop", least=least))
    if changed < 0.75 * n:
        return failed(AUG_NOTHING(n=n, changed=changed))
    if varied < 0.5 * n:
        return failed(AUG_NOT_RANDOM(n=n, varied=varied))
    if lost > 0.1 * n:
        return failed(AUG_LOST_INK(n=n, lost=lost))
    names = ", ".join(dict.fromkeys(str(part["name"]) for part in parts))
    return passed(AUG_OK(n=n, changed=changed, names=names))


@exercise(AUG_TITLE, probe=probe_augmentations, judge=judge_augmentations)
def check_augmentations(augment: object) -> Verdict:
    """Exercise 2: a transform that changes each digit a little and never changes its label."""
    return judge_augmentations(probe_augmentations(augment))


# 3. Freezing a pretrained feature extractor ------------------------------------------

FREEZE_TITLE = Message(ja="特徴抽出器を固定する", en="Freezing the feature extractor")
FREEZE_NOT_MODEL = Message(
    ja="{name} が、features と fc を持つ nn.Module ではありません（{got} です）。演習のセルで作った {name} を渡しましょう。",
    en="{name} is not an nn.Module with features and fc (it is a {got}). Pass the {name} the exercise cell built.",
)
FREEZE_NOT_OPTIMIZER = Message(
    ja="optimizer が {got} で、torch.optim のオプティマイザではありません。"
    "学習するパラメータを渡して作った torch.optim.Adam（学習率 1e-3）を optimizer に入れましょう。",
    en="optimizer is a {got}, not an optimizer from torch.optim. Store in it a torch.optim.Adam "
    "(learning rate 1e-3) made with the parameters to train.",
)
FREEZE_FEATURES = Message(
    ja="model.features のパラメータ {count} 個がまだ requires_grad=True です。"
    "features のパラメータをすべて固定しましょう。requires_grad を False にします（モジュールの requires_grad_ を使うと、まとめて変えられます）。",
    en="{count} parameter tensor(s) of model.features still have requires_grad=True. Freeze every parameter of "
    "features: set requires_grad to False (a module's requires_grad_ sets it for all of them at once).",
)
FREEZE_EVAL = Message(
    ja="eval() は Dropout や BatchNorm のふるまいを切り替えるだけで、パラメータは固定しません。"
    "固定するには、features のパラメータの requires_grad を False にします（モジュールの requires_grad_）。",
    en="eval() only switches how Dropout and BatchNorm behave; it freezes nothing. "
    "To freeze, set requires_grad to False on the parameters of features (a module's requires_grad_).",
)
FREEZE_CHANGED_FEATURES = Message(
    ja="model.features の重みが、事前学習した値から変わっています。特徴抽出器は作り直さず、そのまま使います。",
    en="The weights of model.features differ from the pretrained ones. Keep the feature extractor as it is; do not rebuild it.",
)
FREEZE_HEAD_TYPE = Message(
    ja="model.fc が nn.Linear ではありません（{got} です）。"
    "fc は、入力の数が元の fc と同じ（in_features）で出力が 5 クラスの、新しい nn.Linear に付け替えます。",
    en="model.fc is not an nn.Linear (it is a {got}). Replace fc with a new nn.Linear taking as many inputs "
    "as the old fc (its in_features) and giving 5 classes.",
)
FREEZE_HEAD_SIZE = Message(
    ja="model.fc の形が {got} です。入力は特徴の数 {features}（model.fc.in_features）、出力は 5 クラスにします。",
    en="model.fc maps {got}. Its input is the {features} features (model.fc.in_features) and its output 5 classes.",
)
FREEZE_OLD_HEAD = Message(
    ja="model.fc が事前学習した 0〜4 の出力層のままです。新しい nn.Linear を作って付け替えましょう。",
    en="model.fc is still the output layer pretrained on 0–4. Create a new nn.Linear and put it in its place.",
)
FREEZE_HEAD_FROZEN = Message(
    ja="新しい model.fc まで requires_grad=False になっています。固定するのは model.features だけで、fc は学習させます。",
    en="The new model.fc has requires_grad=False too. Freeze only model.features: fc must train.",
)
FREEZE_NOT_ADAM = Message(
    ja="optimizer が {got} です。問題の指定どおり torch.optim.Adam にしましょう。",
    en="optimizer is {got}; the task asks for torch.optim.Adam.",
)
FREEZE_LR = Message(
    ja="学習率が {lr:g} です。lr=1e-3 にしましょう。",
    en="The learning rate is {lr:g}; use lr=1e-3.",
)
FREEZE_OPT_OLD_HEAD = Message(
    ja="optimizer が持っているのは付け替える前の fc のパラメータです。fc を付け替えてから optimizer を作りましょう。",
    en="optimizer holds the parameters of the old fc. Create the optimizer after replacing fc.",
)
FREEZE_OPT_FROZEN = Message(
    ja="optimizer が、固定したパラメータ（{count} 個）も持っています。"
    "Adam には学習するパラメータ（requires_grad が True のもの、つまり新しい fc のもの）だけを渡しましょう。",
    en="optimizer also holds {count} frozen parameter tensor(s). Give Adam only the parameters to train "
    "(those whose requires_grad is True: the new fc's).",
)
FREEZE_OPT_MISSING = Message(
    ja="optimizer が新しい fc のパラメータを持っていません。fc の重みとバイアスを渡しましょう。",
    en="optimizer does not hold the new fc's parameters. Pass fc's weight and bias.",
)
FREEZE_OK = Message(
    ja="features の {frozen:,} 個を固定し、新しい fc の {trained:,} 個だけを Adam で学習します。",
    en="{frozen:,} parameters of features are frozen; Adam trains only the {trained:,} of the new fc.",
)


def held(optimizer: torch.optim.Optimizer) -> list[torch.Tensor]:
    return [p for group in optimizer.param_groups for p in group["params"]]


def as_model(value: object, name: str) -> nn.Module:
    """``value`` if it is an nn.Module with ``features`` and ``fc``; else stop with a hint."""
    parts = (getattr(value, part, None) for part in ("features", "fc"))
    if isinstance(value, nn.Module) and all(isinstance(part, nn.Module) for part in parts):
        return value
    raise stop(FREEZE_NOT_MODEL, name=name, got=type_name(value))


def parts_of(model: nn.Module) -> tuple[nn.Module, nn.Module]:
    """``model.features`` and ``model.fc``, which ``as_model`` found are modules."""
    return cast(nn.Module, model.features), cast(nn.Module, model.fc)


def same(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.equal(a.detach().cpu(), b.detach().cpu())


def same_weight(a: nn.Module, b: nn.Module) -> bool:
    """Whether two layers hold the same ``weight`` (an AttributeError if one has none)."""
    return same(cast(torch.Tensor, a.weight), cast(torch.Tensor, b.weight))


def probe_freeze(model: object, optimizer: object, pretrained: object) -> dict[str, object]:
    """What was frozen, replaced and handed to the optimizer, as plain data."""
    model, pretrained = as_model(model, "model"), as_model(pretrained, "pretrained")
    (body, head), (old_body, old) = parts_of(model), parts_of(pretrained)
    features, originals = list(body.parameters()), list(old_body.parameters())
    linear = isinstance(head, nn.Linear)
    data: dict[str, object] = {
        "optimizer": type_name(optimizer),
        "thawed": sum(p.requires_grad for p in features),
        "in_eval": not (model.training and body.training),  # eval() on either
        "kept": len(features) == len(originals) and all(map(same, features, originals)),
        "head": type_name(head),
        "maps": (head.in_features, head.out_features) if isinstance(head, nn.Linear) else None,
        "features": old.in_features,
        "old_head": head is old or (linear and same_weight(head, old)),
        "head_trains": all(p.requires_grad for p in head.parameters()),
        "frozen": sum(p.numel() for p in features),
        "trained": sum(p.numel() for p in head.parameters()),
    }
    if isinstance(optimizer, torch.optim.Optimizer):
        ids = {id(p) for p in held(optimizer)}
        head_ids = {id(p) for p in head.parameters()}
        data |= {
            "adam": isinstance(optimizer, torch.optim.Adam)
            and not isinstance(optimizer, torch.optim.AdamW),
            "lrs": sorted({float(group["lr"]) for group in optimizer.param_groups}),
            "held_frozen": sum(not p.requires_grad and id(p) in ids for p in model.parameters()),
            "holds_head": head_ids <= ids,
            "holds_other": bool(ids - head_ids),
        }
    return data


# The statement's points in order, each with the hint for the first one an answer misses.
FREEZE_RULES: tuple[tuple[Callable[[dict], bool], Callable[[dict], str]], ...] = (
    (lambda d: "adam" in d, lambda d: FREEZE_NOT_OPTIMIZER(got=d["optimizer"])),
    (
        lambda d: not d["thawed"],
        lambda d: FREEZE_EVAL() if d["in_eval"] else FREEZE_FEATURES(count=d["thawed"]),
    ),
    (lambda d: d["kept"], lambda d: FREEZE_CHANGED_FEATURES()),
    (lambda d: d["maps"] is not None, lambda d: FREEZE_HEAD_TYPE(got=d["head"])),
    (
        lambda d: d["maps"] == (d["features"], 5),
        lambda d: FREEZE_HEAD_SIZE(got=f"{d['maps'][0]} → {d['maps'][1]}", features=d["features"]),
    ),
    (lambda d: not d["old_head"], lambda d: FREEZE_OLD_HEAD()),
    (lambda d: d["head_trains"], lambda d: FREEZE_HEAD_FROZEN()),
    (lambda d: d["adam"], lambda d: FREEZE_NOT_ADAM(got=d["optimizer"])),
    (lambda d: d["lrs"] == [1e-3], lambda d: FREEZE_LR(lr=max(d["lrs"]))),
    (lambda d: not d["held_frozen"], lambda d: FREEZE_OPT_FROZEN(count=d["held_frozen"])),
    (
        lambda d: d["holds_head"],
        lambda d: FREEZE_OPT_OLD_HEAD() if d["holds_other"] else FREEZE_OPT_MISSING(),
    ),
)


def judge_freeze(data: dict[str, object]) -> Verdict:
    for holds, hint in FREEZE_RULES:
        if not holds(data):
            return failed(hint(data))
    return passed(FREEZE_OK(frozen=data["frozen"], trained=data["trained"]))


@exercise(FREEZE_TITLE, probe=probe_freeze, judge=judge_freeze)
def check_freeze(model: object, optimizer: object, pretrained: object) -> Verdict:
    """Exercise 3: features frozen, a new 5-class fc, and an Adam holding only fc's parameters."""
    return judge_freeze(probe_freeze(model, optimizer, pretrained))
