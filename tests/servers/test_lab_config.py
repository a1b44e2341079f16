"""The course's JupyterLab settings: served as defaults, Japanese available, nothing saved in the repo."""

from __future__ import annotations

import ctypes
import json
import os
import socket
import subprocess

import psutil
import pytest
import websocket

from tests.support.jupyter_server import ROOT, api, running_lab
from tests.support.polling import until

pytestmark = pytest.mark.server
OVERRIDES = json.loads((ROOT / "jupyter_config/lab-settings/overrides.json").read_text())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab-config")
    with running_lab(tmp) as lab:
        yield lab, tmp


def defaults(lab, plugin: str) -> dict:
    """The defaults JupyterLab serves for a plugin: the course's overrides are applied here."""
    schema = api(lab, f"/lab/api/settings/{plugin}")["schema"]
    return {key: prop.get("default") for key, prop in schema["properties"].items()}


def test_course_defaults_are_served(lab):
    server, _ = lab
    for plugin, values in OVERRIDES.items():
        served = defaults(server, plugin)
        for key, value in values.items():
            if isinstance(value, dict):
                assert value.items() <= served[key].items(), (plugin, key)
            else:
                assert served[key] == value, (plugin, key)


def test_no_news_and_no_update_checks(lab):
    server, _ = lab
    notification = defaults(server, "@jupyterlab/apputils-extension:notification")
    assert notification["fetchNews"] == "false"
    assert notification["checkForUpdates"] is False


def test_japanese_language_pack_is_available(lab):
    server, _ = lab
    languages = api(server, "/lab/api/translations/")["data"]
    assert "ja_JP" in languages, sorted(languages)
    pack = api(server, "/lab/api/translations/ja_JP")["data"]
    assert pack, "the Japanese pack should carry translations"


def test_a_learners_setting_goes_to_their_home_not_the_repository(lab):
    server, tmp = lab
    plugin = "@jupyterlab/apputils-extension:themes"
    raw = json.dumps({"theme": "JupyterLab Dark"})
    api(server, f"/lab/api/settings/{plugin}", method="PUT", body={"raw": raw})
    saved = list((tmp / "home").rglob("themes.jupyterlab-settings"))
    assert saved and "JupyterLab Dark" in saved[0].read_text()
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "jupyter_config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert changed == "", changed


def peer_socket(pid: int, port: int, peer_port: int) -> socket.socket:
    """A copy of process ``pid``'s TCP socket from ``port`` to ``peer_port`` (pidfd_getfd)."""
    fds = [
        conn.fd
        for conn in psutil.Process(pid).net_connections(kind="tcp")
        if conn.laddr.port == port and conn.raddr and conn.raddr.port == peer_port
    ]
    assert fds, f"process {pid} has no socket from port {port} to {peer_port}"
    pidfd = os.pidfd_open(pid)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        copy = libc.syscall(438, pidfd, fds[0], 0)  # SYS_pidfd_getfd (x86-64, arm64)
        if copy < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
    finally:
        os.close(pidfd)
    return socket.socket(fileno=copy)


def test_the_kernel_websocket_sends_each_message_at_once(lab):
    """TCP_NODELAY on the server's end: a widget's answer never waits ~40 ms for the browser's
    delayed acknowledgement of the message before it (jupyter_config/nyumon_websocket.py)."""
    server, _ = lab
    kernel = api(server, "/api/kernels", method="POST", body={"name": "python3"})
    url = server.url.replace("http", "ws", 1) + f"/api/kernels/{kernel['id']}/channels"
    ws = websocket.create_connection(
        f"{url}?session_id=nodelay-test", header=[f"Authorization: token {server.token}"]
    )
    try:
        peer_port = ws.sock.getsockname()[1]

        def nodelay() -> int:
            with peer_socket(server.pid, server.port, peer_port) as copy:
                return copy.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)

        assert until(nodelay, timeout=20), "Nagle's algorithm is still on"
    finally:
        ws.close()
        api(server, f"/api/kernels/{kernel['id']}", method="DELETE")


TRANSLATION = "@jupyterlab/translation-extension:plugin"
NO_LOCALE = {"LC_ALL": None, "LC_MESSAGES": None, "NYUMON_LAB_LANG": None}
JAPANESE_UI = {
    "system ja_JP": ("ja", {}),
    "make lab LANG=ja": ("en", {"NYUMON_LAB_LANG": "ja"}),
    "LC_ALL ja_JP": ("en", {"LC_ALL": "ja_JP.UTF-8"}),
}


def test_an_english_system_gets_jupyterlabs_own_default_language(lab):
    server, _ = lab
    assert defaults(server, TRANSLATION)["locale"] == "default"


@pytest.mark.parametrize("case", list(JAPANESE_UI))
def test_a_japanese_system_or_make_lab_lang_ja_gets_the_japanese_ui(tmp_path, case):
    lang, env = JAPANESE_UI[case]
    with running_lab(tmp_path, lang=lang, env={**NO_LOCALE, **env}) as server:
        assert defaults(server, TRANSLATION)["locale"] == "ja_JP"  # what the page applies
        assert "locale" not in api(server, f"/lab/api/settings/{TRANSLATION}")["settings"]
        assert defaults(server, "@jupyterlab/notebook-extension:tracker")["recordTiming"] is True
        # The learner's own choice (Settings → Language) goes to their home and wins.
        api(server, f"/lab/api/settings/{TRANSLATION}", method="PUT",
            body={"raw": json.dumps({"locale": "en"})})  # fmt: skip
        assert api(server, f"/lab/api/settings/{TRANSLATION}")["settings"]["locale"] == "en"
        assert defaults(server, TRANSLATION)["locale"] == "ja_JP"
    assert list((tmp_path / "home").rglob("plugin.jupyterlab-settings"))
    assert (
        json.loads((ROOT / "jupyter_config/lab-settings/overrides.json").read_text()) == OVERRIDES
    )


def test_make_lab_lang_en_keeps_english_on_a_japanese_system(tmp_path):
    with running_lab(tmp_path, lang="ja", env={**NO_LOCALE, "NYUMON_LAB_LANG": "en"}) as server:
        assert defaults(server, TRANSLATION)["locale"] == "default"
