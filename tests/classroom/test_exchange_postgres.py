"""The exchange service as classroom/k8s/exchange.yaml runs it, on PostgreSQL: started with
the Deployment's command and environment (the names from the manifest; only addresses,
folders and the password are local), against a real PostgreSQL server (Debian's binaries)
and a stand-in for the hub's token check. A release, two students' hand-ins, each seeing
only her own, and a restart that loses nothing; the records are in PostgreSQL, not SQLite.

Needs PostgreSQL's server binaries (``apt-get install postgresql``) and a course runtime with
JupyterHub and psycopg (``python -m classroom setup``); it skips without them, unless
``NYUMON_REQUIRE_POSTGRES=1`` (set by CI): then it fails.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from classroom import runtime
from tests.support.jupyter_server import ROOT

requests = pytest.importorskip("requests")

K8S = ROOT / "classroom" / "k8s"
COURSE = "pytorch-nyumon"
SCOPE = "access:services!service=exchange"
TOKENS = {  # token -> the hub's model of its owner
    "instructor-token": {"name": "instructor", "groups": [f"formgrade-{COURSE}"]},
    "alice-token": {"name": "alice", "groups": []},
    "bob-token": {"name": "bob", "groups": []},
}


def require(reason: str):
    if os.environ.get("NYUMON_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"NYUMON_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing listens on {port} after {seconds} s:\n{log.read_text()[-3000:]}")


def manifests() -> tuple[dict, dict, str]:
    text = (K8S / "exchange.yaml").read_text()
    docs = [d for d in yaml.safe_load_all(text) if d]
    (deployment,) = [d for d in docs if d["kind"] == "Deployment"]
    (database,) = [d for d in docs if d["kind"] == "StatefulSet"]
    url = re.search(r'--from-literal=url="([^"]+)"', text).group(1)
    return (
        deployment["spec"]["template"]["spec"]["containers"][0],
        database["spec"]["template"]["spec"]["containers"][0],
        url,
    )


class FakeHub(BaseHTTPRequestHandler):
    """GET /hub/api/user with a user's token: the model the hub gives a server's token."""

    def do_GET(self):
        token = self.headers.get("Authorization", "").removeprefix("token ")
        owner = TOKENS.get(token)
        if self.path.split("?")[0] != "/hub/api/user" or owner is None:
            self.send_response(403)
            self.end_headers()
            return
        body = json.dumps({"kind": "user", **owner, "scopes": [SCOPE, "self"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def fake_hub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hub/api"
    finally:
        server.shutdown()
        server.server_close()


def postgres_bin() -> Path:
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if p.parts[-3].isdigit()]
    if not found:
        require("no PostgreSQL server binaries: apt-get install postgresql")
    return max(found, key=lambda p: int(p.parts[-3])).parent


def as_account():
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` account."""
    if os.geteuid() != 0:
        return None, None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        account = pwd.getpwnam("nobody")
    uid, gid = account.pw_uid, account.pw_gid

    def drop():
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)

    return (uid, gid), drop


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL server on a free port, with the StatefulSet's user, database, password."""
    bin_ = postgres_bin()
    _, db, url = manifests()
    user = next(e["value"] for e in db["env"] if e["name"] == "POSTGRES_USER")
    name = next(e["value"] for e in db["env"] if e["name"] == "POSTGRES_DB")
    password = secrets.token_hex(12)
    folder = Path(tempfile.mkdtemp(prefix="nyumon-pg-"))
    folder.chmod(0o755)
    owner, drop = as_account()
    (folder / "pw").write_text(password + "\n")
    (folder / "sock").mkdir()
    if owner:
        for path in (folder, folder / "pw", folder / "sock"):
            os.chown(path, *owner)
    log = folder / "postgres.log"
    run = {"preexec_fn": drop, "capture_output": True, "text": True}
    done = subprocess.run(
        [bin_ / "initdb", "-D", folder / "data", "-U", user, "--auth=scram-sha-256",
         f"--pwfile={folder / 'pw'}", "--encoding=UTF8", "--no-sync"], **run,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    port = free_port()
    with open(log, "w") as out:
        server = subprocess.Popen(
            [bin_ / "postgres", "-D", folder / "data", "-p", str(port), "-k", folder / "sock",
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
            stdout=out, stderr=subprocess.STDOUT, preexec_fn=drop,
        )  # fmt: skip
    try:
        wait_for_port(port, server, log)
        environ = {**os.environ, "PGPASSWORD": password}
        for _ in range(50):  # the port opens a moment before connections are accepted
            done = subprocess.run(
                [bin_ / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", user, name],
                env=environ, capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode == 0 or "starting up" not in done.stderr:
                break
            time.sleep(0.2)
        assert done.returncode == 0, done.stderr

        def sql(query: str) -> str:
            out = subprocess.run(
                [bin_ / "psql", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", name,
                 "-tAc", query], env=environ, capture_output=True, text=True, check=True,
            )  # fmt: skip
            return out.stdout.strip()

        template = urlparse(url)  # the Secret's URL, as the header of exchange.yaml makes it
        local = template._replace(netloc=f"{user}:{password}@127.0.0.1:{port}", path=f"/{name}")
        yield local.geturl(), sql
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def python() -> Path:
    interpreter = runtime.Paths.from_env().venv / "bin" / "python"
    if not interpreter.exists():
        require(f"no course runtime at {interpreter}: python -m classroom setup")
    check = subprocess.run([interpreter, "-c", "import jupyterhub.services.auth, psycopg"],
                           capture_output=True, text=True)  # fmt: skip
    if check.returncode != 0:
        require(f"{interpreter} lacks JupyterHub or psycopg: {check.stderr.strip()[-200:]}")
    return interpreter


class Exchange:
    """The service, started as the Deployment starts it; restartable on the same data."""

    def __init__(self, python: Path, db_url: str, hub_api: str, folder: Path):
        container, _, _ = manifests()
        self.port = free_port()
        self.folder = folder
        local = {
            "JUPYTERHUB_API_URL": hub_api,
            "JUPYTERHUB_API_TOKEN": secrets.token_hex(16),
            "NYUMON_EXCHANGE_BIND": f"http://127.0.0.1:{self.port}",
            "NYUMON_EXCHANGE_ROOT": str(folder / "srv" / "exchange" / "store"),
            "NYUMON_EXCHANGE_DB_URL": db_url,
        }
        names = {e["name"] for e in container["env"]}
        assert set(local) <= names, set(local) - names  # the manifest's names, nothing else
        self.env = {e["name"]: local.get(e["name"], e.get("value")) for e in container["env"]}
        self.root = Path(self.env["NYUMON_EXCHANGE_ROOT"])
        self.prefix = self.env["JUPYTERHUB_SERVICE_PREFIX"]
        # The image's layout: classroom/exchange as nyumon_exchange on PYTHONPATH.
        shutil.copytree(ROOT / "classroom" / "exchange", folder / "lib" / "nyumon_exchange")
        command = container["command"]
        assert command[0] == "python"
        self.command = [str(python), *command[1:]]
        self.log = folder / "exchange.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **self.env,
                   "PYTHONPATH": str(self.folder / "lib")}  # fmt: skip
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                self.command, env=environ, cwd=self.folder, stdout=out, stderr=subprocess.STDOUT
            )
        wait_for_port(self.port, self.process, self.log)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = {"Authorization": f"token {token}"} if token else {}
        url = f"http://127.0.0.1:{self.port}{self.prefix}api/courses{path}"
        return requests.request(method, url, headers=headers, timeout=30, **kwargs)


def zipped(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def exchange(python, database):
    db_url, _ = database
    folder = Path(tempfile.mkdtemp(prefix="nyumon-exchange-pg-"))
    with fake_hub() as hub_api:
        service = Exchange(python, db_url, hub_api, folder)
        service.start()
        try:
            yield service
        finally:
            service.stop()
            shutil.rmtree(folder, ignore_errors=True)


def test_the_service_keeps_hand_ins_apart_in_postgresql_across_a_restart(exchange, database):
    _, sql = database
    assert exchange.call("GET", "").status_code == 403  # no token, no exchange
    assert exchange.call("GET", "", "forged-token").status_code == 403
    notebook = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    release = exchange.call("PUT", "/pytorch-nyumon/assignments/hw1", "instructor-token",
                            data=zipped("hw1.ipynb", notebook.encode()))  # fmt: skip
    assert release.status_code == 200, release.text
    assert exchange.call("PUT", "/pytorch-nyumon/assignments/hw1", "alice-token",
                         data=zipped("hw1.ipynb", b"{}")).status_code == 403  # fmt: skip
    for student in ("alice", "bob"):
        answer = notebook.replace('"cells": []', f'"cells": [], "by": "{student}"')
        done = exchange.call("POST", "/pytorch-nyumon/assignments/hw1/submissions",
                             f"{student}-token", data=zipped("hw1.ipynb", answer.encode()))  # fmt: skip
        assert done.status_code == 200, done.text

    def seen(token: str) -> list[str]:
        reply = exchange.call("GET", "/pytorch-nyumon/assignments/hw1/submissions", token)
        assert reply.status_code == 200, reply.text
        return sorted(s["student_id"] for s in reply.json())

    assert seen("alice-token") == ["alice"] and seen("bob-token") == ["bob"]
    assert seen("instructor-token") == ["alice", "bob"]
    exchange.stop()
    exchange.start()
    assert seen("instructor-token") == ["alice", "bob"] and seen("alice-token") == ["alice"]
    # The records are PostgreSQL's; the volume holds the files only.
    assert sql("SELECT count(*) FROM submissions") == "2"
    assert sql("SELECT string_agg(student, ',' ORDER BY student) FROM submissions") == "alice,bob"
    assert not list(exchange.root.glob("*.sqlite*"))
    assert len([p for p in (exchange.root / "blobs").rglob("*") if p.is_file()]) == 3
    assert oct(exchange.root.stat().st_mode & 0o777) == "0o700"
