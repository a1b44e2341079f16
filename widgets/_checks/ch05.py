"""Exercise checks for chapter 05 (training and optimization)."""

from __future__ import annotations

import copy
from numbers import Real

import torch
import torch.nn.functional as F
from torch import nn

from .._i18n import Message
from .._validate import unwrap_number
from .compare import close
from .verdict import Verdict, exercise, failed, not_yet, passed

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
STEP_RETURN_WRONG = Message(
    ja="返した値 {got:.4f} が、更新前の損失 {want:.4f} と違います。更新前に計算した loss.item() を返しましょう。",
    en="The returned {got:.4f} is not the loss before the update, {want:.4f}. Return loss.item() from this step.",
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


@exercise(STEP_TITLE)
def check_train_step(train_step: object) -> Verdict:
    """Exercise 1: ``train_step(model, X, y, loss_fn, optimizer)`` does one update, returns the loss."""
    if not callable(train_step):
        return failed(STEP_NOT_CALLABLE())
    model, X, y = step_problem()
    ours = copy.deepcopy(model)
    mine_opt = torch.optim.SGD(model.parameters(), lr=0.1)
    ours_opt = torch.optim.SGD(ours.parameters(), lr=0.1)
    losses = []
    for call in range(3):
        before = params(model)
        got = train_step(model, X, y, nn.MSELoss(), mine_opt)
        want = reference_step(ours, X, y, nn.MSELoss(), ours_opt)
        after = params(model)
        if got is None and torch.equal(before, after):
            return not_yet()
        if torch.equal(before, after):
            return failed(STEP_NO_UPDATE())
        if not close(after, params(ours), atol=1e-6):
            return failed(STEP_ACCUMULATES() if call > 0 else STEP_WRONG_UPDATE())
        got = unwrap_number(got)
        if isinstance(got, bool) or not isinstance(got, Real):
            return failed(STEP_RETURN(got=type(got).__name__))
        if abs(float(got) - want) > 1e-5 * max(1.0, abs(want)):
            return failed(STEP_RETURN_WRONG(got=float(got), want=want))
        losses.append(want)
    return passed(STEP_OK(first=losses[0], last=losses[-1]))


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
LOGITS_OK = Message(
    ja="交差エントロピーは {value:.4f} です。", en="The cross-entropy is {value:.4f}."
)


@exercise(LOGITS_TITLE)
def check_logits_loss(logits: torch.Tensor, labels: torch.Tensor, loss: object) -> Verdict:
    """Exercise 2: ``loss`` is the cross-entropy of raw ``logits`` against ``labels``."""
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        return failed(LOGITS_NOT_TENSOR(got=type(loss).__name__))
    logits, labels = logits.detach(), labels.detach().long()
    got = loss.detach().reshape(())
    want = F.cross_entropy(logits, labels)
    if close(got, want, atol=1e-5):
        return passed(LOGITS_OK(value=want.item()))
    if close(got, F.cross_entropy(F.softmax(logits, dim=1), labels), atol=1e-5):
        return failed(LOGITS_SOFTMAX())
    if close(got, F.nll_loss(logits, labels), atol=1e-5):
        return failed(LOGITS_NLL())
    return failed(LOGITS_WRONG(got=got.item(), want=want.item()))


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
    ja="予測したクラスの取り方が違うようです。各行（1 枚ずつ）で最大の列を選ぶので logits.argmax(dim=1) です。",
    en="The predicted classes look wrong: pick the largest column of each row (each item), logits.argmax(dim=1).",
)
ACC_WRONG = Message(
    ja="{got} が返りましたが、正しい正解率は {want} です。(logits.argmax(dim=1) == labels) の平均を取りましょう。",
    en="It returned {got}, but the accuracy is {want}. Take the mean of (logits.argmax(dim=1) == labels).",
)
ACC_OK = Message(ja="{n} 通りのバッチで正しい正解率になりました。", en="Right on all {n} batches.")


def accuracy_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(3)
    cases = []
    for n, classes in ((8, 10), (10, 10), (7, 3), (12, 10)):
        logits = torch.randn(n, classes, generator=g)
        labels = torch.randint(classes, (n,), generator=g)
        labels[: n // 2] = logits[: n // 2].argmax(dim=1)  # about half right
        cases.append((logits, labels))
    return cases


@exercise(ACC_TITLE)
def check_accuracy(accuracy: object) -> Verdict:
    """Exercise 3: ``accuracy(logits, labels)`` returns the fraction of right predictions."""
    if not callable(accuracy):
        return failed(ACC_NOT_CALLABLE())
    cases = accuracy_cases()
    for logits, labels in cases:
        got = accuracy(logits.clone(), labels.clone())
        got = unwrap_number(got)
        if got is None or got is Ellipsis:
            return not_yet()
        if isinstance(got, bool) or not isinstance(got, Real):
            return failed(ACC_NOT_NUMBER(got=type(got).__name__))
        right = (logits.argmax(dim=1) == labels).sum().item()
        want = right / len(labels)
        got = float(got)
        if abs(got - want) < 1e-6:
            continue
        if abs(got - right) < 1e-6:
            return failed(ACC_COUNT(got=got))
        if abs(got - 100 * want) < 1e-4:
            return failed(ACC_PERCENT(got=got))
        return failed(ACC_WRONG_DIM() if 0 <= got <= 1 else ACC_WRONG(got=got, want=want))
    return passed(ACC_OK(n=len(cases)))
