"""The playground's current setup as plain PyTorch code a learner can paste into a cell.

Layers and optimizers are written from their ``settings`` table entries (``Choice.code``).
"""

from __future__ import annotations

import inspect
import math
from itertools import pairwise

from .settings import ACTIVATIONS, OPTIMIZERS, Config
from .tasks import REGRESSION, TASKS, split

HEADER = {
    "ja": "# プレイグラウンドの現在の設定を、そのまま動く PyTorch のコードにしたものです",
    "en": "# The playground's current setup as plain PyTorch code",
}


def data_code(config: Config) -> list[str]:
    c = config
    lines = [inspect.getsource(TASKS[c.task]), "", f"g = torch.Generator().manual_seed({c.seed})"]
    lines.append(f"x, y = {c.task}({c.points}, {c.noise!r}, g)")
    if c.task == "xor4":
        return [*lines, "x_train, y_train, x_test, y_test = x, y, x, y"]
    if c.task in REGRESSION and c.scale:
        lines.append("x, y = x / 10, y / 10  # inputs and targets near 1 train much better")
    lines[1:1] = ["", inspect.getsource(split)]
    return [*lines, f"x_train, y_train, x_test, y_test = split(x, y, {c.test_fraction!r}, g)"]


def model_code(config: Config) -> list[str]:
    act = ACTIVATIONS[config.activation].code()
    sizes = [2] + [config.hidden] * config.layers
    body = [f"    nn.Linear({a}, {b}), {act}," for a, b in pairwise(sizes)]
    return [
        f"torch.manual_seed({config.seed})",
        "model = nn.Sequential(",
        *body,
        f"    nn.Linear({sizes[-1]}, 1),",
        ")",
        "optimizer = "
        + OPTIMIZERS[config.optimizer].code("model.parameters()", lr=repr(config.lr)),
    ]


def loop_code(config: Config, steps: int) -> list[str]:
    classify = config.task not in REGRESSION
    mse_on_sigmoid = classify and config.loss == "mse"
    predict = "torch.sigmoid(model(x))" if mse_on_sigmoid else "model(x)"
    loss_fn = "nn.BCEWithLogitsLoss()" if classify and not mse_on_sigmoid else "nn.MSELoss()"
    lines = [
        f"loss_fn = {loss_fn}",
        "",
        "",
        "def loss_of(x, y):",
        f"    return loss_fn({predict}, y)",
        "",
        "",
    ]
    update = ["optimizer.zero_grad()", "loss.backward()", "optimizer.step()"]
    if config.batch_size is None:
        lines += [f"for step in range({steps}):", "    loss = loss_of(x_train, y_train)"]
        lines += [f"    {line}" for line in update]
        lines += [f"    if step % {max(steps // 10, 1)} == 0:"]
    else:
        per_epoch = math.ceil(len_train(config) / config.batch_size)
        epochs = max(math.ceil(steps / per_epoch), 1)
        lines += [
            f"shuffle = torch.Generator().manual_seed({config.seed + 1})",
            f"for epoch in range({epochs}):",
            "    order = torch.randperm(len(x_train), generator=shuffle)",
            f"    for idx in order.split({config.batch_size}):",
            "        loss = loss_of(x_train[idx], y_train[idx])",
            *[f"        {line}" for line in update],
            f"    if epoch % {max(epochs // 10, 1)} == 0:",
        ]
    lines += [
        "        with torch.no_grad():",
        "            print(f'{loss_of(x_train, y_train).item():.4f}')",
        "",
        "with torch.no_grad():",
    ]
    lines.append("    print('test loss', loss_of(x_test, y_test).item())")
    if classify:
        lines.append(
            "    print('test accuracy', ((model(x_test) > 0).float() == y_test).float().mean().item())"
        )
    return lines


def len_train(config: Config) -> int:
    if config.task == "xor4":
        return 4
    return config.points - int(config.points * config.test_fraction)


def export_code(config: Config, *, steps: int = 3000, lang: str = "en") -> str:
    """Self-contained PyTorch code that trains ``config`` the way the playground does."""
    lines = [HEADER[lang], "import math", "", "import torch", "from torch import nn", "", ""]
    lines += [*data_code(config), "", *model_code(config), *loop_code(config, steps)]
    return "\n".join(lines) + "\n"
