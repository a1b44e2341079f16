"""The shipped Jupyter configuration keeps token auth, XSRF checks and loopback-only listening."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.request

import psutil
import pytest

from tests.support.jupyter_server import ROOT, running_lab

pytestmark = pytest.mark.server


def status(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    method: str = "GET",
    opener=None,
) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with running_lab(tmp_path_factory.mktemp("lab")) as lab:
        yield lab


def test_api_refuses_requests_without_the_token(lab):
    assert status(f"{lab.url}/api/contents") == 403
    assert status(f"{lab.url}/api/contents", headers={"Authorization": "token wrong"}) == 403


def test_api_accepts_the_token(lab):
    assert status(f"{lab.url}/api/contents", headers={"Authorization": f"token {lab.token}"}) == 200


def test_root_is_the_repository(lab):
    request = urllib.request.Request(
        f"{lab.url}/api/contents", headers={"Authorization": f"token {lab.token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        names = {item["name"] for item in json.load(response)["content"]}
    assert {"chapters", "README.md", "widgets"} <= names


def test_listens_on_loopback_only(lab):
    addresses = {
        conn.laddr.ip
        for conn in psutil.Process(lab.pid).net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    }
    assert addresses, "the server should be listening"
    assert addresses <= {"127.0.0.1", "::1"}, addresses


def test_cookie_session_needs_the_xsrf_token(lab):
    """A browser session (cookie) cannot POST without the XSRF token: CSRF stays blocked."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    assert status(f"{lab.url}/lab?token={lab.token}", opener=opener) == 200
    xsrf = next(c.value for c in jar if c.name == "_xsrf")
    body = json.dumps({"type": "notebook"}).encode()
    url = f"{lab.url}/api/contents/no-such-folder-for-xsrf-test"
    headers = {"Content-Type": "application/json"}
    assert status(url, data=body, headers=headers, method="POST", opener=opener) == 403
    # With the header the request passes the XSRF check and reaches the contents API,
    # which answers 404 because the folder does not exist (nothing is written).
    with_xsrf = {**headers, "X-XSRFToken": xsrf}
    assert status(url, data=body, headers=with_xsrf, method="POST", opener=opener) == 404


def test_make_lab_prints_a_tokenized_localhost_url(tmp_path):
    with running_lab(tmp_path, token="") as lab:
        log = lab.log.read_text()
    # It opens the course: README.md (rendered, see lab-settings/overrides.json).
    url = rf"http://127\.0\.0\.1:{lab.port}/lab/tree/README\.md\?token=[0-9a-f]{{32,}}"
    assert re.search(url, log), log


def test_config_disables_no_safeguard():
    text = (ROOT / "jupyter_config" / "jupyter_server_config.py").read_text()
    code = "\n".join(line.split("#")[0] for line in text.splitlines())
    assert 'c.ServerApp.ip = "127.0.0.1"' in code
    assert "c.ServerApp.disable_check_xsrf = False" in code
    for unsafe in (
        'token = ""',
        "token = ''",
        "disable_check_xsrf = True",
        "0.0.0.0",
        "allow_remote_access = True",
        "password_required = False",
    ):
        assert unsafe not in code, unsafe
