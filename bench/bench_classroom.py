"""Classroom sizing: each chapter's peak kernel memory and CPU time, a student's server, and
how many students fit on a node (classroom/README.md, "Sizing", shows the same arithmetic).

The chapters run once each (Japanese; the English copies have the same code) through
``bench_notebooks.execute``, which ``bench_notebooks`` reuses in the same run.
"""

from __future__ import annotations

import math
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil

from bench import Row
from bench.bench_notebooks import ROOT, execute, tree_rss

# Common node sizes (cores, GiB): e.g. 4/16 = n2-standard-4, m6i.xlarge, Standard_D4s_v5.
NODES = [(4, 16), (8, 32), (16, 64), (32, 128)]
# Left to the OS and Kubernetes on each node (kubelet, system pods, eviction threshold).
RESERVED_GIB = 1.5
# Every student may run the heaviest chapter at the same moment (a class does), so the
# guarantee covers it with 10% to spare; the limit leaves room for a student's experiments.
GUARANTEE_HEADROOM = 1.1
LIMIT_FACTOR = 1.5
CPU_GUARANTEE = 0.5  # cores promised to each student; the limit is 1 core (classroom README)


def round_up_gib(mib: float, step_mib: int) -> float:
    return math.ceil(mib / step_mib) * step_mib / 1024


def server_rss_mib() -> float:
    """A student's JupyterLab server with the course settings, page loaded, no kernel."""
    from tests.support.jupyter_server import running_lab

    with tempfile.TemporaryDirectory() as tmp, running_lab(Path(tmp)) as lab:
        urllib.request.urlopen(f"{lab.url}/lab?token={lab.token}", timeout=60).read()
        return tree_rss(psutil.Process(lab.pid)) / 2**20


def students_per_node(cores: int, gib: int, guarantee_gib: float) -> tuple[int, int]:
    """(by memory, by CPU) students per node."""
    by_memory = math.floor((gib - RESERVED_GIB) / guarantee_gib)
    by_cpu = math.floor((cores - 0.5) / CPU_GUARANTEE)
    return by_memory, by_cpu


def rows() -> Iterator[Row]:
    heaviest = ("", 0.0)
    for path in sorted((ROOT / "chapters" / "ja").glob("*.ipynb")):
        run = execute(path)
        name = path.relative_to(ROOT).as_posix()
        yield Row(f"peak kernel RSS {name}", f"{run.peak_rss_mib:.0f} MiB")
        yield Row(f"kernel CPU time {name}", f"{run.cpu_seconds:.1f} s", "user + system")
        heaviest = max(heaviest, (name, run.peak_rss_mib), key=lambda item: item[1])
    server = server_rss_mib()
    yield Row("JupyterLab server RSS (page loaded, no kernel)", f"{server:.0f} MiB")
    need = server + heaviest[1]
    guarantee = round_up_gib(need * GUARANTEE_HEADROOM, 256)
    limit = round_up_gib(need * LIMIT_FACTOR, 512)
    yield Row(
        "memory per student: server + heaviest chapter",
        f"{need:.0f} MiB",
        f"{server:.0f} + {heaviest[1]:.0f} ({heaviest[0]})",
    )
    yield Row(
        "memory guarantee per student",
        f"{guarantee:.2f} GiB",
        f"{need:.0f} MiB × {GUARANTEE_HEADROOM}, rounded up to 256 MiB",
    )
    yield Row(
        "memory limit per student",
        f"{limit:.2f} GiB",
        f"{need:.0f} MiB × {LIMIT_FACTOR}, rounded up to 512 MiB",
    )
    for cores, gib in NODES:
        by_memory, by_cpu = students_per_node(cores, gib, guarantee)
        yield Row(
            f"students per node, {cores} cores / {gib} GiB",
            str(min(by_memory, by_cpu)),
            f"memory ⌊({gib} − {RESERVED_GIB}) / {guarantee:.2f}⌋ = {by_memory}; "
            f"CPU ⌊({cores} − 0.5) / {CPU_GUARANTEE}⌋ = {by_cpu}",
        )
