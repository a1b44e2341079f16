"""The playground where the learner waits: in Chromium, input event → new picture on screen.

JupyterLab (this checkout's ``widgets`` first on the kernel's path) and TensorFlow Playground
(the build in ../shared/reference/tf-playground, served on 127.0.0.1) in one headless Chromium.
Per control, the time from the input event (a capturing listener stamps it) to the frame that
shows the new model: for the course, the canvas's draw of the new run (``data-run`` changes,
``data-drawn-at`` is stamped by board.js just before the browser paints); for TF Playground,
the first animation frame after its change handler (it redraws inside the handler).
While training: frames per second (the course: draws per second; TF: its redraw loop's
animation frames) and training steps per second (the course: from the status line; TF: its
iteration counter, one iteration = one batch of 10 → epochs/s as it counts them).

Idle, each control is changed ``ROUNDS`` times on each side, interleaved. While training, one
side trains at a time (the other paused), so neither figure carries the other's animation loop
on the same cores. Then TF Playground's page is closed and each control is changed again on
the course alone, as a learner's browser has it. Then chapter 07 is run whole three times, and
its first playground's learning rate is moved the moment the last cell has run (the issue's
3.1 s figure was this move while all of the chapter's playgrounds still trained). The machine
is shared: the load average is printed first; compare ratios, not absolute figures.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench import Row

ROOT = Path(__file__).resolve().parents[1]
TF = ROOT.parent.parent / "shared" / "reference" / "tf-playground"
if not TF.exists():
    TF = Path("/work/shared/reference/tf-playground")
CHROMIUM = "/usr/bin/chromium"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
CELLS = (
    "from widgets import playground, setup\nsetup('en')",
    "playground(task='xor', controls=('activation', 'hidden', 'lr'), max_steps=400)",
    "playground(task='xor', controls=('activation',), max_steps=10**7, preview_steps=0)",
)
STAMP = """() => {
  window.__t0 = null;
  const stamp = (e) => { if (window.__t0 === null) window.__t0 = performance.now(); };
  for (const kind of ['keydown', 'pointerdown', 'input', 'change', 'mousedown'])
    window.addEventListener(kind, stamp, true);
}"""
ARM = "() => { window.__t0 = null; }"
# The course: before the event, watch the canvas for its first draw of a run other than
# `before` (a MutationObserver's callback runs right after that draw, before any other);
# then wait for that draw: ms from the event. Reading `data-drawn-at` only once the wait has
# begun would give a later frame's time when a second frame came in between.
COURSE_ARM = """(out, before) => {
  const el = out.querySelector('[data-run]');
  if (window.__watch) window.__watch.disconnect();
  window.__runAt = null;
  window.__watch = new MutationObserver(() => {
    if (window.__runAt === null && el.dataset.run !== before) {
      window.__runAt = Number(el.dataset.drawnAt);
      window.__watch.disconnect();
    }
  });
  window.__watch.observe(el, { attributes: true, attributeFilter: ['data-drawn-at'] });
}"""
COURSE_WAIT = """async () => {
  const start = performance.now();
  while (window.__runAt === null) {
    if (performance.now() - start > 20000) return -1;
    await new Promise(r => setTimeout(r, 1));
  }
  return window.__runAt - window.__t0;
}"""
# TF Playground: the first animation frame after the event's handlers ran.
TF_ARM = """() => { window.__t0 = null; window.__tf = new Promise(resolve => {
  const wait = () => window.__t0 === null ? setTimeout(wait, 0)
    : requestAnimationFrame(() => resolve(performance.now() - window.__t0));
  wait(); }); }"""
COUNT_FRAMES = """async (out, seconds) => {
  const el = out.querySelector('[data-frame]');
  const f0 = Number(el.dataset.frame), k0 = Number(el.dataset.kernelFrame);
  const t0 = performance.now();
  await new Promise(r => setTimeout(r, seconds * 1000));
  const dt = (performance.now() - t0) / 1000;
  return [(Number(el.dataset.frame) - f0) / dt, (Number(el.dataset.kernelFrame) - k0) / dt];
}"""
COUNT_RAF = """async (seconds) => {
  let n = 0; const t0 = performance.now();
  await new Promise(resolve => { const tick = () => { n++;
    if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(tick); else resolve(); };
    requestAnimationFrame(tick); });
  return n / ((performance.now() - t0) / 1000);
}"""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def summary(times: list[float]) -> tuple[str, str]:
    ok = sorted(t for t in times if t >= 0)
    if not ok:
        return "–", "no frame"
    p90 = ok[min(len(ok) - 1, round(0.9 * (len(ok) - 1)))]
    return f"{statistics.median(ok):.0f} ms", f"p90 {p90:.0f} ms, n={len(ok)}"


@functools.cache
def tf_server() -> str:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(TF))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/index.html"


def new_page(browser):
    """A page in a browser context of its own (the course and TF Playground never share one)."""
    return browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()


def course_page(browser, lab):
    from tests.support.browser import open_and_run_all, write_notebook
    from tests.support.jupyter_server import ROOT as SERVED

    served = write_notebook(SERVED / "test-output" / "bench" / "playground_browser.ipynb", CELLS)
    page = new_page(browser)
    open_and_run_all(page, lab, served)
    page.wait_for_selector("[data-run]", timeout=120_000)
    page.evaluate(STAMP)
    return page


def output(page, n: int):
    return page.locator(".jp-OutputArea-output", has=page.locator("canvas.nyumon-board")).nth(n)


def course_status(page, n: int = 0) -> str:
    return output(page, n).locator(".widget-html").first.inner_text()


def course_done(page, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while "— done" not in course_status(page) and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def course_change(page, control: str, i: int, n: int = 0) -> float:
    out = output(page, n)
    before = out.evaluate("el => el.querySelector('[data-run]').dataset.run")
    out.evaluate(COURSE_ARM, before)
    page.evaluate(ARM)
    if control == "activation":
        out.locator("select").first.select_option(value="relu" if i % 2 == 0 else "tanh")
    else:
        label = {"hidden": "hidden units", "lr": "learning rate"}[control]
        slider = out.locator(".widget-slider", has=page.locator(".widget-label", has_text=label))
        slider.first.locator(".noUi-handle").focus()
        page.evaluate(ARM)
        page.keyboard.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
    return page.evaluate(COURSE_WAIT)


def course_steps_per_second(page, seconds: float = 3.0, n: int = 1) -> float:
    def step() -> tuple[float, int]:
        match = re.search(r"step (\d+)", course_status(page, n))
        return time.perf_counter(), int(match.group(1)) if match else 0

    t0, s0 = step()
    page.wait_for_timeout(seconds * 1000)
    t1, s1 = step()
    return (s1 - s0) / (t1 - t0)


def stop_kernels(lab) -> None:
    """Shut down every kernel of the server (paused playgrounds hold memory, not CPU)."""
    from tests.support.jupyter_server import api

    for kernel in api(lab, "/api/kernels"):
        api(lab, f"/api/kernels/{kernel['id']}", method="DELETE")


def first_move_after_run_all(browser, lab, repetition: int) -> float:
    """Chapter 07 (en) run whole; at once its first playground's learning rate one stop."""
    from tests.support.browser import copy_notebook, open_and_run_all
    from tests.support.jupyter_server import ROOT as SERVED

    target = SERVED / "test-output" / "bench" / f"07_run_all_{repetition}.ipynb"
    served = copy_notebook("chapters/en/07_en_playground.ipynb", target)
    page = new_page(browser)
    open_and_run_all(page, lab, served)
    page.evaluate(STAMP)
    output(page, 0).scroll_into_view_if_needed()
    took = course_change(page, "lr", repetition)
    page.context.close()
    stop_kernels(lab)
    return took


def tf_page(browser):
    page = new_page(browser)
    page.goto(tf_server() + "#activation=tanh&networkShape=4,2&learningRate=0.03&dataset=xor")
    page.wait_for_selector("#activations")
    page.evaluate(STAMP)
    return page


def tf_change(page, control: str, i: int) -> float:
    page.evaluate(TF_ARM)
    if control == "activation":
        page.select_option("#activations", value="relu" if i % 2 == 0 else "tanh")
    elif control == "hidden":
        page.locator(".ui-numNodes1 button").nth(1 if i % 2 == 0 else 0).click()
    else:
        page.select_option("#learningRate", index=4 if i % 2 == 0 else 5)
    return page.evaluate("() => window.__tf")


def tf_iterations(page) -> int:
    text = page.locator("#iter-number").inner_text().replace(",", "")
    return int(text or 0)


def measure() -> dict[str, tuple[list[float], list[float]]]:
    from playwright.sync_api import sync_playwright

    from tests.support.jupyter_server import running_lab

    results: dict[str, tuple[list[float], list[float]]] = {}
    extra: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        env = {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        with running_lab(Path(tmp), lang="en", env=env) as lab:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            course, tf = course_page(browser, lab), tf_page(browser)
            # the second playground, shown last, trains and has paused the first: pause it,
            # let the first finish (else the first wait below runs out its 60 s)
            output(course, 1).locator("button", has_text="Pause").click()
            output(course, 0).locator("button", has_text="Run").click()
            course_done(course)
            for control in ("activation", "hidden", "lr"):
                ours, theirs = [], []
                for i in range(ROUNDS):
                    course_done(course)
                    ours.append(course_change(course, control, i))
                    theirs.append(tf_change(tf, control, i))
                results[control] = (ours, theirs)
            # while training, one side at a time: the second playground's long run (Run),
            # then TF Playground playing while the course is paused
            pause = output(course, 1).locator("button", has_text="Pause")
            output(course, 1).locator("button", has_text="Run").click()
            course.wait_for_timeout(1500)
            fps, sent = output(course, 1).evaluate(COUNT_FRAMES, 3)
            extra["course fps"], extra["course frames sent/s"] = fps, sent
            extra["course steps/s"] = course_steps_per_second(course)
            pause.click()
            tf.click("#play-pause-button")
            tf.wait_for_timeout(1500)
            i0, t0 = tf_iterations(tf), time.perf_counter()
            extra["tf fps"] = tf.evaluate(COUNT_RAF, 3)
            extra["tf iterations/s"] = (tf_iterations(tf) - i0) / (time.perf_counter() - t0)
            tf.click("#play-pause-button")  # TF Playground paused, the course trains
            output(course, 1).locator("button", has_text="Run").click()
            course.wait_for_timeout(1000)
            # while training, changes one side at a time too: each side plays alone, so
            # neither's figure carries the other's animation loop on the same 2 cores
            ours = []
            for i in range(ROUNDS):
                ours.append(course_change(course, "activation", i, n=1))
                course.wait_for_timeout(400)
            output(course, 1).locator("button", has_text="Pause").click()
            theirs = []  # TF Playground pauses on a change: press play each time
            for i in range(ROUNDS):
                tf.click("#play-pause-button")
                tf.wait_for_timeout(400)
                theirs.append(tf_change(tf, "activation", i))
            results["activation, while training"] = (ours, theirs)
            tf.context.close()
            # the course alone in the browser, as a learner has it: no second page sharing
            # the browser's processes and the 2 cores
            for control in ("activation", "hidden", "lr"):
                alone = []
                for i in range(ROUNDS):
                    course_done(course)
                    alone.append(course_change(course, control, i))
                results[f"{control}, course alone"] = (alone, [])
            course.context.close()
            stop_kernels(lab)
            extra["after Run All"] = [first_move_after_run_all(browser, lab, r) for r in range(3)]
            browser.close()
    measure.extra = extra  # type: ignore[attr-defined]
    return results


def headless_steps_per_second(frames: bool, seconds: float = 3.0) -> float:
    """Steps per second of the playground's trainer thread, with or without frames."""
    from widgets._playground.widget import playground

    pg = playground(task="xor", controls=("lr",), max_steps=10**7, preview_steps=0)
    if not frames:
        pg.session.on_update = lambda s: None
    pg.start()
    time.sleep(0.5)
    s0, t0 = pg.session.run.steps, time.perf_counter()
    time.sleep(seconds)
    rate = (pg.session.run.steps - s0) / (time.perf_counter() - t0)
    pg.stop()
    pg.wait(10)
    return rate


def rows():
    yield Row(
        "playground browser bench: machine load at start", f"{os.getloadavg()[0]:.1f}", load()
    )
    results = measure()
    extra = measure.extra  # type: ignore[attr-defined]
    for control, (ours, theirs) in results.items():
        median, note = summary(ours)
        tf_median, tf_note = summary(theirs)
        peer = f"; TF Playground {tf_median} ({tf_note})" if theirs else " (TF Playground closed)"
        yield Row(f"event → new frame: {control}", median, f"course {note}{peer}")
    first = extra["after Run All"]
    each = ", ".join(f"{t:.0f}" for t in first)
    yield Row(
        "chapter 07 after Run All: first slider move",
        f"{statistics.median(first):.0f} ms",
        f"median of {len(first)} fresh runs of the whole chapter ({each} ms): the first "
        "playground's learning rate, the moment the last cell has run",
    )
    yield Row(
        "while training: frames/s",
        f"{extra['course fps']:.1f}",
        f"canvas draws/s ({extra['course frames sent/s']:.1f} frames/s from the kernel); "
        f"TF Playground {extra['tf fps']:.1f} animation frames/s",
    )
    yield Row(
        "while training: steps/s (status line)",
        f"{extra['course steps/s']:.0f}",
        f"TF Playground {extra['tf iterations/s']:.1f} iterations/s",
    )
    with_frames = statistics.median(headless_steps_per_second(True) for _ in range(3))
    without = statistics.median(headless_steps_per_second(False) for _ in range(3))
    yield Row(
        "trainer steps/s in-process, frames built vs none",
        f"{with_frames:.0f}",
        f"{without:.0f} without frames ({with_frames / without - 1:+.0%}); no browser: a frame "
        "every 0.5 s",
    )
    yield Row("playground browser bench: machine load at end", f"{os.getloadavg()[0]:.1f}", load())
