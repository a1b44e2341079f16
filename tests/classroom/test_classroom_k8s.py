"""The Kubernetes classroom: the z2jh config validates against the chart's own schema, and
it agrees with the single-user image and the one-machine hub.

The schema is the chart's ``values.schema.yaml``, kept (with the chart's default values) in
the shared reference folder beside the repository: ``../shared/reference`` (see its README).
Helm validates the user's values merged over the chart's defaults; so does this test.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from classroom import links, runtime
from tests.support.jupyter_server import ROOT

K8S = ROOT / "classroom" / "k8s"
REFERENCE = [
    Path(os.environ.get("NYUMON_SHARED", ROOT.parent / "shared")) / "reference",
    Path("/work/shared/reference"),
]


def reference_file(name: str) -> Path:
    for folder in REFERENCE:
        if (folder / name).exists():
            return folder / name
    message = f"{name} not found in {[str(f) for f in REFERENCE]}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(reference_file("z2jh-values.schema.yaml").read_text())


@pytest.fixture(scope="module")
def defaults() -> dict:
    return yaml.safe_load(reference_file("z2jh-values.default.yaml").read_text())


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((K8S / "config.yaml").read_text())


def merged(base: dict, override: dict) -> dict:
    """Helm's merge of user values over the chart's defaults (maps merge, the rest replaces)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def errors(schema: dict, values: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(values)]


def test_config_validates_against_the_charts_schema(schema, defaults, config):
    assert errors(schema, defaults) == []  # the reference pair is consistent
    assert errors(schema, merged(defaults, config)) == []


@pytest.mark.parametrize(
    "broken",
    [
        {"singleuser": {"memory": {"limt": "2G"}}},  # misspelt key, # codespell:ignore limt
        {"singleuser": {"cpu": {"limit": "one"}}},  # wrong type
        {"cull": {"timeout": "an hour"}},
        {"hub": {"config": {"nativeAuthenticator": {}}}},  # class names start with a capital
    ],
)
def test_the_schema_check_catches_mistakes(schema, defaults, config, broken):
    assert errors(schema, merged(defaults, merged(config, broken)))


def gib(quantity: str | float) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([GM]?)i?", str(quantity)).groups()
    return float(number) / (1024 if unit == "M" else 1)


def test_config_matches_the_one_machine_hub_and_the_image(config):
    single = config["singleuser"]
    hub = runtime.HubSettings()
    assert gib(single["memory"]["limit"]) == gib(hub.mem_limit)
    assert single["cpu"]["limit"] == hub.cpu_limit
    assert gib(single["memory"]["guarantee"]) <= gib(single["memory"]["limit"])
    assert config["cull"]["timeout"] == hub.cull_timeout
    assert config["cull"]["every"] == hub.cull_every
    native = config["hub"]["config"]["NativeAuthenticator"]
    assert native["open_signup"] is False
    assert config["hub"]["config"]["Authenticator"]["admin_users"] == list(hub.admins)
    assert "cookieSecret" not in config["hub"] and "secretToken" not in config.get("proxy", {})
    # The postStart pull goes to the same folder as the links, and never fails the start.
    pull = single["lifecycleHooks"]["postStart"]["exec"]["command"][-1]
    assert pull.startswith("gitpuller ") and pull.endswith(f" {links.TARGET} || true")


def test_dockerfile_builds_the_image_the_config_runs():
    text = (K8S / "Dockerfile").read_text()
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    stages = [line for line in lines if line.startswith("FROM ")]
    assert stages and all(line.startswith("FROM python:3.1") for line in stages)
    assert stages[-1].endswith(" AS singleuser")  # the default target is the servers' image
    # course + JupyterHub + nbgitpuller, and nbgrader for grading (k8s/grading.yaml)
    assert re.search(r'"/tmp/course\[lab,classroom,nbgrader\]"', text)
    assert re.search(r"^USER \$\{NB_UID\}$", text, re.M) and "ARG NB_UID=1000" in text
    assert 'CMD ["jupyterhub-singleuser"]' in text
    for source in re.findall(r"^COPY (.+) \S+$", text, re.M):
        for path in source.split():
            assert (ROOT / path).exists(), f"COPY {path}: not in the repository"
    # The single-user JupyterHub must have the hub's major version; the classroom extra
    # pins the one the one-machine hub runs.
    major = re.search(r"ARG JUPYTERHUB_VERSION=(\d+)\.", text).group(1)
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'"jupyterhub>={major},<{int(major) + 1}"' in pyproject
