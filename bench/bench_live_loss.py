"""Cost of ``live_loss`` in a training loop: the same small-MLP loop with and without it.

The live_loss run draws for real: a fake display receives every redraw, rendered to PNG
and base64-encoded exactly as in a notebook. The kernel rows run notebooks through nbclient
in real kernels, as a learner's cells run: setup(), then the plots, and a kernel without
setup() (issue 18's goals: fixed cost per plot ≤ 100 ms, first plot ≤ 0.5 s, 2,000-step
ratio ≤ 1.05×). The loop's own spread on a shared machine is a few percent, so besides the
end-to-end ratio the kernel also times the calls into live_loss inside the loop.
livelossplot (if installed) redraws on every update; it is timed on fewer steps and its
cost per update is extrapolated.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator

import torch
from torch import nn

from bench import Row
from widgets import LiveLoss, live_loss
from widgets._live_loss.outputs import NotebookOutput

STEPS, REPEATS, LIVELOSSPLOT_STEPS = 2000, 5, 20


class FakeHandle:
    def update(self, bundle: dict, raw: bool) -> None:
        self.last = bundle


def fake_display(bundle: dict, raw: bool, display_id: bool) -> FakeHandle:
    return FakeHandle()


def make_loop() -> Callable[[int, Callable[[int, float, float], None]], None]:
    """A 64→128→10 MLP on a fixed batch of 64 with Adam, like the chapters' first models."""
    torch.manual_seed(0)
    X, y = torch.randn(64, 64), torch.randint(0, 10, (64,))
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def loop(steps: int, report: Callable[[int, float, float], None]) -> None:
        for step in range(steps):
            logits = model(X)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            acc = (logits.argmax(1) == y).float().mean()
            report(step, loss.item(), acc.item())  # a learner computes these either way

    return loop


def no_plot(step: int, loss: float, acc: float) -> None:
    pass


def seconds(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def with_live_loss(loop, steps: int) -> tuple[float, LiveLoss]:
    plot = live_loss("bench", output=NotebookOutput(fake_display))

    def report(step: int, loss: float, acc: float) -> None:
        plot.update(step, train=loss, acc=acc)

    def run() -> None:
        with plot:
            loop(steps, report)

    return seconds(run), plot


def livelossplot_report() -> Callable[[int, float, float], None] | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from livelossplot import PlotLosses
        from livelossplot.outputs import MatplotlibPlot
    except ImportError:
        return None

    def show(fig) -> None:  # what the inline backend does on plt.show(): a PNG, then close
        fig.tight_layout()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)

    output = MatplotlibPlot(before_plots=lambda fig, axes, n: None, after_plots=show)
    plot = PlotLosses(outputs=[output], mode="notebook")

    def report(step: int, loss: float, acc: float) -> None:
        plot.update({"loss": loss, "acc": acc})
        plot.send()

    return report


KERNEL_CELLS = (
    """
import time
started = time.perf_counter()
from widgets import live_loss, setup
setup("en", quiet=True)
SETUP = time.perf_counter() - started
""",
    """
import json, torch
torch.set_num_threads(1)
from bench.bench_live_loss import STEPS, make_loop, no_plot

def timed(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start

def one_point():  # a plot's fixed cost: build, render, display
    with live_loss("kernel") as plot:
        plot.update(0, train=1.0, acc=0.5)

INSIDE = []  # seconds spent inside live_loss (updates, redraws, close) per looped() run

def looped():
    inside = 0.0
    with live_loss("kernel") as plot:
        def report(step, loss, acc):
            nonlocal inside
            start = time.perf_counter()
            plot.update(step, train=loss, acc=acc)
            inside += time.perf_counter() - start
        loop(STEPS, report)
        start = time.perf_counter()
    INSIDE.append(inside + time.perf_counter() - start)  # with the closing redraw

loop = make_loop()
loop(200, no_plot)  # warm up torch
""",
    "FIRST = timed(one_point)",
    """
fixed, cpu = [], []
for _ in range(5):
    before = time.process_time()
    fixed.append(timed(one_point))
    cpu.append(time.process_time() - before)
bare, drawn = [], []
for _ in range(5):  # interleaved, best of each: the machine is shared
    bare.append(timed(lambda: loop(STEPS, no_plot)))
    drawn.append(timed(looped))
figures = dict(setup=SETUP, first=FIRST, fixed=fixed, cpu=cpu, bare=bare, drawn=drawn)
print(json.dumps(dict(figures, inside=INSIDE)))
""",
)


# A learner who skips setup(): live_loss() starts loading matplotlib itself, so the first
# redraw (the closing one of this 1,000-step loop, about half a second) finds it loaded.
NO_SETUP_CELLS = (
    """
import json, time
from widgets import live_loss
from bench.bench_live_loss import make_loop, no_plot
loop = make_loop()
loop(200, no_plot)  # warm up torch
""",
    """
with live_loss("no setup") as plot:
    loop(1000, lambda step, loss, acc: plot.update(step, train=loss, acc=acc))
print(json.dumps(dict(first=plot._cost, redraws=plot.redraws)))
""",
)


def in_kernel(cells: tuple[str, ...] = KERNEL_CELLS) -> dict:
    """Run ``cells`` as a notebook in a fresh kernel (nbclient); the JSON its last cell printed."""
    import nbformat
    from nbclient import NotebookClient

    from bench.kernel import ROOT, kernel_env

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_env())  # the kernel inherits it
    try:
        NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


def kernel_rows() -> Iterator[Row]:
    one, five, _ = os.getloadavg()
    load = f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"
    k = in_kernel()
    base, best = min(k["bare"]), min(k["drawn"])
    yield Row("live_loss bench: machine load", f"{one:.1f}", load)
    yield Row(
        "live_loss in a kernel: setup() cell",
        f"{k['setup'] * 1e3:.0f} ms",
        "fonts warm in the background",
    )
    yield Row(
        "live_loss in a kernel: first plot of the session",
        f"{k['first'] * 1e3:.0f} ms",
        "one point: build, render, display; goal ≤ 0.5 s",
    )
    cold = in_kernel(NO_SETUP_CELLS)
    yield Row(
        "live_loss in a kernel: first plot, no setup() cell",
        f"{cold['first'] * 1e3:.0f} ms",
        f"the closing redraw of a 1,000-step loop ({cold['redraws']} redraw); goal ≤ 0.5 s",
    )
    yield Row(
        "live_loss in a kernel: fixed cost per plot",
        f"{statistics.median(k['fixed']) * 1e3:.0f} ms",
        f"median of {len(k['fixed'])} one-point plots (CPU {statistics.median(k['cpu']) * 1e3:.0f} ms); "
        "goal ≤ 100 ms",
    )
    inside = statistics.median(k["inside"])
    yield Row(
        f"live_loss in a kernel: {STEPS}-step loop, time inside live_loss",
        f"{inside * 1e3:.0f} ms",
        f"median of {len(k['inside'])}: {STEPS} updates and the closing redraw; "
        f"{inside / base:.1%} of the bare loop ({base:.2f} s): ratio {1 + inside / base:.3f}×, "
        "goal ≤ 1.05×",
    )
    yield Row(
        f"live_loss in a kernel: {STEPS}-step loop ratio, end to end",
        f"{best / base:.3f}×",
        f"best of {len(k['bare'])}: {best:.2f} s with the plot, {base:.2f} s bare "
        "(on a shared machine the loop's own spread is a few %)",
    )


def rows() -> Iterator[Row]:
    yield from kernel_rows()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model gains nothing from more; steadier on a busy machine
    try:
        yield from measure()
    finally:
        torch.set_num_threads(threads)


def measure() -> Iterator[Row]:
    loop = make_loop()
    loop(200, no_plot)  # warm up torch
    warm = live_loss(output="none")
    warm.update(0, train=1.0, acc=0.5)
    first = seconds(warm.to_png)  # matplotlib's first figure: fonts, caches
    bare, drawn = [], []
    for _ in range(REPEATS):  # interleaved, best of each: the machine is shared
        bare.append(seconds(lambda: loop(STEPS, no_plot)))
        drawn.append(with_live_loss(loop, STEPS))
    base = min(bare)
    elapsed, plot = min(drawn, key=lambda run: run[0])
    step_ms = base / STEPS * 1e3
    yield Row(f"MLP loop, {STEPS} steps, no plot", f"{base:.2f} s", f"{step_ms:.2f} ms/step")
    yield Row(
        "same loop + live_loss.update every step (ratio)",
        f"{elapsed / base:.3f}×",
        f"goal ≤ 1.05×; {plot.redraws} redraw(s) to PNG, the final one "
        f"{plot._cost * 1e3:.0f} ms; best of {REPEATS}",
    )
    yield Row(
        "live_loss first render in a process (one-off)",
        f"{first * 1e3:.0f} ms",
        "no setup() warm-up; cold only when this module runs first in the process",
    )
    plot = live_loss(output="none")
    for step in range(STEPS):
        plot.update(step, train=1.0, acc=0.5)
    per_update = seconds(lambda: [plot.update(STEPS + i, train=1.0) for i in range(10_000)])
    yield Row("live_loss.update when no redraw is due", f"{per_update * 100:.1f} µs", "")
    yield Row(
        "live_loss redraw (2 panels, 2,000 points)", f"{seconds(plot.to_png) * 1e3:.0f} ms", ""
    )
    report = livelossplot_report()
    if report is None:
        yield Row(
            "same loop + livelossplot per update", "not installed", "pip install livelossplot"
        )
        return
    elapsed = seconds(lambda: loop(LIVELOSSPLOT_STEPS, report))
    per_step = elapsed / LIVELOSSPLOT_STEPS
    ratio = (base + per_step * STEPS) / base
    yield Row(
        "same loop + livelossplot per update (ratio, extrapolated)",
        f"{ratio:.0f}×",
        f"{per_step * 1e3:.0f} ms per update, timed on {LIVELOSSPLOT_STEPS} steps",
    )
