"""The exchange service on Kubernetes (classroom/k8s/exchange.yaml and the hub's side in
classroom/k8s/config.yaml): every document validates against Kubernetes' own schema, and the
pieces agree with each other and with the code in classroom/exchange — the URL and port the
hub and the servers use are the Service's, the variables the Deployment sets are the ones the
service reads, nbgrader in each server is pointed at client classes that exist, no secret is
written down, the pods are locked down, the files volume holds NYUMON_EXCHANGE_ROOT, and the
NetworkPolicies open only the ports the exchange needs.

Nothing here runs a cluster: these are the checks that can be made without one.
"""

from __future__ import annotations

import ast
import copy
import importlib
import importlib.util
import re
import shutil
import sys
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
import yaml

from classroom import runtime
from tests.support.jupyter_server import ROOT

kubernetes_validate = pytest.importorskip("kubernetes_validate")

K8S = ROOT / "classroom" / "k8s"
EXCHANGE = ROOT / "classroom" / "exchange"
NAME = "exchange"  # the key in hub.services


def load_docs() -> list[dict]:
    return [d for d in yaml.safe_load_all((K8S / "exchange.yaml").read_text()) if d]


@pytest.fixture
def docs() -> list[dict]:
    return load_docs()


@pytest.fixture
def config() -> dict:
    return yaml.safe_load((K8S / "config.yaml").read_text())


def find(docs: list[dict], kind: str, name: str | None = None) -> dict:
    found = [d for d in docs if d["kind"] == kind and name in (None, d["metadata"]["name"])]
    assert len(found) == 1, f"{len(found)} {kind} {name or ''} in exchange.yaml"
    return found[0]


def pod(docs: list[dict]) -> dict:
    return find(docs, "Deployment")["spec"]["template"]


def container(docs: list[dict]) -> dict:
    (one,) = pod(docs)["spec"]["containers"]
    return one


def env(c: dict) -> dict[str, dict]:
    return {e["name"]: e for e in c.get("env", [])}


def value(c: dict, name: str) -> str:
    return env(c)[name]["value"]


# -- what the code reads ----------------------------------------------------------------------
def env_read(source: str) -> list[str]:
    """Regular expressions of the environment variables a module reads (os.environ.get/[...],
    os.getenv); an f-string name such as f"NYUMON_EXCHANGE_MAX_{k}" becomes a pattern."""

    def pattern(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return re.escape(node.value)
        if isinstance(node, ast.JoinedStr):
            return "".join(
                re.escape(p.value) if isinstance(p, ast.Constant) else "[A-Z0-9_]+"
                for p in node.values
            )
        return None

    def is_environ(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            f = node.func
            if (f.attr == "get" and is_environ(f.value)) or f.attr == "getenv":
                found.append(pattern(node.args[0]))
        elif isinstance(node, ast.Subscript) and is_environ(node.value):
            found.append(pattern(node.slice))
    return [p for p in found if p]


def exchange_reads() -> list[str]:
    modules = [p for p in EXCHANGE.glob("*.py") if p.name != "jupyterhub_exchange.py"]
    return [p for module in modules for p in env_read(module.read_text())]


def hubauth_source() -> str | None:
    """jupyterhub/services/auth.py: the test venv's, else the course runtime's (CI has it)."""
    spec = importlib.util.find_spec("jupyterhub")
    folders = [Path(p) for p in spec.submodule_search_locations] if spec else []
    folders += runtime.Paths.from_env().venv.glob("lib/python3*/site-packages/jupyterhub")
    for folder in folders:
        if (folder / "services" / "auth.py").exists():
            return (folder / "services" / "auth.py").read_text()
    return None


def reads(patterns: list[str], name: str) -> bool:
    return any(re.fullmatch(p, name) for p in patterns)


def test_env_read_finds_names_and_patterns():
    source = 'import os\nos.environ.get("A_B")\nos.environ["C"]\nos.getenv(f"D_{k.upper()}")\n'
    patterns = env_read(source)
    assert reads(patterns, "A_B") and reads(patterns, "C") and reads(patterns, "D_UPLOAD")
    assert not reads(patterns, "A") and not reads(patterns, "E")
    assert reads(exchange_reads(), "NYUMON_EXCHANGE_MAX_UPLOAD")  # Limits.from_env
    assert not reads(exchange_reads(), "NYUMON_EXCHANGE_PASSWORD")


# -- Kubernetes' schema ---------------------------------------------------------------------
def test_every_document_validates_against_the_kubernetes_schema(docs, config):
    version = kubernetes_validate.latest_version()
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == sorted(["ServiceAccount", "PersistentVolumeClaim", "Deployment", "Service",
                            "NetworkPolicy", "StatefulSet", "Service", "NetworkPolicy"])  # fmt: skip
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)
    # The rules config.yaml adds to the chart's NetworkPolicies are NetworkPolicy rules.
    for part in ("hub", "singleuser"):
        policy = config[part]["networkPolicy"]
        rules = {k: policy[k] for k in ("ingress", "egress") if policy.get(k)}
        wrapped = {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": part},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], **rules},
        }
        kubernetes_validate.validate(wrapped, version, strict=True)


@pytest.mark.parametrize(
    "path, key, broken",
    [
        (["spec", "template", "spec", "containers", 0, "securityContext"],
         "readOnlyRootFileSystem", True),  # misspelt
        (["spec", "template", "spec", "containers", 0, "resources", "limits"], "cpu", [1]),
        (["spec", "template", "spec"], "automountServiceAcountToken", False),
    ],
)  # fmt: skip
def test_the_kubernetes_schema_catches_a_broken_deployment(docs, path, key, broken):
    deployment = copy.deepcopy(find(docs, "Deployment"))
    target = deployment
    for step in path:
        target = target[step]
    target[key] = broken
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, kubernetes_validate.latest_version(), strict=True)


# -- the wiring: hub, servers, Service, Deployment, database ---------------------------------
def check_wiring(config: dict, docs: list[dict]) -> None:
    """Every cross-reference between config.yaml, exchange.yaml and the code."""
    hub, single = config["hub"], config["singleuser"]
    c = container(docs)
    # The hub reaches the service at its Service's name and port, which lead to the container.
    url = urlparse(hub["services"][NAME]["url"])
    service = find(docs, "Service", url.hostname)
    (port,) = service["spec"]["ports"]
    assert port["port"] == url.port
    assert service["spec"]["selector"].items() <= pod(docs)["metadata"]["labels"].items()
    (container_port,) = c["ports"]
    assert port["targetPort"] in (container_port["name"], container_port["containerPort"])
    assert urlparse(value(c, "NYUMON_EXCHANGE_BIND")).port == container_port["containerPort"]
    # The service answers under the prefix the hub routes to it; the servers call it there.
    prefix = f"/services/{NAME}/"
    assert value(c, "JUPYTERHUB_SERVICE_PREFIX") == prefix
    assert value(c, "JUPYTERHUB_SERVICE_NAME") == NAME  # HubAuth: access:services!service=…
    client = urlparse(single["extraEnv"]["NYUMON_EXCHANGE_URL"])
    assert (client.hostname, client.port, client.path) == (url.hostname, url.port, prefix)
    # Tokens: the chart's Secret for the service's own, the scope for every user's.
    token = env(c)["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert token == {"name": "hub", "key": f"hub.services.{NAME}.apiToken"}
    scope = f"access:services!service={NAME}"
    assert scope in hub["loadRoles"]["user"]["scopes"]
    assert scope in hub["config"]["KubeSpawner"]["server_token_scopes"]
    # The hub's API: the chart's Service `hub` on 8081, allowed in by the hub's policy.
    api = urlparse(value(c, "JUPYTERHUB_API_URL"))
    assert (api.hostname, api.port, api.path) == ("hub", 8081, "/hub/api")
    labels = pod(docs)["metadata"]["labels"]
    (rule,) = hub["networkPolicy"]["ingress"]
    assert [p["port"] for p in rule["ports"]] == [api.port]
    assert rule["from"][0]["podSelector"]["matchLabels"].items() <= labels.items()
    # The files volume holds NYUMON_EXCHANGE_ROOT, in a folder of its own (Store chmods it).
    claim = find(docs, "PersistentVolumeClaim")["metadata"]["name"]
    (volume,) = [v for v in pod(docs)["spec"]["volumes"] if "persistentVolumeClaim" in v]
    assert volume["persistentVolumeClaim"]["claimName"] == claim
    (mount,) = [m for m in c["volumeMounts"] if m["name"] == volume["name"]]
    root = PurePosixPath(value(c, "NYUMON_EXCHANGE_ROOT"))
    assert PurePosixPath(mount["mountPath"]) in root.parents
    # The database URL and password come from one Secret, the one the header tells to make.
    db = find(docs, "StatefulSet")["spec"]["template"]["spec"]["containers"][0]
    url_ref = env(c)["NYUMON_EXCHANGE_DB_URL"]["valueFrom"]["secretKeyRef"]
    password_ref = env(db)["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert url_ref["name"] == password_ref["name"]
    made = re.search(
        rf"create secret generic {url_ref['name']} .*?--from-literal={password_ref['key']}="
        rf'.*?--from-literal={url_ref["key"]}="([^"]+)"',
        (K8S / "exchange.yaml").read_text(), re.S,
    )  # fmt: skip
    assert made, "the header's `kubectl create secret` makes the Secret the pods read"
    db_url = urlparse(made.group(1))
    assert db_url.scheme == "postgresql+psycopg"  # the driver the image installs
    db_service = find(docs, "Service", db_url.hostname)
    assert db_service["spec"]["ports"][0]["port"] == db_url.port
    assert db_url.username == value(db, "POSTGRES_USER")
    assert db_url.path == "/" + value(db, "POSTGRES_DB")


def test_the_pieces_agree(config, docs):
    check_wiring(config, docs)


def edit(target: dict, path: str, new) -> None:
    *parents, last = path.split("/")
    for step in parents:
        target = target[int(step) if step.isdigit() else step]
    target[int(last) if last.isdigit() else last] = new


@pytest.mark.parametrize(
    "where, path, new",
    [
        ("config", "hub/services/exchange/url", "http://nbgrader-exchange:8000"),
        ("config", "singleuser/extraEnv/NYUMON_EXCHANGE_URL", "http://nbgrader-exchange:8080/"),
        ("config", "hub/loadRoles/user/scopes", ["self"]),
        ("docs", "2/spec/template/spec/containers/0/env/1/value", "/services/exchange"),
        ("docs", "2/spec/template/spec/containers/0/env/5/value", "/srv/elsewhere/store"),
        ("docs", "3/spec/ports/0/port", 80),
        ("docs", "5/spec/template/spec/containers/0/env/0/value", "postgres"),
    ],
)
def test_the_wiring_check_catches_a_mismatch(config, docs, where, path, new):
    assert docs[2]["kind"] == "Deployment" and docs[3]["kind"] == "Service"
    assert docs[5]["kind"] == "StatefulSet"
    edit(config if where == "config" else docs, path, new)
    with pytest.raises((AssertionError, KeyError)):
        check_wiring(config, docs)


def test_the_deployment_sets_only_variables_the_service_reads(docs):
    names = set(env(container(docs)))
    ours = exchange_reads()
    # What the service needs to start (service.py main) and to store in PostgreSQL.
    for needed in ("NYUMON_EXCHANGE_ROOT", "NYUMON_EXCHANGE_DB_URL", "NYUMON_EXCHANGE_BIND",
                   "JUPYTERHUB_SERVICE_PREFIX", "NYUMON_EXCHANGE_OPEN_COURSES"):  # fmt: skip
        assert needed in names and reads(ours, needed), needed
    for name in names - {"JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_SERVICE_NAME"}:
        assert reads(ours, name), f"{name}: classroom/exchange never reads it"
    source = hubauth_source()
    if source is None:
        pytest.skip("JupyterHub is neither in this venv nor in the course runtime")
    hubauth = env_read(source)
    for name in names:
        assert reads(ours, name) or reads(hubauth, name), f"{name}: nobody reads it"


def test_no_service_link_variable_can_shadow_one_it_reads(docs):
    """Kubernetes puts <SERVICE>_PORT, <SERVICE>_SERVICE_HOST, … of every Service into pods
    with service links on: none of the Services' prefixes may start a name the service reads."""
    ours = [p for p in exchange_reads() if p.startswith("NYUMON")]
    for service in (d for d in docs if d["kind"] == "Service"):
        prefix = service["metadata"]["name"].upper().replace("-", "_") + "_"
        for link in ("PORT", "SERVICE_HOST", "SERVICE_PORT", "PORT_8080_TCP_ADDR"):
            assert not reads(ours, prefix + link), prefix + link
    for workload in (d for d in docs if d["kind"] in ("Deployment", "StatefulSet")):
        assert workload["spec"]["template"]["spec"]["enableServiceLinks"] is False


def test_no_secret_is_written_down(docs, config):
    credential = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$|DB_URL")
    in_url = re.compile(r"://[^/\s:@]+:[^@\s$]+@")  # user:password@, not user:$PASSWORD@

    def strings(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from strings(v)
        elif isinstance(node, list):
            for v in node:
                yield from strings(v)
        elif isinstance(node, str):
            yield node

    for workload in (d for d in docs if d["kind"] in ("Deployment", "StatefulSet")):
        for c in workload["spec"]["template"]["spec"]["containers"]:
            for e in c["env"]:
                if credential.search(e["name"]):
                    assert "value" not in e and "secretKeyRef" in e["valueFrom"], e["name"]
    assert not [d for d in docs if d["kind"] in ("Secret", "ConfigMap")]
    for text in [*strings(docs), *strings(config)]:
        assert not in_url.search(text), text
    for name in config["singleuser"]["extraEnv"]:
        assert not credential.search(name), name
    assert in_url.search("postgresql://exchange:hunter2@db:5432/x")  # the check can fail


def test_the_pods_are_locked_down(docs):
    accounts = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ServiceAccount"}
    for workload in (d for d in docs if d["kind"] in ("Deployment", "StatefulSet")):
        spec = workload["spec"]["template"]["spec"]
        assert spec["automountServiceAccountToken"] is False
        if "serviceAccountName" in spec:
            assert accounts[spec["serviceAccountName"]]["automountServiceAccountToken"] is False
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert not any("hostPath" in v for v in spec.get("volumes", []))
        for c in spec["containers"]:
            context = c["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"cpu", "memory"} <= set(c["resources"]["limits"])
            assert {"cpu", "memory"} <= set(c["resources"]["requests"])
    db = find(docs, "StatefulSet")["spec"]["template"]["spec"]["containers"][0]
    (data,) = [m for m in db["volumeMounts"] if m["name"] == "data"]
    assert PurePosixPath(data["mountPath"]) in PurePosixPath(value(db, "PGDATA")).parents


def ports(rule: dict) -> set[int]:
    return {p["port"] for p in rule.get("ports", [])}


def selects(peer: dict, labels: dict) -> bool:
    return peer.get("podSelector", {}).get("matchLabels", {}).items() <= labels.items()


def test_the_network_lets_servers_reach_only_the_exchanges_port(docs, config):
    labels = pod(docs)["metadata"]["labels"]
    port = container(docs)["ports"][0]["containerPort"]
    single = config["singleuser"]["networkPolicy"]
    # The servers: no private address but the hub (the chart's rule) and this one port.
    assert single["enabled"] is True and single["egressAllowRules"]["privateIPs"] is False
    (rule,) = single["egress"]
    assert ports(rule) == {port}
    assert all(selects(peer, labels) and set(peer) == {"podSelector"} for peer in rule["to"])
    assert not single.get("ingress")
    # The exchange: in from servers, hub and proxy on its port only; out to hub, db, DNS.
    policy = find(docs, "NetworkPolicy", "nyumon-exchange")["spec"]
    assert policy["podSelector"]["matchLabels"].items() <= labels.items()
    assert sorted(policy["policyTypes"]) == ["Egress", "Ingress"]
    (inbound,) = policy["ingress"]
    assert ports(inbound) == {port}
    components = {p["podSelector"]["matchLabels"]["component"] for p in inbound["from"]}
    assert components == {"singleuser-server", "hub", "proxy"}
    db_labels = find(docs, "StatefulSet")["spec"]["template"]["metadata"]["labels"]
    db_port = find(docs, "Service", "nbgrader-exchange-db")["spec"]["ports"][0]["port"]
    out = {frozenset(ports(r)) for r in policy["egress"]}
    assert out == {frozenset({8081}), frozenset({db_port}), frozenset({53})}
    (to_db,) = [r for r in policy["egress"] if ports(r) == {db_port}]
    assert all(selects(peer, db_labels) for peer in to_db["to"])
    # The database: in from the exchange only, out to nobody.
    db_policy = find(docs, "NetworkPolicy", "nbgrader-exchange-db")["spec"]
    assert db_policy["podSelector"]["matchLabels"].items() <= db_labels.items()
    assert sorted(db_policy["policyTypes"]) == ["Egress", "Ingress"]
    (db_in,) = db_policy["ingress"]
    assert ports(db_in) == {db_port} and all(selects(p, labels) for p in db_in["from"])
    assert "egress" not in db_policy


# -- nbgrader in the servers, and the images ------------------------------------------------
def dockerfile_stages() -> dict[str, str]:
    text = (K8S / "Dockerfile").read_text()
    parts = re.split(r"^FROM \S+ AS (\S+)$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def copies(stage: str) -> dict[str, str]:
    return dict(re.findall(r"^COPY (\S+) (\S+)$", stage, re.M))


def test_the_servers_nbgrader_uses_the_service_client(config, tmp_path, monkeypatch):
    pytest.importorskip("nbgrader", reason="pip install -e '.[nbgrader]'")
    from traitlets.config import Config

    extra = config["singleuser"]["extraEnv"]
    target = PurePosixPath(copies(dockerfile_stages()["singleuser"])["classroom/exchange"])
    assert target.parent == PurePosixPath(extra["NYUMON_EXCHANGE_PATH"])
    # The image's layout, here: <NYUMON_EXCHANGE_PATH>/nyumon_exchange is classroom/exchange.
    shutil.copytree(EXCHANGE, tmp_path / target.name)
    for name in ("NYUMON_EXCHANGE_URL", "NYUMON_EXCHANGE_PATH"):
        monkeypatch.setenv(name, str(tmp_path) if name.endswith("PATH") else extra[name])
    monkeypatch.setattr(sys, "path", list(sys.path))
    c = Config()
    source = ROOT / "classroom" / "nbgrader" / "roles" / "common" / "nbgrader_config.py"
    exec(compile(source.read_text(), str(source), "exec"), {"get_config": lambda: c})
    factory = c.ExchangeFactory
    from nbgrader.exchange import ExchangeFactory

    traits = {n for n in ExchangeFactory.class_trait_names(config=True) if n != "exchange"}
    assert traits <= set(factory), traits - set(factory)
    from nbgrader.exchange import abc

    for trait in traits:
        module, _, cls = factory[trait].rpartition(".")
        assert module == f"{target.name}.client", factory[trait]
        imported = getattr(importlib.import_module(module), cls)
        assert Path(sys.modules[module].__file__).is_relative_to(tmp_path)
        assert issubclass(imported, abc.Exchange) and imported.__module__ == module
    for name in list(sys.modules):
        if name == target.name or name.startswith(target.name + "."):
            del sys.modules[name]


def test_the_hubs_extra_config_makes_admins_instructors_and_picks_the_role(config):
    from traitlets.config import Config

    c = Config()
    for section, values in config["hub"]["config"].items():  # as z2jh's jupyterhub_config.py
        c[section].update(copy.deepcopy(values))
    c.KubeSpawner.environment = dict(config["singleuser"]["extraEnv"])
    for _, snippet in sorted(config["hub"]["extraConfig"].items()):
        exec(snippet, {"c": c})
    admins = config["hub"]["config"]["Authenticator"]["admin_users"]
    assert c.JupyterHub.load_groups == {"formgrade-pytorch-nyumon": {"users": sorted(admins)}}
    assert c.KubeSpawner.environment["NYUMON_EXCHANGE_URL"]  # extraEnv kept
    roles = copies(dockerfile_stages()["singleuser"])["classroom/nbgrader/roles"]
    path_of = c.KubeSpawner.environment["JUPYTER_CONFIG_PATH"]
    for admin, first in ((True, "instructor"), (False, "student")):
        spawner = SimpleNamespace(user=SimpleNamespace(admin=admin))
        folders = [PurePosixPath(p) for p in path_of(spawner).split(":")]
        assert [f.name for f in folders] == [first, "common"]
        for folder in folders:  # each is a folder of classroom/nbgrader/roles in the image
            assert folder.parent == PurePosixPath(roles)
            assert (ROOT / "classroom" / "nbgrader" / "roles" / folder.name).is_dir()
    course = ast.literal_eval(
        re.search(r"^COURSE = (.+)$", (EXCHANGE / "jupyterhub_exchange.py").read_text(), re.M)[1]
    )
    assert set(c.JupyterHub.load_groups) == {f"formgrade-{course}"}


def test_the_exchange_image_runs_what_the_deployment_says(docs, config):
    stages = dockerfile_stages()
    assert list(stages) == ["exchange", "singleuser"]  # singleuser last: the default target
    stage = stages["exchange"]
    target = PurePosixPath(copies(stage)["classroom/exchange"])
    assert re.search(rf"^ENV PYTHONPATH={target.parent}( |$)", stage, re.M)
    c = container(docs)
    assert c["command"] == ["python", "-m", target.name]
    assert (EXCHANGE / "__main__.py").exists()
    user = re.search(r"^USER (\d+):(\d+)$", stage, re.M)
    context = pod(docs)["spec"]["securityContext"]
    assert (int(user[1]), int(user[2])) == (context["runAsUser"], context["runAsGroup"])
    assert "ARG JUPYTERHUB_VERSION\n" in stage and '"jupyterhub==${JUPYTERHUB_VERSION}"' in stage
    assert '"psycopg[binary]' in stage  # postgresql+psycopg:// in the Secret's URL
    image = config["singleuser"]["image"]
    registry = image["name"].rsplit("/", 1)[0]
    assert c["image"] == f"{registry}/exchange:{image['tag']}"
    assert re.search(rf"^EXPOSE {c['ports'][0]['containerPort']}$", stage, re.M)


def test_nothing_advises_a_shared_exchange_volume():
    """The Kubernetes files name no nbgrader exchange folder a volume could share."""
    for path in (K8S / "config.yaml", K8S / "exchange.yaml", K8S / "Dockerfile"):
        text = path.read_text()
        assert "NYUMON_NBGRADER_EXCHANGE" not in text, path
        assert "/srv/nbgrader/exchange" not in text, path
