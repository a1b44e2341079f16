"""Exercise checks for chapter 05 (training and optimization)."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

import torch
import torch.nn.functional as F
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close
from .learner import (
    Crash,
    as_data,
    as_values,
    call,
    expect_callable,
    expect_tensor,
    full_run,
    paired,
    probe_each,
    settled,
    type_name,
)
from .verdict import RETURNED_NONE, Verdict, exercise, failed, passed

# 1. The training step, in the right order -----------------------------------------

STEP_TITLE = Message(ja="学習の 1 ステップ", en="One training step")
STEP_NOT_CALLABLE = Message(
    ja="train_step が関数ではありません。def train_step(model, X, y, loss_fn, optimizer): の形で書きましょう。",
    en="train_step is not a function. Write def train_step(model, X, y, loss_fn, optimizer):",
)
STEP_NO_UPDATE = Message(
    ja="1 回呼んでもパラメータが変わりませんでした。optimizer.step() は loss.backward() の後に呼びます"
    "（zero_grad() を backward() と step() の間に入れると、求めた勾配が消えてしまいます）。",
    en="One call left the parameters unchanged. Call optimizer.step() after loss.backward() "
    "(a zero_grad() between backward() and step() wipes the gradients just computed).",
)
STEP_ACCUMULATES = Message(
    ja="1 回目は正しく更新されましたが、2 回目がずれています。勾配は足し算でたまっていくので、"
    "毎回 optimizer.zero_grad() で 0 に戻しましょう。",
    en="The first call updated correctly, the second did not: gradients add up across calls, "
    "so reset them every time with optimizer.zero_grad().",
)
STEP_WRONG_UPDATE = Message(
    ja="パラメータの更新が、正しい順序（zero_grad → 順伝播 → 損失 → backward → step）のときと一致しません。",
    en="The update differs from the one in the right order (zero_grad → forward → loss → backward → step).",
)
STEP_RETURN = Message(
    ja="train_step が {got} を返しました。損失を Python の数で返しましょう（loss.item()）。",
    en="train_step returned {got}. Return the loss as a Python number (loss.item()).",
)
STEP_RETURN_TENSOR = Message(
    ja="値は合っていますが、テンソルのまま返しています。loss.item() で Python の数にして返しましょう（この講座で「Python の数」と書いたら .item() で取り出した数のことです）。",
    en="The value is right, but it is returned as a tensor. Return loss.item(), a Python number (when this course asks for a Python number, take it out with .item()).",
)
STEP_RETURN_WRONG = Message(
    ja="返した値 {got:.4f} が、更新前の損失 {want:.4f} と違います。更新前に計算した loss.item() を返しましょう。",
    en="The returned {got:.4f} is not the loss before the update, {want:.4f}. Return loss.item() from this step.",
)
STEP_SWAPPED = Message(
    ja="損失関数に渡す順番が逆です: loss_fn(y, model(X)) ではなく loss_fn(model(X), y)（予測が先、正解があと）です。MSE は左右対称なので同じ値になりますが、CrossEntropyLoss などでは結果が変わるかエラーになります。",
    en="The loss function's arguments are swapped: loss_fn(model(X), y), prediction first and target second, not loss_fn(y, model(X)). MSE is symmetric and hides it, but CrossEntropyLoss and others give another result or an error.",
)
STEP_OK = Message(
    ja="3 回続けて呼んでも、正しい順序と同じように更新されました（損失 {first:.3f} → {last:.3f}）。",
    en="Three calls in a row updated exactly as in the right order (loss {first:.3f} → {last:.3f}).",
)


def step_problem() -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(5)
    X = torch.randn(16, 3, generator=g)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.copy_(torch.randn(1, 3, generator=g))
        model.bias.zero_()
    return model, X, y


def reference_step(model, X, y, loss_fn, optimizer) -> float:
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def params(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).clone()


STEP_CALLS = 3


class WatchedMSE(nn.MSELoss):
    """``nn.MSELoss`` that notes each call whose prediction and target came swapped.

    The prediction is what carries the graph back to the model: a first argument without
    ``requires_grad`` and a second with it are the target and the prediction, swapped.
    """

    def __init__(self) -> None:
        super().__init__()
        self.swapped = False

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        grads = [getattr(t, "requires_grad", False) for t in (input, target)]
        self.swapped = self.swapped or grads == [False, True]
        return super().forward(input, target)


def probe_train_step(train_step: object) -> list[dict[str, object]]:
    """Three calls of ``train_step`` on one model: its parameters after each."""
    fn = expect_callable(train_step, STEP_NOT_CALLABLE)
    model, X, y = step_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def one(_: int) -> dict[str, object]:
        loss_fn = WatchedMSE()
        got = call(fn, model, X, y, loss_fn, optimizer, name="train_step", returns_nothing=True)
        return {
            "after": params(model),
            "got": as_data(got),
            "swapped": loss_fn.swapped,
        }

    return probe_each(range(STEP_CALLS), one)


def judge_train_step(records: list[dict[str, object]]) -> Verdict:
    ours, X, y = step_problem()
    ours_opt = torch.optim.SGD(ours.parameters(), lr=0.1)
    losses = []
    for call_number, record in paired(range(STEP_CALLS), records):
        before = params(ours)  # the judge's own model: right until this call (else judged)
        want = reference_step(ours, X, y, nn.MSELoss(), ours_opt)
        after, got = record["after"], record["got"]
        if torch.equal(before, after):  # type: ignore[arg-type]
            return failed(STEP_NO_UPDATE())
        if not close(after, params(ours), atol=1e-6):
            return failed(STEP_ACCUMULATES() if call_number > 0 else STEP_WRONG_UPDATE())
        if record["swapped"]:
            return failed(STEP_SWAPPED())
        if got is None:
            return failed(RETURNED_NONE(name="train_step"))
        number = unwrap_number(got)
        if isinstance(number, bool) or not isinstance(number, Real):
            return failed(STEP_RETURN(got=type_name(got)))
        if abs(float(number) - want) > 1e-5 * max(1.0, abs(want)):
            return failed(STEP_RETURN_WRONG(got=float(number), want=want))
        if isinstance(got, torch.Tensor):
            return failed(STEP_RETURN_TENSOR())
        losses.append(want)
    return passed(STEP_OK(first=losses[0], last=losses[-1]))


@exercise(STEP_TITLE, probe=probe_train_step, judge=judge_train_step)
def check_train_step(train_step: object) -> Verdict:
    """Exercise 1: ``train_step(model, X, y, loss_fn, optimizer)`` does one update, returns the loss."""
    return judge_train_step(probe_train_step(train_step))


# 2. The right loss for logits ----------------------------------------------------

LOGITS_TITLE = Message(ja="logits に合う損失", en="The right loss for logits")
LOGITS_NOT_TENSOR = Message(
    ja="loss が {got} です。損失関数を呼んだ結果（0 次元のテンソル）を入れましょう。",
    en="loss is a {got}. Store the result of calling the loss function (a 0-d tensor).",
)
LOGITS_SOFTMAX = Message(
    ja="softmax で確率にしてから CrossEntropyLoss に渡しています。CrossEntropyLoss は中で log_softmax をとるので、"
    "logits（モデルの出力）をそのまま渡しましょう。",
    en="You turned the logits into probabilities with softmax before CrossEntropyLoss, which takes "
    "log_softmax itself. Pass the raw logits.",
)
LOGITS_NLL = Message(
    ja="NLLLoss に logits をそのまま渡しています。NLLLoss は log_softmax 済みの値を受け取る関数です。"
    "logits には nn.CrossEntropyLoss を使いましょう。",
    en="NLLLoss got raw logits, but it expects log-probabilities (after log_softmax). "
    "Use nn.CrossEntropyLoss for logits.",
)
LOGITS_WRONG = Message(
    ja="値が交差エントロピー {want:.4f} と違います（{got:.4f}）。多クラス分類の logits と long のラベルには nn.CrossEntropyLoss() を使います。",
    en="The value {got:.4f} is not the cross-entropy {want:.4f}. For multi-class logits and long labels use nn.CrossEntropyLoss().",
)
LOGITS_CHANGED = Message(
    ja="logits か labels が演習の値から変わっています。この 2 行はそのままにして、loss だけを書き換えましょう。",
    en="logits or labels differ from the exercise's values. Leave those two lines as they are and change only loss.",
)
LOGITS_OK = Message(
    ja="交差エントロピーは {value:.4f} です。", en="The cross-entropy is {value:.4f}."
)


# The exercise's logits and labels (its first two lines): the loss is judged on these, so
# that at grading the hand-in's process cannot choose the numbers it is judged on.
STATEMENT_LOGITS = ((1.5, -0.3, 0.2), (0.1, 2.2, -1.0), (-0.5, 0.3, 0.9), (2.0, 1.9, -0.2))
STATEMENT_LABELS = (0.0, 1.0, 2.0, 1.0)


def judge_logits_loss(data: tuple) -> Verdict:
    sent_logits, sent_labels, loss = data
    sent = expect_tensor(sent_logits), expect_tensor(sent_labels)
    logits, labels = torch.tensor(STATEMENT_LOGITS), torch.tensor(STATEMENT_LABELS)
    if not all(
        s.shape == t.shape and not s.is_complex() and torch.equal(s.detach().double(), t.double())
        for s, t in zip(sent, (logits, labels), strict=True)
    ):
        return failed(LOGITS_CHANGED())
    if isinstance(loss, Real) and not isinstance(loss, bool):  # loss.item() is right too
        loss = torch.tensor(float(loss))
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        return failed(LOGITS_NOT_TENSOR(got=type_name(loss)))
    labels = labels.long()
    got = loss.detach().reshape(())
    want = F.cross_entropy(logits, labels)
    if close(got, want, atol=1e-5):
        return passed(LOGITS_OK(value=want.item()))
    if close(got, F.cross_entropy(F.softmax(logits, dim=1), labels), atol=1e-5):
        return failed(LOGITS_SOFTMAX())
    if close(got, F.nll_loss(logits, labels), atol=1e-5):
        return failed(LOGITS_NLL())
    return failed(LOGITS_WRONG(got=got.item(), want=want.item()))


@exercise(LOGITS_TITLE, probe=as_values, judge=judge_logits_loss)
def check_logits_loss(logits: torch.Tensor, labels: torch.Tensor, loss: object) -> Verdict:
    """Exercise 2: ``loss`` is the cross-entropy of raw ``logits`` against ``labels``."""
    return judge_logits_loss(as_values(logits, labels, loss))


# 3. Accuracy -----------------------------------------------------------------------

ACC_TITLE = Message(ja="正解率を求める", en="Compute the accuracy")
ACC_NOT_CALLABLE = Message(
    ja="accuracy が関数ではありません。def accuracy(logits, labels): の形で書きましょう。",
    en="accuracy is not a function. Write def accuracy(logits, labels):",
)
ACC_NOT_NUMBER = Message(
    ja="accuracy が {got} を返しました。正解率を Python の数で返しましょう（.item()）。",
    en="accuracy returned {got}. Return the accuracy as a Python number (.item()).",
)
ACC_COUNT = Message(
    ja="正解の個数 {got} を返しています。個数をデータ数で割って、0 から 1 の割合にしましょう。",
    en="It returned the number of correct answers, {got}. Divide by the number of items to get a fraction from 0 to 1.",
)
ACC_PERCENT = Message(
    ja="百分率 {got} を返しています。0 から 1 の割合で返しましょう（100 を掛けない）。",
    en="It returned a percentage, {got}. Return a fraction from 0 to 1 (do not multiply by 100).",
)
ACC_WRONG_DIM = Message(
    ja="予測したクラスが、列ごとに最大の行（dim=0 に沿った argmax）になっています。"
    "データ 1 つのクラスは、その行の中で最大の列です。argmax はクラスの次元（dim=1）に沿って取りましょう。",
    en="The predicted classes are the largest row of each column (argmax along dim=0). An item's class is the "
    "largest column of its row: take argmax along the class dimension (dim=1).",
)
ACC_INT_DIV = Message(
    ja="{got} が返りました。正解率が切り捨てられて、0 か 1 になっています（// は切り捨ての割り算です）。"
    "切り捨てずに割りましょう（/ で割るか、mean で平均を取ります）。",
    en="It returned {got}: the accuracy was rounded down to 0 or 1 (// is floor division). "
    "Divide without rounding down (with /, or take the mean).",
)
ACC_NO_DIM = Message(
    ja="{got} が返りました。dim を指定しない argmax は、表全体で最大の 1 つの位置（平らにした添字）を返します。"
    "各行のクラスを選ぶには、argmax にクラスの次元を dim で指定しましょう。",
    en="It returned {got}. argmax without dim gives one position, the largest of the whole table (a flattened index). "
    "To pick each row's class, give argmax the class dimension with dim.",
)
ACC_BY_CLASSES = Message(
    ja="{got} が返りました。正解の個数をクラスの数で割っています。割るのはデータの個数 len(labels)（logits の行数）です。",
    en="It returned {got}: the number of right answers divided by the number of classes. Divide by the number of items, len(labels) (the rows of logits).",
)
ACC_TENSOR = Message(
    ja="値は合っていますが、テンソルのまま返しています。.item() で Python の数にして返しましょう（この講座で「Python の数」と書いたら .item() で取り出した数のことです）。",
    en="The value is right, but it is returned as a tensor. Return a Python number with .item() (when this course asks for a Python number, take it out with .item()).",
)
ACC_WRONG = Message(
    ja="{got} が返りましたが、正しい正解率は {want} です。"
    "正解率は、各行で予測したクラス（argmax）がラベルと一致したデータの割合です。",
    en="It returned {got}, but the accuracy is {want}. The accuracy is the share of items whose predicted "
    "class (the argmax of their row) equals the label.",
)
ACC_OK = Message(ja="{n} 通りのバッチで正しい正解率になりました。", en="Right on all {n} batches.")


def accuracy_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Batches, a square one first: there argmax(dim=0) runs and can be told apart. The
    last is all right, with the largest logit in row 0: there ``//`` gives 1 and an argmax
    without dim (a flat index, here a real class) gives neither 0 nor 1."""
    g = torch.Generator().manual_seed(3)
    cases = []
    for n, classes in ((10, 10), (8, 10), (7, 3), (12, 10)):
        logits = torch.randn(n, classes, generator=g)
        labels = torch.randint(classes, (n,), generator=g)
        labels[: n // 2] = logits[: n // 2].argmax(dim=1)  # about half right
        cases.append((logits, labels))
    logits = torch.randn(6, 4, generator=g)
    logits[0, 2] = 10.0
    cases.append((logits, logits.argmax(dim=1)))
    return cases


def right_count(logits: torch.Tensor, labels: torch.Tensor) -> int:
    return int((logits.argmax(dim=1) == labels).sum())


def flat_argmax(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax() == labels).float().mean().item()


def by_columns(logits: torch.Tensor, labels: torch.Tensor) -> float | None:
    if logits.shape[0] != logits.shape[1]:
        return None  # argmax(dim=0) then cannot be compared with the labels
    return (logits.argmax(dim=0) == labels).float().mean().item()


Mistake = Callable[[torch.Tensor, torch.Tensor], "float | None"]
# What a typical mistake returns for one batch; the first that matches every batch names
# the hint (None: the mistake cannot run on that batch, it crashes instead).
ACC_MISTAKES: tuple[tuple[Mistake, Message], ...] = (
    (lambda lg, lb: float(right_count(lg, lb)), ACC_COUNT),
    (lambda lg, lb: 100 * right_count(lg, lb) / len(lb), ACC_PERCENT),
    (lambda lg, lb: float(right_count(lg, lb) // len(lb)), ACC_INT_DIV),
    (lambda lg, lb: right_count(lg, lb) / lg.shape[1], ACC_BY_CLASSES),
    (flat_argmax, ACC_NO_DIM),
    (by_columns, ACC_WRONG_DIM),
)
Value = tuple[float, torch.Tensor, torch.Tensor]


def explains(mistake: Mistake, values: list[Value]) -> bool:
    for got, logits, labels in values:
        expected = mistake(logits, labels)
        if expected is not None and abs(got - expected) > 1e-5 * max(1.0, abs(expected)):
            return False
    return True


def accuracy_hint(values: list[Value]) -> Verdict | None:
    """None when every value is the accuracy; else the hint of the mistake that explains
    all of them, or what was expected beside what came back."""
    wrong = [v for v in values if abs(v[0] - right_count(v[1], v[2]) / len(v[2])) > 1e-6]
    if not wrong:
        return None
    got, logits, labels = wrong[0]
    for mistake, hint in ACC_MISTAKES:
        if explains(mistake, values):
            return failed(hint(got=got))
    return failed(ACC_WRONG(got=got, want=right_count(logits, labels) / len(labels)))


# argmax(dim=0) on a batch that is not square, compared with the labels, cannot broadcast.
ACC_CRASHES = (Crash(RuntimeError, ("must match the size",), ACC_WRONG_DIM),)


def probe_accuracy(accuracy: object) -> list[dict[str, object]]:
    """What ``accuracy(logits, labels)`` returns for each batch."""
    fn = expect_callable(accuracy, ACC_NOT_CALLABLE)

    def one(case: tuple[torch.Tensor, torch.Tensor]) -> dict[str, object]:
        logits, labels = case
        got = call(fn, logits.clone(), labels.clone(), name="accuracy", crashes=ACC_CRASHES)
        return {"got": as_data(got)}

    return probe_each(accuracy_cases(), one)


def judge_accuracy(records: list[dict[str, object]]) -> Verdict:
    """The values are judged first (the mistake that matters), then their type: a
    one-element tensor with the right value gets the ``.item()`` hint. A batch that ended
    early (a crash) counts after the values before it."""
    values: list[Value] = []
    tensor_returned = False
    cases = accuracy_cases()  # the judge's own batches, never the ones a record may carry
    for (logits, labels), record in zip(cases, full_run(records, len(cases)), strict=False):
        if "early" in record:
            if (verdict := accuracy_hint(values)) is not None:
                return verdict
            settled(record)
        got = record["got"]
        number = unwrap_number(got)
        if isinstance(number, bool) or not isinstance(number, Real):
            return failed(ACC_NOT_NUMBER(got=type_name(got)))
        values.append((float(number), logits, labels))
        tensor_returned = tensor_returned or isinstance(got, torch.Tensor)
    if (verdict := accuracy_hint(values)) is not None:
        return verdict
    if tensor_returned:
        return failed(ACC_TENSOR())
    return passed(ACC_OK(n=len(cases)))


@exercise(ACC_TITLE, probe=probe_accuracy, judge=judge_accuracy)
def check_accuracy(accuracy: object) -> Verdict:
    """Exercise 3: ``accuracy(logits, labels)`` returns the fraction of right predictions."""
    return judge_accuracy(probe_accuracy(accuracy))
