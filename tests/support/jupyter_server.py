"""Start the course's real JupyterLab (with ``jupyter_config/``) for server and browser tests."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Lab:
    url: str  # http://127.0.0.1:PORT
    token: str
    port: int
    pid: int
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_command(port: int) -> list[str]:
    """The command `make lab` runs, with a fixed port and no browser."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--port={port}", "--no-browser"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def logged_token(log: Path) -> str:
    """The token in the `http://127.0.0.1:PORT/lab/...?token=...` line Jupyter prints."""
    match = re.search(r"http://127\.0\.0\.1:\d+/lab\S*\?token=([0-9a-f]+)", log.read_text())
    return match.group(1) if match else ""


@contextmanager
def running_lab(
    tmp: Path,
    *,
    lang: str = "en",
    token: str | None = None,
    root: Path | None = None,
    env: dict[str, str | None] | None = None,
):
    """JupyterLab on a free loopback port; stopped on exit.

    With ``token=None`` a random token is passed in JUPYTER_TOKEN; with ``token=""`` none is
    passed, as with `make lab`, and Jupyter must generate one (read back from its log).
    HOME and the Jupyter user directories point into ``tmp`` so nothing a test does lands
    in the repository or the developer's own settings. ``root`` serves another folder than
    the repository (the rest of the course configuration stays). ``env`` adds to or replaces
    variables of the server's environment (a value of None removes one).
    """
    extra = env
    if token is None:
        token = secrets.token_hex(16)
    port = free_port()
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter_config"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "LANG": "ja_JP.UTF-8" if lang == "ja" else "C.UTF-8",
    }
    env.pop("JUPYTER_TOKEN", None)
    if token:
        env["JUPYTER_TOKEN"] = token
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    log = tmp / "jupyterlab.log"
    command = lab_command(port)
    if root is not None:
        command += [f"--ServerApp.root_dir={root}", f"--ServerApp.preferred_dir={root}"]
    with serving(command, env, log, port, token) as (proc, url, token):
        yield Lab(url=url, token=token, port=port, pid=proc.pid, log=log)


@contextmanager
def serving(command: list[str], env: dict, log: Path, port: int, token: str, cwd=None):
    """Run a Jupyter server command; yield ``(process, url, token)`` once it answers.

    With ``token=""`` the token is read back from the log. The server is stopped on exit
    (terminate, then kill after 20 s).
    """
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"The server exited early:\n{log.read_text()[-3000:]}")
            token = token or logged_token(log)
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"The server did not start:\n{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.3)
        yield proc, url, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def api(lab: Lab, path: str, *, method: str = "GET", body: dict | None = None) -> dict:
    """One authenticated JSON request to the server's REST API."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{lab.url}{path}", data=data, method=method,
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=20) as response:
        text = response.read()
    return json.loads(text) if text else {}
