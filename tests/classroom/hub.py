"""A real classroom JupyterHub for tests: started as `make classroom` starts it, on free ports.

Its state (database, cookie secret, proxy token) lives in a temporary folder; the course
runtime is the shared one made by ``python -m classroom setup``. Students get names that
start with a per-run prefix and are removed, with their homes and processes, on exit.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil
import requests

from classroom import runtime, users
from tests.support.jupyter_server import ROOT, free_port


def require(reason: str) -> None:
    """Skip the test for ``reason``; under ``NYUMON_REQUIRE_CLASSROOM=1`` (CI) fail instead."""
    import pytest

    if os.environ.get("NYUMON_REQUIRE_CLASSROOM") == "1":
        pytest.fail(f"NYUMON_REQUIRE_CLASSROOM=1 but {reason}", pytrace=False)
    pytest.skip(reason)


PASSWORD = "kurasu-" + secrets.token_hex(4)  # long enough and not a common password


@dataclass
class Hub:
    url: str
    proc: subprocess.Popen | None
    log: Path
    admin: str
    prefix: str  # every student name made by this hub starts with it
    env: dict[str, str] = field(default_factory=dict)  # what it was started with
    made: list[str] = field(default_factory=list)

    def student_name(self, label: str) -> str:
        name = f"{self.prefix}{label}"
        self.made.append(name)
        return name

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    # -- what a person does in the hub's pages ------------------------------------------
    def form(self, session: requests.Session, page: str, data: dict) -> requests.Response:
        """Fetch ``page``, then post ``data`` to it with the page's XSRF token, like a browser."""
        html = session.get(f"{self.url}{page}", timeout=30)
        html.raise_for_status()
        token = re.search(r'name="_xsrf" value="([^"]+)"', html.text).group(1)
        return session.post(
            f"{self.url}{page}", data={"_xsrf": token, **data}, allow_redirects=False, timeout=30
        )

    def sign_up(self, name: str, password: str = PASSWORD) -> str:
        """Sign up through /hub/signup; returns the page's message."""
        page = self.form(requests.Session(), "/hub/signup", {
            "username": name, "signup_password": password,
            "signup_password_confirmation": password,
        })  # fmt: skip
        page.raise_for_status()
        return alert_text(page.text)

    def log_in(
        self, name: str, password: str = PASSWORD
    ) -> tuple[requests.Session, requests.Response]:
        session = requests.Session()
        return session, self.form(session, "/hub/login", {"username": name, "password": password})

    def approve(self, admin: requests.Session, name: str) -> None:
        """What the admin's click on "Authorize" in /hub/authorize does."""
        page = admin.get(f"{self.url}/hub/authorize/{name}", timeout=30)
        page.raise_for_status()
        assert f'<tr class="success" id={name}>' in page.text, page.text[-2000:]

    def student(self, label: str) -> Student:
        """A new student: signed up, approved by the admin, logged in."""
        name = self.student_name(label)
        self.sign_up(name)
        admin, _ = self.log_in(self.admin)
        self.approve(admin, name)
        session, response = self.log_in(name)
        assert response.status_code == 302, alert_text(response.text)
        return Student(name, session, self)


@dataclass
class Student:
    name: str
    session: requests.Session
    hub: Hub

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def start_server(self, timeout: float = 120) -> None:
        """Ask for the server as the hub's home page does; wait until JupyterLab loads.

        Loading /lab goes through the hub's OAuth, which gives this session its cookie for
        the server (API requests alone would get a 403 without it).
        """
        self.session.get(f"{self.hub.url}/hub/spawn/{self.name}", timeout=30)
        deadline = time.monotonic() + timeout
        while True:
            response = self.session.get(f"{self.server}/lab", timeout=30)
            if response.status_code == 200 and response.url.startswith(f"{self.server}/lab"):
                return
            assert time.monotonic() < deadline, (
                f"server of {self.name} not up:\n{self.hub.log_text()[-3000:]}"
            )
            time.sleep(1)

    def home(self) -> Path:
        return Path(pwd.getpwnam(self.name).pw_dir)

    def hand_over(self, source: Path, name: str) -> Path:
        """Copy ``source`` into the person's home as ``name``, owned by them: what a real class
        gives a person (a clone of their own), never a path inside this checkout, which may sit
        in a folder only its owner can enter (``mktemp -d``, a Debian home)."""
        account = pwd.getpwnam(self.name)
        target = self.home() / name
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        for path in [target, *target.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
        return target

    def xsrf(self) -> str:
        """The server's XSRF token, set as a cookie when JupyterLab loaded."""
        mine = f"/user/{self.name}/"
        return next(c.value for c in self.session.cookies if c.name == "_xsrf" and c.path == mine)

    def api(self, method: str, path: str, body: dict | None = None, *, xsrf: bool = True):
        headers = {"X-XSRFToken": self.xsrf()} if xsrf else {}
        return self.session.request(
            method, f"{self.server}/api/{path}", json=body, headers=headers, timeout=60
        )

    def start_kernel(self) -> str:
        """A new kernel of the student's server, left running; its id."""
        kernel = self.api("POST", "kernels", {"name": "python3"})
        assert kernel.status_code == 201, kernel.text
        return kernel.json()["id"]

    def run_in_kernel(self, code: str, timeout: float = 120, *, kernel: str | None = None) -> dict:
        """Run ``code`` in the student's ``kernel`` (by default a new one, shut down after);
        stdout, stderr, and the error it raised (or the kernel's death)."""
        import websocket

        kernel_id = kernel or self.start_kernel()
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        ws_url = self.server.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(
            f"{ws_url}?session_id={uuid.uuid4().hex}", cookie=cookies, timeout=timeout,
            header={"X-XSRFToken": self.xsrf()},
        )  # fmt: skip
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                           "session": uuid.uuid4().hex, "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }))  # fmt: skip
            out = {"stdout": "", "stderr": "", "error": ""}
            deadline = time.monotonic() + timeout
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no reply from the kernel in {timeout} s: {out}")
                msg = json.loads(ws.recv())
                kind, content = msg["msg_type"], msg["content"]
                if kind == "status" and content.get("execution_state") in ("restarting", "dead"):
                    out["error"] += f"kernel {content['execution_state']}"  # killed under us
                    return out
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if kind == "stream":  # a warning on stderr is output, not an error
                    out["stdout" if content["name"] == "stdout" else "stderr"] += content["text"]
                elif kind == "error":
                    out["error"] += f"{content['ename']}: {content['evalue']}"
                elif kind == "status" and content["execution_state"] == "idle":
                    return out
        finally:
            ws.close()
            if kernel is None:
                self.api("DELETE", f"kernels/{kernel_id}")

    def run_in_terminal(self, command: str, timeout: float = 60) -> str:
        """Type ``command`` into a new terminal of the student's server; what it printed."""
        import websocket

        made = self.api("POST", "terminals")
        assert made.status_code == 200, made.text
        name = made.json()["name"]
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        ws = websocket.create_connection(
            self.server.replace("http://", "ws://") + f"/terminals/websocket/{name}",
            cookie=cookies, timeout=timeout, header={"X-XSRFToken": self.xsrf()},
        )  # fmt: skip
        try:
            # The quotes keep the marker out of the terminal's echo of the typed line.
            ws.send(json.dumps(["stdin", f'{command}; echo __do""ne__\r']))
            out, deadline = "", time.monotonic() + timeout
            while "__done__" not in out and time.monotonic() < deadline:
                message = json.loads(ws.recv())
                if message[0] == "stdout":
                    out += message[1]
            return out
        finally:
            ws.close()
            self.api("DELETE", f"terminals/{name}")


# nbgrader's command line, as an instructor runs it in a kernel of his own server.
NBGRADER = """
import subprocess, sys
from pathlib import Path
def nbgrader(*args):
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args],
                          cwd=Path.home() / "pytorch-nyumon-course", capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr
"""


def run_ok(person: Student, code: str) -> str:
    """``code`` run in a new kernel of the person's server, which must not raise; its stdout."""
    out = person.run_in_kernel(code, timeout=300)
    assert not out["error"], out
    return out["stdout"]


def server_call(person: Student, method: str, path: str, body: dict | None = None):
    """A request to the person's own server outside /api (nbgrader's assignment list)."""
    return person.session.request(
        method, f"{person.server}/{path}", json=body,
        headers={"X-XSRFToken": person.xsrf()}, timeout=120,
    )  # fmt: skip


def instructor(hub: Hub, *assignments: str) -> Student:
    """The hub's admin as the instructor: the course copied home, ``assignments`` released."""
    session, response = hub.log_in(hub.admin)
    assert response.status_code == 302
    hub.made.append(hub.admin)  # their OS account is removed with the students'
    teacher = Student(hub.admin, session, hub)
    teacher.start_server()
    # The instructor's own copy of the course, as a clone in his home would be.
    teacher.hand_over(ROOT / "classroom" / "nbgrader", "pytorch-nyumon-course")
    steps = "".join(
        f"nbgrader('generate_assignment', {a!r})\nnbgrader('release_assignment', {a!r})\n"
        for a in assignments
    )
    run_ok(teacher, NBGRADER + steps)
    return teacher


def alert_text(html: str) -> str:
    """The message a hub page shows a person (NativeAuthenticator's alerts, login errors)."""
    found = re.findall(r'class="[^"]*(?:alert|login_error)[^"]*"[^>]*>(.*?)</', html, re.S)
    return " ".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", f)).strip() for f in found)


def pull_api(student: Student, query: dict, timeout: float = 120) -> list[dict]:
    """The events of nbgitpuller's pull, as its page reads them (server-sent events)."""
    url = f"{student.server}/git-pull/api?{urlencode(query)}"
    events = []
    with student.session.get(url, stream=True, timeout=timeout) as response:
        assert response.status_code == 200, response.text[:2000]
        for line in response.iter_lines(decode_unicode=True):
            if line and line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if events[-1].get("phase") in ("finished", "error"):
                    break
    return events


def processes_of(uid: int) -> list[psutil.Process]:
    """The user's processes that still run. A zombie has exited: it only waits for its parent
    (or, once orphaned, for PID 1, which in some containers never reaps) to collect it."""
    return [
        p
        for p in psutil.process_iter(["uids", "status"])
        if p.info["uids"]
        and p.info["uids"].real == uid
        and p.info["status"] != psutil.STATUS_ZOMBIE
    ]


def cmdline(p: psutil.Process) -> list[str]:
    """Its command line; empty once it has exited (even between listing it and asking)."""
    try:
        return p.cmdline()
    except psutil.Error:  # gone, or a zombie since processes_of listed it
        return []


def servers_of(uid: int) -> list[psutil.Process]:
    """The user's running Jupyter servers (``jupyterhub-singleuser``)."""
    return [p for p in processes_of(uid) if "jupyterhub-singleuser" in " ".join(cmdline(p))]


@contextmanager
def running_hub(tmp: Path, **settings: str):
    """The classroom hub as `make classroom` runs it; stopped, students removed on exit.

    ``settings`` are more ``NYUMON_…`` variables for the hub (``NYUMON_MEM_LIMIT="1G"``)."""
    paths = runtime.Paths(prefix=runtime.Paths.from_env().prefix, state=tmp / "state")
    tag = secrets.token_hex(2)
    admin = f"t{tag}admin"
    port = free_port()
    env = {
        **os.environ,
        "NYUMON_CLASSROOM_STATE": str(paths.state),
        "NYUMON_HUB_PORT": str(port),
        "NYUMON_HUB_API_PORT": str(free_port()),
        "NYUMON_PROXY_API_PORT": str(free_port()),
        "NYUMON_HUB_ADMINS": admin,
        **settings,
    }
    log = tmp / "hub.log"
    hub = Hub(url=f"http://127.0.0.1:{port}", proc=None, log=log, admin=admin, prefix=f"t{tag}")
    hub.env = env
    try:
        start(hub)
        hub.sign_up(admin)
        yield hub
    finally:
        stop(hub)
        for name in hub.made:
            users.remove_student(name)


def start(hub: Hub, **settings: str) -> None:
    """Start ``hub`` (again: same state, ports and names) and wait until it answers.

    ``settings`` change its ``NYUMON_…`` variables from now on, as an instructor who edits
    them and restarts would."""
    hub.env |= settings
    with open(hub.log, "ab") as out:
        hub.proc = subprocess.Popen(
            [sys.executable, "-m", "classroom", "start"], cwd=ROOT, env=hub.env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        assert hub.proc.poll() is None, f"the hub exited:\n{hub.log_text()[-3000:]}"
        try:
            if requests.get(f"{hub.url}/hub/login", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, f"the hub did not start:\n{hub.log_text()[-3000:]}"
        time.sleep(0.5)


def stop(hub: Hub, timeout: float = 60) -> int | None:
    """SIGTERM to the hub, as Ctrl-C or systemd would; its exit code."""
    if hub.proc is not None and hub.proc.poll() is None:
        hub.proc.send_signal(signal.SIGTERM)
        try:
            hub.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(hub.proc.pid, signal.SIGKILL)
            hub.proc.wait()
    return None if hub.proc is None else hub.proc.returncode
