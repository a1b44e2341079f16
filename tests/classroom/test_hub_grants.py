"""Two hub includes (the exchange, the class view) grant scopes and groups without undoing
each other's, whichever loads first, and the hub's config says so once loaded."""

from __future__ import annotations

import os

import pytest
from traitlets.config import Config

from classroom import hub_grants


def include(service: str, admins: list[str]) -> None:
    scope = f"access:services!service={service}"
    hub_grants.grant_users(scope)
    hub_grants.grant_servers(scope)
    hub_grants.add_to_group("formgrade-pytorch-nyumon", admins)


@pytest.mark.parametrize("order", [("exchange", "classview"), ("classview", "exchange")])
def test_both_includes_keep_each_others_grants(order):
    c = Config()
    c.JupyterHub.load_roles = [{"name": "idle-culler", "scopes": ["read:servers"]}]
    hub_grants.reset()
    for service in order:
        include(service, ["instructor"])
    include(order[0], ["instructor", "ta"])  # loaded twice: nothing doubles
    hub_grants.apply(c)
    (user,) = [r for r in c.JupyterHub.load_roles if r["name"] == "user"]
    assert user["scopes"] == ["self", *(f"access:services!service={s}" for s in order)]
    assert c.JupyterHub.load_roles[0] == {"name": "idle-culler", "scopes": ["read:servers"]}
    assert c.Spawner.server_token_scopes == [
        *hub_grants.SERVER_SCOPES, *(f"access:services!service={s}" for s in order)
    ]  # fmt: skip
    assert c.JupyterHub.load_groups == {"formgrade-pytorch-nyumon": {"users": ["instructor", "ta"]}}
    hub_grants.apply(c)  # applied: forgotten, nothing added twice
    assert len(c.Spawner.server_token_scopes) == 4


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    from classroom import runtime

    state = tmp_path / "state"
    runtime.prepare_state(runtime.Paths(prefix=tmp_path / "prefix", state=state))
    monkeypatch.setenv("NYUMON_CLASSROOM_STATE", str(state))
    monkeypatch.setenv("NYUMON_CLASSROOM_PREFIX", str(tmp_path / "prefix"))
    monkeypatch.setenv("NYUMON_HUB_PORT", "18123")
    monkeypatch.setenv("NYUMON_CLASSVIEW_ROOT", str(tmp_path / "classview"))
    monkeypatch.setenv("NYUMON_EXCHANGE_ROOT", str(tmp_path / "exchange"))
    for name in ("NYUMON_CLASS_REPORTS", "NYUMON_HUB_CONFIG_EXTRA", "NYUMON_NBGRADER_EXCHANGE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def hub_config():
    from tests.classroom.test_classroom_setup import load
    from tests.support.jupyter_server import ROOT

    return load(ROOT / "classroom" / "jupyterhub_config.py")


def test_the_hub_adds_nothing_for_the_class_view_with_the_setting_off(hub_env):
    c = hub_config()
    assert [s["name"] for s in c.JupyterHub.services] == ["idle-culler"]
    assert not any(k.startswith("NYUMON_CLASS") for k in c.Spawner.environment)
    assert "server_token_scopes" not in c.Spawner
    assert not (hub_env / "prefix" / "lib" / "classview").exists()


def test_with_the_setting_on_the_service_runs_and_students_servers_report(hub_env, monkeypatch):
    monkeypatch.setenv("NYUMON_CLASS_REPORTS", "1")
    monkeypatch.setenv("NYUMON_NBGRADER_EXCHANGE", "service")  # with the exchange too
    monkeypatch.setenv("NYUMON_HUB_CONFIG_EXTRA", "classroom/nbgrader/jupyterhub_nbgrader.py")
    c = hub_config()
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert set(services) == {"idle-culler", "classview", "exchange"}
    view = services["classview"]
    assert view["user"] == "nyumon-classview" and view["oauth_no_confirm"] is True
    assert view["command"][-2:] == ["-m", "nyumon_classview"]
    env = c.Spawner.environment
    assert env["NYUMON_CLASS_REPORTS"] == "1"
    assert (
        env["NYUMON_CLASS_REPORTS_URL"] == "http://127.0.0.1:18123/services/classview/api/reports"
    )
    scopes = c.Spawner.server_token_scopes
    assert {"access:services!service=classview", "access:services!service=exchange"} <= set(scopes)
    (user,) = [r for r in c.JupyterHub.load_roles if r["name"] == "user"]  # one "user" role
    assert {"access:services!service=classview", "access:services!service=exchange"} <= set(
        user["scopes"]
    )
    assert "idle-culler" in [r["name"] for r in c.JupyterHub.load_roles]
    assert c.JupyterHub.load_groups["formgrade-pytorch-nyumon"]["users"] == ["instructor"]
    if os.geteuid() == 0:  # the hub as root copies the package into the runtime
        lib = hub_env / "prefix" / "lib" / "classview" / "nyumon_classview"
        assert (lib / "service.py").is_file() and not (lib / "jupyterhub_classview.py").exists()
        assert (hub_env / "classview").stat().st_mode & 0o777 == 0o700
