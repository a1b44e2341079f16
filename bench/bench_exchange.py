"""The exchange service (issue 26, item 5): calls per second, and a class of 40 handing in
and being collected (``python -m bench bench_exchange``; needs root and the course runtime).

The real classroom hub with ``NYUMON_NBGRADER_EXCHANGE=service`` (classroom/exchange/), its
proxy and the service as its own account. ``NYUMON_BENCH_STUDENTS`` students (default 40) are
added to the hub and each gets a token for the exchange (bench/exchange_hub.py); no server is
started, so the figures are the service's, through the proxy, as nbgrader's client in a
server calls it (client.py): a hand-in is ``GET assignments`` then ``POST`` of the zipped
folder; a collect is the list of hand-ins, then one download per student, unpacked and
checked as the instructor's ``nbgrader collect`` does. nbgrader's own start-up (seconds per
command: ``nbgrader --version`` took 4-6 s at load 5) is not in them.

The notebook handed in is chapter 08's assignment (38 KB), a slightly different copy each.
"""

from __future__ import annotations

import io
import os
import secrets
import statistics
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench import Row
from classroom import runtime
from classroom.exchange.archive import Limits, members, notebooks
from tests.classroom.hub import running_hub
from tests.support.jupyter_server import ROOT, free_port

STUDENTS = int(os.environ.get("NYUMON_BENCH_STUDENTS", "40"))
# Hand-ins in flight at once: a class near its deadline, each student's server one request.
AT_ONCE = 8
# How long the calls-per-second figures are taken over.
SECONDS = 10.0
COURSE = "pytorch-nyumon"
ASSIGNMENT = "08_autograd_from_scratch_ja"
TOKEN = secrets.token_hex(16)


def notebook() -> Path:
    found = sorted((ROOT / "classroom" / "nbgrader" / "source").glob("08_*_ja/*.ipynb"))
    if not found:
        raise FileNotFoundError("no chapter 08 assignment in classroom/nbgrader/source")
    return found[0]


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


class Exchange:
    def __init__(self, hub_url: str) -> None:
        self.base = f"{hub_url}/services/exchange/api/courses/{COURSE}"
        self.local = threading.local()

    def call(self, token: str, method: str, path: str, **kwargs) -> requests.Response:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
        response = session.request(method, f"{self.base}{path}", timeout=120,
                                   headers={"Authorization": f"token {token}"}, **kwargs)  # fmt: skip
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response


def hub_api(hub_url: str, method: str, path: str, body: dict | None = None) -> dict | list:
    response = requests.request(method, f"{hub_url}/hub/api{path}", json=body, timeout=60,
                                headers={"Authorization": f"token {TOKEN}"})  # fmt: skip
    if response.status_code >= 300:
        raise RuntimeError(f"hub {method} {path}: {response.status_code} {response.text[:300]}")
    return response.json() if response.content else {}


def exchange_token(hub_url: str, name: str) -> str:
    reply = hub_api(hub_url, "POST", f"/users/{name}/tokens", {
        "note": "bench_exchange", "expires_in": 3600,
        "scopes": ["access:services!service=exchange"],
    })  # fmt: skip
    assert isinstance(reply, dict)
    return reply["token"]


def rate(work, tokens: list[str]) -> tuple[float, float]:
    """(calls per second, p50 latency in ms) of ``work(token)`` in AT_ONCE threads."""
    latencies: list[float] = []
    stop = time.perf_counter() + SECONDS

    def worker(index: int) -> None:
        while time.perf_counter() < stop:
            token = tokens[(index + len(latencies)) % len(tokens)]
            start = time.perf_counter()
            work(token)
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    with ThreadPoolExecutor(AT_ONCE) as pool:
        list(pool.map(worker, range(AT_ONCE)))
    return len(latencies) / (time.perf_counter() - start), statistics.median(latencies) * 1000


def rows() -> Iterator[Row]:
    if os.geteuid() != 0:
        raise SystemExit("bench_exchange starts the classroom hub: run it as root")
    runtime.setup()
    source = notebook()
    payload = source.read_bytes()
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        base = Path(tmp)
        storage = base / "store" / "exchange"
        storage.parent.mkdir()
        storage.parent.chmod(0o755)  # the service's own account makes and owns `exchange`
        base.chmod(0o755)
        (base / "hub").mkdir()
        extra = ["classroom/nbgrader/jupyterhub_nbgrader.py", "bench/exchange_hub.py"]
        with running_hub(
            base / "hub",
            NYUMON_HUB_CONFIG_EXTRA=":".join(extra),
            NYUMON_NBGRADER_EXCHANGE="service",
            NYUMON_EXCHANGE_ROOT=str(storage),
            NYUMON_EXCHANGE_PORT=str(free_port()),
            NYUMON_BENCH_HUB_TOKEN=TOKEN,
        ) as hub:
            yield from measure(hub, payload, source.name)


def measure(hub, payload: bytes, name: str) -> Iterator[Row]:
    names = [hub.student_name(f"s{i:02d}") for i in range(STUDENTS)]
    hub_api(hub.url, "POST", "/users", {"usernames": names})
    tokens = [exchange_token(hub.url, n) for n in names]
    teacher = exchange_token(hub.url, hub.admin)
    x = Exchange(hub.url)
    deadline = time.monotonic() + 60
    while True:  # the service starts with the hub; wait until it answers
        try:
            x.call(teacher, "GET", "/assignments")
            break
        except (RuntimeError, requests.ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    release = zipped(name, payload)
    x.call(teacher, "PUT", f"/assignments/{ASSIGNMENT}", data=release)
    note = f"{STUDENTS} students, {AT_ONCE} at once, load {os.getloadavg()[0]:.1f}"

    listed, p50 = rate(lambda t: x.call(t, "GET", "/assignments"), tokens)
    yield Row("exchange: list released assignments", f"{listed:.0f} calls/s", f"p50 {p50:.0f} ms")

    def hand_in(token: str) -> None:
        x.call(token, "GET", "/assignments")
        x.call(token, "POST", f"/assignments/{ASSIGNMENT}/submissions",
               data=zipped(name, payload + secrets.token_hex(8).encode()))  # fmt: skip

    start = time.perf_counter()
    with ThreadPoolExecutor(AT_ONCE) as pool:
        list(pool.map(hand_in, tokens))
    handed = time.perf_counter() - start
    yield Row(f"exchange: a class of {STUDENTS} hands in", f"{handed:.1f} s",
              f"{len(release) / 1024:.0f} KiB zip each; {note}")  # fmt: skip

    limits = Limits.from_env()
    start = time.perf_counter()
    subs = x.call(teacher, "GET", f"/assignments/{ASSIGNMENT}/submissions").json()
    got = 0
    for row in subs:
        data = x.call(teacher, "GET", f"/submissions/{row['id']}").content
        got += len(notebooks(members(data, limits)))
    collected = time.perf_counter() - start
    if got != STUDENTS:
        raise RuntimeError(f"collected {got} notebooks of {STUDENTS} hand-ins")
    yield Row(f"exchange: the instructor collects {STUDENTS}", f"{collected:.1f} s",
              "list + one download each, archives checked")  # fmt: skip

    mine, p50 = rate(lambda t: x.call(t, "GET", "/submissions"), tokens)
    yield Row("exchange: a student lists her hand-ins", f"{mine:.0f} calls/s", f"p50 {p50:.0f} ms")
    more, p50 = rate(lambda t: hand_in(t), tokens)
    yield Row("exchange: hand-ins (list + submit)", f"{more:.1f} per s", f"p50 {p50:.0f} ms")
