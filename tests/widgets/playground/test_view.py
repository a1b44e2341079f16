"""The playground's picture: points coloured by true class, readable with colour blindness.

Colour vision deficiency is simulated with Machado, Oliveira & Fernandes (2009), severity
1.0, applied in linear RGB; colours are compared by their CIELAB distance (ΔE76).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from matplotlib.colors import to_rgb, to_rgba
from PIL import Image

from tests.support import ROOT
from widgets._playground.settings import make_config
from widgets._playground.train import Run
from widgets._playground.view import CLASS_COLOURS, MAP_COLOURS, PlaygroundFigure, draw

OUT = ROOT / "test-output" / "playground"

DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
VISION = {"normal": np.eye(3), "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}


def linear(colour: str) -> np.ndarray:
    c = np.asarray(to_rgb(colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: np.ndarray) -> float:
    return float(np.linalg.norm(lab(vision @ linear(a)) - lab(vision @ linear(b))))


def test_the_simulation_tells_a_red_green_pair_apart_from_a_safe_one():
    """The check can fail: red vs green collapses under deuteranopia."""
    assert delta_e("#d62728", "#2ca02c", VISION["normal"]) > 100
    assert delta_e("#d62728", "#2ca02c", DEUTERANOPIA) < 15


@pytest.mark.parametrize("vision", sorted(VISION))
def test_classes_and_wrong_side_points_stay_apart_with_colour_blindness(vision):
    m = VISION[vision]
    zero, one = CLASS_COLOURS
    low, _, high = MAP_COLOURS
    assert delta_e(zero, one, m) > 80  # the two classes
    assert delta_e(low, high, m) > 60  # the two sides of the boundary
    assert delta_e(zero, high, m) > 80 and delta_e(one, low, m) > 80  # a point on the wrong side


def trained(task: str, steps: int = 60) -> Run:
    run = Run(make_config(task=task))
    run.train(steps)
    run.evaluate()
    return run


def test_points_are_filled_by_true_class_test_points_apart_and_mistakes_ringed():
    run = trained("xor")
    figure = PlaygroundFigure()
    png = figure.render(run, "running")
    assert Image.open(io.BytesIO(png)).size == (720, 288)
    train, test = figure.train_points, figure.test_points
    shown = len(train.get_offsets())
    fill = train.get_facecolors()
    for i in range(shown):
        assert tuple(fill[i]) == pytest.approx(to_rgba(CLASS_COLOURS[int(run.y_train[i])]))
    assert train.get_paths()[0] != test.get_paths()[0]  # circles and triangles
    x = torch.cat([run.x_train[:shown], run.x_test[: len(test.get_offsets())]])
    y = torch.cat([run.y_train[:shown], run.y_test[: len(test.get_offsets())]])
    with torch.no_grad():
        wrong = ((run.model(x) > 0).float() != y)[:, 0]
    assert 0 < wrong.sum() < len(x)  # early in training: some mistakes, not all
    ringed = figure.wrong.get_offsets()
    assert len(ringed) == wrong.sum()
    assert np.allclose(np.asarray(ringed), x[wrong].numpy())


def test_regression_points_use_the_surface_colour_map_and_are_not_ringed():
    run = trained("regression")
    figure = PlaygroundFigure()
    figure.render(run, "running")
    assert figure.image.get_cmap().name == figure.train_points.get_cmap().name == "viridis"
    assert len(figure.wrong.get_offsets()) == 0
    assert figure.train_points.get_clim() == figure.image.get_clim()


def test_one_figure_serves_runs_of_both_kinds_and_divergence():
    figure = PlaygroundFigure()
    for task in ("circle", "regression", "xor"):
        assert figure.render(trained(task, 5), "running").startswith(b"\x89PNG")
    run = Run(make_config(task="xor", lr=100.0))
    while not run.diverged:
        run.train(10)
        run.evaluate()
    assert figure.render(run, "diverged").startswith(b"\x89PNG")
    note = figure.curves.note
    assert note.get_visible() and "train" in note.get_text()
    assert len(figure.loss_ax.lines) == 3  # train, test and the dashed line at the divergence
    assert not figure.image.get_visible()
    assert figure.render(trained("xor", 5), "running") and figure.curves.note is None
    assert len(figure.loss_ax.lines) == 2
    assert draw(run, "diverged").startswith(b"\x89PNG")


def simulate(png: bytes, vision: np.ndarray) -> Image.Image:
    """The picture as a person with that colour vision sees it (Machado et al. 2009)."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float) / 255
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(lin @ vision.T, 0, 1)
    srgb = np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)
    return Image.fromarray((srgb * 255).round().astype(np.uint8))


@pytest.mark.parametrize("task", ["xor", "circle", "regression"])
def test_pictures_as_seen_with_deuteranopia_keep_the_classes_apart(task):
    """Saved for people to look at: test-output/playground/<task>_{normal,deuteranopia}.png."""
    png = draw(trained(task, 150), "running")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{task}_normal.png").write_bytes(png)
    seen = simulate(png, DEUTERANOPIA)
    seen.save(OUT / f"{task}_deuteranopia.png")
    if task != "regression":  # both class colours are still there, far apart, after simulation
        pixels = np.asarray(seen, dtype=float).reshape(-1, 3)
        for colour in CLASS_COLOURS:
            target = np.asarray(simulate_colour(colour, DEUTERANOPIA)) * 255
            assert (np.abs(pixels - target).max(axis=1) < 6).sum() > 50, colour


def simulate_colour(colour: str, vision: np.ndarray) -> np.ndarray:
    seen = np.clip(vision @ linear(colour), 0, 1)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)
