"""One training run of the playground, in plain PyTorch: no threads, no widgets."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import pairwise

import torch
from torch import nn

from .._live_loss.history import LOSS, DivergenceRule, History
from .settings import ACTIVATIONS, OPTIMIZERS, Config
from .tasks import REGRESSION, make_data

DIVERGE_FACTOR = 10  # a train loss 10x above where it started means the run blew up
RULE = DivergenceRule(factor=DIVERGE_FACTOR, only=("train",))
PANELS = {"train": LOSS, "test": LOSS, "accuracy": "accuracy"}
_init_lock = threading.Lock()


@contextmanager
def single_threaded() -> Iterator[None]:
    """One intra-op thread for the calling thread only (OpenMP's setting is per thread).

    Models this small gain nothing from a thread pool, and on a busy 2-core machine two
    pool threads made each step about 20 times slower.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def build_model(config: Config) -> nn.Sequential:
    """2 inputs → ``layers`` hidden layers of ``hidden`` units → 1 output (seeded)."""
    act = ACTIVATIONS[config.activation]
    sizes = [2] + [config.hidden] * config.layers
    layers: list[nn.Module] = []
    # Seed only a private copy of the global RNG: the learner's own random numbers stay put.
    with _init_lock, torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        for size_in, size_out in pairwise(sizes):
            layers += [nn.Linear(size_in, size_out), act.build()]
        return nn.Sequential(*layers, nn.Linear(sizes[-1], 1))


def build_optimizer(config: Config, params) -> torch.optim.Optimizer:
    return OPTIMIZERS[config.optimizer].build(params, lr=config.lr)


def new_history() -> History:
    """Train loss, test loss and test accuracy (or R²) by step, with the playground's rule."""
    return History(panels=PANELS, rule=RULE)


class Run:
    """Data, model, optimizer and history for one ``Config``; ``train(n)`` takes n steps."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.x_train, self.y_train, self.x_test, self.y_test = make_data(config)
        self.classify = config.task not in REGRESSION
        self.unit = 100.0 if config.task in REGRESSION and config.scale else 1.0
        self.model = build_model(config)
        self.optimizer = build_optimizer(config, self.model.parameters())
        self.loss_fn = nn.BCEWithLogitsLoss() if self.uses_logits else nn.MSELoss()
        self.batch_size = min(config.batch_size or len(self.x_train), len(self.x_train))
        self.g = torch.Generator().manual_seed(config.seed + 1)
        self.batches: list[torch.Tensor] = []
        self.steps = 0
        self.history = new_history()
        self.evaluate()
        self.recent = self.history.train[0]
        self.smoothing = 1.0 if self.batch_size == len(self.x_train) else 0.1

    @property
    def diverged(self) -> bool:
        return self.history.diverged is not None

    @property
    def uses_logits(self) -> bool:
        return self.classify and self.config.loss == "auto"

    @property
    def epochs(self) -> float:
        return self.steps * self.batch_size / len(self.x_train)

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        out = self.model(x)
        if self.classify and not self.uses_logits:
            out = torch.sigmoid(out)  # the source material's XOR: sigmoid output and MSE
        return self.loss_fn(out, y)

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        n = len(self.x_train)
        if self.batch_size == n:
            return self.x_train, self.y_train
        if not self.batches:  # a new epoch: reshuffle
            self.batches = list(torch.randperm(n, generator=self.g).split(self.batch_size))
        idx = self.batches.pop(0)
        return self.x_train[idx], self.y_train[idx]

    def train(self, n: int, halt: Callable[[], bool] | None = None) -> None:
        """Take ``n`` steps, fewer if the run diverges or ``halt()`` turns true (checked before
        each step: a cancelled or paused run lets go of the CPU within one step)."""
        self.model.train()
        with single_threaded():
            for _ in range(n):
                if halt is not None and halt():
                    return
                x, y = self.next_batch()
                loss = self.loss(x, y)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                self.steps += 1
                # Watch a running mean: one hard example in a small batch is not a blow-up.
                self.recent += self.smoothing * (loss.item() * self.unit - self.recent)
                if self.history.watch("train", self.steps, self.recent):
                    return

    @torch.no_grad()
    def evaluate(self) -> None:
        """Append losses and accuracy at the current step; notice divergence."""
        with single_threaded():
            self._evaluate()

    def _evaluate(self) -> None:
        self.model.eval()
        train = self.loss(self.x_train, self.y_train).item() * self.unit
        test = self.loss(self.x_test, self.y_test).item() * self.unit
        out = self.model(self.x_test)
        if self.classify:
            score = ((out > 0).float() == self.y_test).float().mean().item()
        else:
            spread = ((self.y_test - self.y_test.mean()) ** 2).sum()
            score = (1 - ((out - self.y_test) ** 2).sum() / spread).item()
        self.history.record(self.steps, train=train, test=test, accuracy=score)

    def extent(self) -> tuple[float, float, float, float]:
        """x and y limits around the data (10% padding): where the surface is drawn."""
        x = torch.cat([self.x_train, self.x_test])
        low, high = x.min(dim=0).values, x.max(dim=0).values
        pad = (high - low) * 0.1 + 1e-3
        low, high = low - pad, high + pad
        return (low[0].item(), high[0].item(), low[1].item(), high[1].item())

    @torch.no_grad()
    def surface(self, size: int = 60) -> tuple[torch.Tensor, tuple[float, float, float, float]]:
        """Model output on a size×size grid over the data (probability or prediction)."""
        extent = self.extent()
        xs = torch.linspace(extent[0], extent[1], size)
        ys = torch.linspace(extent[2], extent[3], size)
        grid = torch.cartesian_prod(ys, xs)[:, [1, 0]]
        self.model.eval()
        out = self.model(grid).reshape(size, size)
        out = torch.sigmoid(out) if self.classify else out * math.sqrt(self.unit)
        return out, extent
