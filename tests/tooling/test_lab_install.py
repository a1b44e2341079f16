"""``make lab``'s install step (tools/lab_install.py), with real pip in a throwaway venv.

Nothing leaves the machine: "PyTorch's CPU index" and "PyPI" are two stand-in PEP 503 indexes
on 127.0.0.1, each serving a tiny wheel of one stand-in package (``1.0+cpu`` from the CPU
index, ``1.0`` from "PyPI"), pip's own configuration is switched off, and an unreachable CPU
index is a refused port.
"""

from __future__ import annotations

import http.server
import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from tests.support import ROOT
from tools import lab_install

NAME = "nyumon-standin"
MODULE = "nyumon_standin"


def wheel(version: str) -> tuple[str, bytes]:
    """A minimal pure-Python wheel of the stand-in package."""
    info = f"{MODULE}-{version}.dist-info"
    files = {
        f"{MODULE}/__init__.py": f"VERSION = {version!r}\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{p},,\n" for p in [*files, f"{info}/RECORD"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return f"{MODULE}-{version}-py3-none-any.whl", buffer.getvalue()


class Index:
    """A PEP 503 simple index on 127.0.0.1 with one wheel; records the paths asked for."""

    def __init__(self, version: str, delay: float = 0.0) -> None:
        filename, data = wheel(version)
        pages = {
            "/simple/": f'<a href="{NAME}/">{NAME}</a>'.encode(),
            f"/simple/{NAME}/": f'<a href="../../files/{filename}">{filename}</a>'.encode(),
            f"/files/{filename}": data,
        }
        self.requests: list[str] = []
        index = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urllib.parse.unquote(self.path)  # pip asks for …1.0%2Bcpu…
                index.requests.append(path)
                body = pages.get(path)
                if body is not None and path.startswith("/files/"):
                    time.sleep(delay)  # a slow download: pip says nothing meanwhile
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                kind = "text/html" if path.endswith("/") else "application/octet-stream"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def refused_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A throwaway venv with pip (ensurepip: no network)."""
    where = tmp_path_factory.mktemp("lab-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=300)
    return where / "bin" / "python"


@pytest.fixture
def pypi():
    index = Index("1.0")
    yield index
    index.close()


def install(venv: Path, pypi: Index, torch_index: str, quiet: float = 10.0) -> tuple[str, str]:
    """Run the install step for the stand-in; (its output, the version pip installed)."""
    subprocess.run([str(venv), "-m", "pip", "uninstall", "-y", "-q", NAME], capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "NYUMON_"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,  # no find-links, extra indexes or constraints of this host
        PIP_INDEX_URL=pypi.url,  # "PyPI"
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        NYUMON_TORCH_INDEX=torch_index,
        NYUMON_LAB_QUIET_SECONDS=str(quiet),
        LANG="C.UTF-8",  # neither ja nor en: both languages
    )
    done = subprocess.run(
        [str(venv), "-m", "tools.lab_install", "--torch-only", NAME],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    version = subprocess.run(
        [str(venv), "-c", f"import {MODULE}; print({MODULE}.VERSION)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return done.stdout, version


def test_the_cpu_index_gives_the_cpu_build_and_says_so(venv, pypi):
    cpu = Index("1.0+cpu")
    try:
        out, version = install(venv, pypi, cpu.url)
    finally:
        cpu.close()
    assert version == "1.0+cpu"
    assert f"/simple/{NAME}/" in cpu.requests and not pypi.requests  # PyPI not asked
    assert "PyTorch（CPU 版）" in out and "PyTorch (CPU build)" in out
    assert "about 0.2 GB to download" in out and "cannot be reached" not in out


def test_an_unreachable_cpu_index_falls_back_to_pypi_with_one_sentence(venv, pypi):
    out, version = install(venv, pypi, f"http://127.0.0.1:{refused_port()}/simple")
    assert version == "1.0"
    assert f"/simple/{NAME}/" in pypi.requests
    assert out.count("cannot be reached, so PyTorch comes from PyPI instead") == 1
    assert "つながらないので、代わりに PyPI から入れます" in out


def test_off_never_asks_the_cpu_index(venv, pypi):
    cpu = Index("1.0+cpu")
    try:
        out, version = install(venv, pypi, "off")
    finally:
        cpu.close()
    assert version == "1.0" and cpu.requests == []
    assert "Installing PyTorch from PyPI" in out and "cannot be reached" not in out


def test_a_silent_pip_gets_a_still_installing_line(venv, pypi):
    slow = Index("1.0+cpu", delay=3.0)
    try:
        out, version = install(venv, pypi, slow.url, quiet=1.0)
    finally:
        slow.close()
    assert version == "1.0+cpu"
    assert "still installing PyTorch…" in out and "PyTorch をインストールしています…" in out


def test_pips_own_lines_are_passed_through(venv, pypi):
    out, _ = install(venv, pypi, "off")
    assert f"Successfully installed {NAME}-1.0" in out


@pytest.mark.parametrize(
    "setting,gpu,expected",
    [
        (None, False, lab_install.CPU_INDEX),  # a learner without a GPU: the CPU index
        ("auto", False, lab_install.CPU_INDEX),
        ("auto", True, None),  # with an NVIDIA GPU: PyPI's CUDA build
        ("off", False, None),
        ("cuda", False, None),
        ("http://127.0.0.1:9/simple/", False, "http://127.0.0.1:9/simple"),
    ],
)
def test_where_pytorch_comes_from(setting, gpu, expected):
    assert lab_install.torch_index(setting, gpu) == expected


def test_a_wrong_setting_is_refused():
    with pytest.raises(SystemExit, match="NYUMON_TORCH_INDEX"):
        lab_install.torch_index("download.pytorch.org", False)


@pytest.mark.parametrize(
    "env,langs",
    [({"LANG": "ja_JP.UTF-8"}, (0,)), ({"LANG": "en_US.UTF-8"}, (1,)), ({"LANG": "C"}, (0, 1))],
)
def test_messages_follow_the_system_language(env, langs):
    assert lab_install.languages(env) == langs
    assert lab_install.languages({**env, "NYUMON_LAB_LANG": "ja"}) == (0,)


def test_the_requirements_are_pyprojects():
    assert any(r.startswith("torch>=") for r in lab_install.torch_requirements())
    assert any(r.startswith("torchvision>=") for r in lab_install.torch_requirements())


def test_ci_and_the_test_paths_never_use_pytorchs_index():
    """CI and `make check`/`test`/`book` install with NYUMON_TORCH_INDEX=off; a learner's
    `make lab` defaults to auto (the CPU index when there is no GPU)."""
    assert "export NYUMON_TORCH_INDEX=off" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipes = makefile.split("\n\n")
    for target in (".installed-test:", ".installed-book:"):
        recipe = next(r for r in recipes if f"$(VENV)/{target}" in r)
        assert "NYUMON_TORCH_INDEX=off $(INSTALL)" in recipe, recipe
    lab = next(r for r in recipes if "$(VENV)/.installed-lab:" in r)
    assert "$(TORCH_INDEX)" in lab and "TORCH_INDEX ?= auto" in makefile
