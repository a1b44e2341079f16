"""Chapter 06 exercise checks: a right answer passes, typical mistakes get the matching hint."""

from __future__ import annotations

import copy

import torch
from torch import nn

from tests.corpus.ch06 import small_model as trained_model
from widgets import check_checkpoint, check_cnn_block, check_mynet, check_probabilities
from widgets._checks.ch06 import reference_mynet


def block(*, padding=1, pool=True, out=32, order="cbrp"):
    layers = {
        "c": nn.Conv2d(16, out, 3, padding=padding),
        "b": nn.BatchNorm2d(out),
        "r": nn.ReLU(),
        "p": nn.MaxPool2d(2),
    }
    return nn.Sequential(*(layers[k] for k in order if k != "p" or pool))


def test_cnn_block():
    verdict = check_cnn_block(block())
    assert verdict and "(4, 32, 14, 14)" in verdict.detail
    cases = {
        "padding=1": block(padding=0),
        "nn.MaxPool2d(2)": block(pool=False),
        "16 → 32": block(out=64),
        "No nn.BatchNorm2d": nn.Sequential(
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)
        ),
        "in the order Conv → BatchNorm → ReLU → MaxPool": block(order="crbp"),
        "nn.Module": "conv",
    }
    for hint, answer in cases.items():
        verdict = check_cnn_block(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)
    assert check_cnn_block(None).status == "todo"


def test_cnn_block_order_when_values_are_positive():
    # pooling before ReLU gives the same non-negative output: only the order check sees it
    verdict = check_cnn_block(block(order="cbpr"))
    assert verdict.status == "wrong" and "Conv → BatchNorm → ReLU → MaxPool" in verdict.hint


def test_probabilities():
    model, images = trained_model(), torch.rand(8, 1, 28, 28)
    with torch.no_grad():
        right = torch.softmax(model.eval()(images), dim=1)
        logits = model.eval()(images)
        # a copy: a forward pass in train mode also updates BatchNorm's running statistics
        train_mode = torch.softmax(copy.deepcopy(model).train()(images), dim=1)
    model.train()  # the learner's model may be left in any mode
    assert check_probabilities(model, images, right)
    cases = {
        "model.eval()": train_mode,
        "torch.softmax(logits, dim=1)": logits,
        "dim=1 (the class axis)": torch.softmax(logits, dim=0),
        "(8, 10)": right[:4],
        "a tensor": right.tolist(),
    }
    for hint, answer in cases.items():
        verdict = check_probabilities(model, images, answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)
    assert check_probabilities(model, images, None).status == "todo"


def test_checkpoint(tmp_path):
    model = trained_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    path = tmp_path / "ckpt.pt"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 2}, path)
    verdict = check_checkpoint(path, model)
    assert verdict and "epoch=2" in verdict.detail

    def saved(obj, name):
        torch.save(obj, tmp_path / name)
        return tmp_path / name

    good = {"model": model.state_dict(), "optimizer": optimizer.state_dict()}
    cases = {
        "Save model.state_dict() and": saved(model, "whole.pt"),
        "'optimizer'": saved({"model": model.state_dict(), "epoch": 2}, "no_opt.pt"),
        "not an optimizer.state_dict()": saved(
            {**good, "optimizer": {"lr": 1}, "epoch": 2}, "bad.pt"
        ),
        "does not fit this model": saved(
            {**good, "model": nn.Linear(2, 2).state_dict(), "epoch": 2}, "other.pt"
        ),
        "number of finished epochs": saved({**good, "epoch": "two"}, "epoch.pt"),
        "Two epochs are finished": saved({**good, "epoch": 1}, "epoch1.pt"),  # 0-based count
        "so save 2": saved({**good, "epoch": 3}, "epoch3.pt"),  # the epoch to resume at
        "holds a list": saved([1, 2], "list.pt"),
    }
    missing = check_checkpoint(tmp_path / "missing.pt", model)  # the stub saves nothing
    assert missing.status == "todo" and "no file" in missing.hint
    for hint, answer in cases.items():
        verdict = check_checkpoint(answer, model)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)


class Mynet(nn.Module):
    """The source's Mynet written as a class, the way the source writes it."""

    def __init__(self):
        super().__init__()
        stages, c_in = [], 3
        for c_out in (32, 64, 128, 256):
            stages.append(
                nn.Sequential(
                    nn.Conv2d(c_in, c_out, 3, padding=1),
                    nn.BatchNorm2d(c_out),
                    nn.ReLU(),
                    nn.Conv2d(c_out, c_out, 3, padding=1),
                    nn.BatchNorm2d(c_out),
                    nn.ReLU(),
                    nn.MaxPool2d(2),
                )
            )
            c_in = c_out
        self.features = nn.Sequential(*stages)
        self.fc1, self.fc2, self.fc_out = (
            nn.Linear(4096, 512),
            nn.Linear(512, 512),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.features(x).flatten(1)
        return self.fc_out(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def test_mynet():
    assert check_mynet(Mynet())
    assert check_mynet(reference_mynet())
    assert check_mynet(None).status == "todo"
    layers = list(reference_mynet())
    no_last_pool = nn.Sequential(*layers[:27], *layers[28:])  # 28th layer: the 4th MaxPool2d
    one_conv_per_stage = nn.Sequential(
        *[m for i, m in enumerate(layers[:28]) if i % 7 < 3 or i % 7 == 6], *layers[28:]
    )
    cases = {
        "256×4×4 = 4096": no_last_pool,
        "(2, 10)": nn.Sequential(*layers[:-1]),
        "8 expected": one_conv_per_stage,
        "padding=1": nn.Sequential(*layers[:-1], nn.Linear(512, 10, bias=False)),
        "not an nn.Module": [layers],
    }
    for hint, answer in cases.items():
        verdict = check_mynet(answer)
        assert verdict.status == "wrong" and hint in verdict.hint, (hint, verdict)
