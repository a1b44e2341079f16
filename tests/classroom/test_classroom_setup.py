"""The classroom's set-up pieces without a running hub: secrets, links, the hub's and the
students' Jupyter configuration, and the guard around OS accounts."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from traitlets.config.loader import PyFileConfigLoader

from classroom import links, runtime, users
from tests.support.jupyter_server import ROOT
from tools.build import notebook_relpath


def test_secrets_are_owner_only_and_made_once(tmp_path):
    paths = runtime.Paths(prefix=tmp_path / "prefix", state=tmp_path / "state")
    runtime.prepare_state(paths)
    assert paths.state.stat().st_mode & 0o777 == 0o700
    assert paths.proxy_token.stat().st_mode & 0o777 == 0o600
    token = runtime.read_secret(paths.proxy_token)
    assert len(token) == 64
    runtime.prepare_state(paths)  # a restart keeps the token
    assert runtime.read_secret(paths.proxy_token) == token
    assert not str(paths.state).startswith(str(ROOT))


def test_a_secret_readable_by_others_is_refused_with_the_fix(tmp_path):
    secret = tmp_path / "token"
    runtime.write_secret(secret)
    secret.chmod(0o644)
    with pytest.raises(runtime.SetupError, match=f"chmod 600 {secret}"):
        runtime.read_secret(secret)


def test_pull_link_opens_the_chapter_after_pulling_into_the_course_folder():
    course = links.Course("https://example.org/course.git", "main")
    link = links.pull_link("http://127.0.0.1:8000/", course, "chapters/ja/01_ja_tensors.ipynb")
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    assert parse_qs(parts.query) == {
        "repo": ["https://example.org/course.git"],
        "branch": ["main"],
        "urlpath": ["lab/tree/pytorch-nyumon/chapters/ja/01_ja_tensors.ipynb"],
        "targetPath": ["pytorch-nyumon"],
    }


def test_there_is_a_link_per_chapter_in_both_languages():
    rows = links.chapter_links("http://hub", links.Course.from_pyproject())
    stems = sorted(p.stem for p in (ROOT / "chapters" / "src").glob("*.nb"))
    assert [r[0] for r in rows] == ["ja"] * len(stems) + ["en"] * len(stems)
    titles = {lang: [r[1] for r in rows if r[0] == lang] for lang in ("ja", "en")}
    assert titles["ja"][1].startswith("第1章") and titles["en"][1].startswith("Chapter 1")
    paths = [quote(notebook_relpath(s, lang), safe="") for lang in ("ja", "en") for s in stems]
    assert all(path in row[2] for path, row in zip(paths, rows, strict=True))


def load(path: Path):
    loader = PyFileConfigLoader(path.name, str(path.parent))
    return loader.load_config()


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    state = tmp_path / "state"
    runtime.prepare_state(runtime.Paths(prefix=tmp_path, state=state))
    monkeypatch.setenv("NYUMON_CLASSROOM_STATE", str(state))
    monkeypatch.setenv("NYUMON_HUB_PORT", "18123")
    return state


def test_hub_listens_on_loopback_only_and_keeps_its_state_outside_the_repository(hub_env):
    c = load(ROOT / "classroom" / "jupyterhub_config.py")
    assert c.JupyterHub.bind_url == "http://127.0.0.1:18123"
    assert c.JupyterHub.hub_ip == "127.0.0.1" and c.Spawner.ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert c.ConfigurableHTTPProxy.auth_token == (hub_env / "proxy_auth_token").read_text().strip()
    assert Path(c.JupyterHub.cookie_secret_file).parent == hub_env
    assert str(hub_env) in c.JupyterHub.db_url
    assert c.JupyterHub.authenticator_class == "native"
    assert c.NativeAuthenticator.open_signup is False
    assert c.Spawner.env_keep == []  # nothing of root's environment reaches a student
    assert callable(c.Spawner.pre_spawn_hook)
    culler = c.JupyterHub.services[0]
    assert culler["name"] == "idle-culler" and "--timeout=3600" in culler["command"]


def test_hub_config_loads_extra_files_last(hub_env, tmp_path, monkeypatch):
    extra = tmp_path / "nbgrader_hub.py"
    extra.write_text("c.JupyterHub.hub_port = 19999\nc.Spawner.cpu_limit = 2.0\n")
    monkeypatch.setenv("NYUMON_HUB_CONFIG_EXTRA", str(extra))
    c = load(ROOT / "classroom" / "jupyterhub_config.py")
    assert c.JupyterHub.hub_port == 19999 and c.Spawner.cpu_limit == 2.0
    # A name relative to the repository, as the README shows it; a missing file is an error.
    monkeypatch.setenv("NYUMON_AUTH", "lti13")
    for name in ("ISSUER", "CLIENT_ID", "AUTHORIZE_URL", "JWKS_URL"):
        monkeypatch.setenv(f"LTI13_{name}", "https://lms.example.org")
    monkeypatch.setenv("NYUMON_HUB_CONFIG_EXTRA", "classroom/examples/university_auth.py")
    c = load(ROOT / "classroom" / "jupyterhub_config.py")
    assert c.JupyterHub.authenticator_class.endswith("LTI13Authenticator")
    monkeypatch.setenv("NYUMON_HUB_CONFIG_EXTRA", "classroom/no_such_file.py")
    with pytest.raises(FileNotFoundError, match=r"no_such_file\.py"):
        load(ROOT / "classroom" / "jupyterhub_config.py")


def test_the_hub_spawns_inside_limits_unless_started_without(hub_env, monkeypatch):
    c = load(ROOT / "classroom" / "jupyterhub_config.py")
    assert c.JupyterHub.spawner_class == "classroom.spawner.LimitedSpawner"
    assert c.Spawner.mem_limit == "3G" and c.Spawner.cpu_limit == 1.0
    monkeypatch.setenv("NYUMON_NO_LIMITS", "1")  # what `start --no-limits` sets
    assert (
        load(ROOT / "classroom" / "jupyterhub_config.py").JupyterHub.spawner_class == "localprocess"
    )


def test_students_kernels_load_the_memory_notice(tmp_path):
    paths = runtime.Paths(prefix=tmp_path / "prefix", state=tmp_path / "state")
    runtime.install_kernel_config(paths)
    config = paths.venv / "etc" / "ipython" / "ipython_kernel_config.py"
    assert config.stat().st_mode & 0o777 == 0o644
    c = load(config)
    assert c.InteractiveShellApp.extensions == ["widgets._env.memory_limit"]


def test_students_servers_get_the_course_settings_and_the_hub_decides_the_rest(tmp_path):
    paths = runtime.Paths(prefix=tmp_path / "prefix", state=tmp_path / "state")
    runtime.install_singleuser_config(paths)
    for path in [paths.singleuser_config, *paths.singleuser_config.rglob("*")]:
        assert path.stat().st_mode & 0o005 == (0o005 if path.is_dir() else 0o004), path
    c = load(paths.singleuser_config / "jupyter_server_config.py")
    for key in ("root_dir", "preferred_dir", "ip", "port", "allow_remote_access"):
        assert key not in c.ServerApp, key
    assert "default_url" not in c.LabApp
    assert c.ServerApp.disable_check_xsrf is False
    assert c.LabApp.app_settings_dir == str(paths.singleuser_config / "course" / "lab-settings")
    assert (Path(c.LabApp.app_settings_dir) / "overrides.json").exists()
    assert c.ContentsManager.pre_save_hook.__name__ == "save_course_notebooks_without_outputs"


@pytest.mark.parametrize("name", ["Alice", "a b", "../etc", "x/y", "9lives", "", "a" * 40])
def test_student_names_that_could_not_be_safe_accounts_are_refused(name):
    assert not users.USERNAME.match(name)
    with pytest.raises(ValueError):
        users.ensure_student(name)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to look up accounts as the hub does")
def test_the_hub_never_spawns_as_an_existing_system_account():
    with pytest.raises(users.NotAStudent):
        users.ensure_student("daemon")
    assert not users.is_student("root")


def test_university_login_example_configures_lti_13_from_the_environment(monkeypatch):
    monkeypatch.setenv("NYUMON_AUTH", "lti13")
    monkeypatch.setenv("LTI13_ISSUER", "https://moodle.example.ac.jp")
    monkeypatch.setenv("LTI13_CLIENT_ID", "abc,def")
    monkeypatch.setenv("LTI13_AUTHORIZE_URL", "https://moodle.example.ac.jp/mod/lti/auth.php")
    monkeypatch.setenv("LTI13_JWKS_URL", "https://moodle.example.ac.jp/mod/lti/certs.php")
    c = load(ROOT / "classroom" / "examples" / "university_auth.py")
    assert c.JupyterHub.authenticator_class.endswith("LTI13Authenticator")
    assert c.LTI13Authenticator.client_id == {"abc", "def"}
    monkeypatch.delenv("NYUMON_AUTH")
    assert (
        "authenticator_class"
        not in load(ROOT / "classroom" / "examples" / "university_auth.py").JupyterHub
    )
