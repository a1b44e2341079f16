"""The course's JupyterLab settings: served as defaults, Japanese available, nothing saved in the repo."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.jupyter_server import ROOT, api, running_lab

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
