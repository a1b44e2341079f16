"""Exercise checks for chapter 07 (the playground): each trains a small run to compare."""

from __future__ import annotations

from collections.abc import Mapping

from .._i18n import Message
from .._playground.settings import make_config
from .._playground.train import Run
from .verdict import Verdict, exercise, failed, passed


def best_accuracy(steps: int, every: int = 100, **settings) -> tuple[Run, float]:
    run = Run(make_config(**settings))
    best = 0.0
    while run.steps < steps and not run.diverged:
        run.train(every)
        run.evaluate()
        best = max(best, run.history.accuracy[-1])
    return run, best


DIVERGE_TITLE = Message(ja="発散する学習率", en="A learning rate that diverges")
# Adam on XOR, measured over seeds 0-3 under every CPU backend (ATEN_CPU_CAPABILITY=default,
# avx2, avx512): up to EDGE_LOW no run diverged within 300 steps; from SURE_TO_DIVERGE on
# every run did, its loss at least 20x the first (the rule asks for 10x). In between,
# whether a run blows up depends on the seed and even on the CPU, so no verdict there may
# rest on the run: the verdict depends on the learning rate, and the run is shown beside it.
EDGE_LOW, SURE_TO_DIVERGE = 5.0, 30.0
DID_NOT_DIVERGE = Message(
    ja="学習率 {lr} では 300 ステップ発散しませんでした（最後の損失 {loss:.3g}）。もっと大きくしてみましょう。",
    en="With learning rate {lr} training did not diverge in 300 steps (last loss {loss:.3g}). Try larger.",
)
EDGE = Message(
    ja="学習率 {lr} は境目です。およそ {low:g} から {high:g} の間では、発散するかどうかが乱数のシードや、CPU の種類によってさえ変わります（この実行では{outcome}）。どのコンピューターでも発散する、もっと大きな値を選びましょう。",
    en="Learning rate {lr} is at the edge: between about {low:g} and {high:g}, whether training blows up depends on the random seed and even on the CPU (this run {outcome}). Choose a larger value that diverges on every computer.",
)
RAN_AWAY = Message(ja="{steps} ステップで発散しました", en="diverged after {steps} steps")
STAYED = Message(ja="発散しませんでした", en="did not diverge")
DIVERGED_AT = Message(ja="{steps} ステップで発散しました。", en="Diverged after {steps} steps.")


@exercise(DIVERGE_TITLE)
def check_diverging_lr(lr: object) -> Verdict:
    """Exercise 1: an Adam learning rate at which XOR training blows up on every computer.

    A run counts as diverged when its loss is not finite or 10x its first value. The
    verdict is ✓ only from ``SURE_TO_DIVERGE`` up (and only if the run did diverge); below
    it, the hint depends on the learning rate alone, so it is the same on every CPU.
    """
    run, _ = best_accuracy(300, every=10, task="xor", lr=lr)
    if float(lr) >= SURE_TO_DIVERGE and run.diverged:  # type: ignore[arg-type]
        return passed(DIVERGED_AT(steps=run.steps))
    if EDGE_LOW < float(lr) < SURE_TO_DIVERGE:  # type: ignore[arg-type]
        outcome = RAN_AWAY(steps=run.steps) if run.diverged else STAYED()
        return failed(EDGE(lr=lr, low=EDGE_LOW, high=SURE_TO_DIVERGE, outcome=outcome))
    return failed(DID_NOT_DIVERGE(lr=lr, loss=run.history.train[-1]))


HIDDEN_TITLE = Message(ja="円に必要な隠れユニット数", en="Hidden units the circle needs")
TOO_FEW = Message(
    ja="隠れユニット {hidden} 個では最高 {acc:.0%} で、95% に届きません。",
    en="With {hidden} hidden units the best test accuracy is {acc:.0%}, short of 95%.",
)
NOT_FEWEST = Message(
    ja="{fewer} 個でも {acc:.0%} に届きます。もっと少なくできます。",
    en="{fewer} units already reach {acc:.0%}: you can use fewer.",
)
ENOUGH = Message(
    ja="{hidden} 個で {acc:.0%}、{fewer} 個では {low:.0%} でした。",
    en="{hidden} units reach {acc:.0%}; {fewer} reach only {low:.0%}.",
)


@exercise(HIDDEN_TITLE)
def check_fewest_hidden(hidden: object) -> Verdict:
    """Exercise 2: the fewest tanh units (one layer) with ≥95% test accuracy on the circle."""
    _, acc = best_accuracy(2000, task="circle", hidden=hidden)
    if acc < 0.95:
        return failed(TOO_FEW(hidden=hidden, acc=acc))
    if hidden == 1:
        return passed(ENOUGH(hidden=1, acc=acc, fewer=0, low=0.5))
    _, low = best_accuracy(2000, task="circle", hidden=hidden - 1)
    if low >= 0.95:
        return failed(NOT_FEWEST(fewer=hidden - 1, acc=low))
    return passed(ENOUGH(hidden=hidden, acc=acc, fewer=hidden - 1, low=low))


FIX_TITLE = Message(ja="元の教材の回帰を直す", en="Fixing the source material's regression")
# What a fix may change: how the network is built and trained, not the problem it solves.
TRAINING_SETTINGS = ("lr", "optimizer", "hidden", "layers", "activation", "batch_size", "scale")
NOT_A_DICT = Message(
    ja='変更を辞書で渡してください（例: {{"lr": 0.03}}）。',
    en='Pass the changes as a dict (e.g. {{"lr": 0.03}}).',
)
NOT_TRAINING = Message(
    ja="{names} は問題そのもの（データや損失）を変えてしまいます。変えてよいのは学習の設定だけです: {allowed}。",
    en="{names} would change the problem itself (its data or loss). Only training settings may change: {allowed}.",
)
STILL_STUCK = Message(
    ja="1000 ステップ後の MSE は {mse:.3g} で、1 を下回りません。",
    en="After 1000 steps the MSE is {mse:.3g}, not below 1.",
)
FIXED = Message(
    ja="1000 ステップ後の MSE は {mse:.3g} です。", en="After 1000 steps the MSE is {mse:.3g}."
)


@exercise(FIX_TITLE)
def check_regression_fix(changes: object) -> Verdict:
    """Exercise 3: training settings for the original_regression preset that bring MSE below 1.

    Only ``TRAINING_SETTINGS`` may change; a dict that swaps the task, the loss, the data
    (noise, points, seed, test split) or the preset fails with a hint naming those keys.
    """
    if not isinstance(changes, Mapping):
        return failed(NOT_A_DICT())
    other = [str(key) for key in changes if key not in TRAINING_SETTINGS]
    if other:
        return failed(NOT_TRAINING(names=", ".join(other), allowed=", ".join(TRAINING_SETTINGS)))
    run, _ = best_accuracy(1000, preset="original_regression", **changes)
    mse = run.history.train[-1]
    if run.diverged or not mse < 1:
        return failed(STILL_STUCK(mse=mse))
    return passed(FIXED(mse=mse))
