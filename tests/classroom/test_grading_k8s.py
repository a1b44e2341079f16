"""The Kubernetes grading Job (classroom/k8s/grading.yaml) validates against Kubernetes' own
schema (kubernetes-validate) and keeps the promises of issue 25: no service-account token, no
network, CPU and memory limits, a read-only root file system, a non-root user.
"""

from __future__ import annotations

import pytest
import yaml

from tests.support.jupyter_server import ROOT

kubernetes_validate = pytest.importorskip("kubernetes_validate")
K8S = ROOT / "classroom" / "k8s"


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    docs = list(yaml.safe_load_all((K8S / "grading.yaml").read_text()))
    return {doc["kind"]: doc for doc in docs}


def test_every_document_validates_against_the_kubernetes_schema(documents):
    version = kubernetes_validate.latest_version()
    assert set(documents) == {"NetworkPolicy", "ServiceAccount", "Job"}
    for doc in documents.values():
        kubernetes_validate.validate(doc, version, strict=True)


def test_a_typo_in_a_field_fails_the_schema(documents):
    """The strict schema catches an unknown field, so the test above can fail."""
    job = yaml.safe_load(yaml.safe_dump(documents["Job"]))
    job["spec"]["template"]["spec"]["automountServiceAcountToken"] = False
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(job, kubernetes_validate.latest_version(), strict=True)


def test_the_pod_has_no_token_no_network_and_limits(documents):
    job, policy = documents["Job"], documents["NetworkPolicy"]
    pod = job["spec"]["template"]
    spec = pod["spec"]
    assert spec["automountServiceAccountToken"] is False
    assert documents["ServiceAccount"]["automountServiceAccountToken"] is False
    assert spec["serviceAccountName"] == documents["ServiceAccount"]["metadata"]["name"]
    # the policy selects this pod and, with no rules, denies every way in and out
    labels = pod["metadata"]["labels"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
    assert sorted(policy["spec"]["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in policy["spec"] and "egress" not in policy["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    (container,) = spec["containers"]
    limits = container["resources"]["limits"]
    assert {"cpu", "memory"} <= set(limits)
    context = container["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"]["drop"] == ["ALL"]
    # it holds the course folder and a scratch, nothing else (no hostPath, no secret)
    kinds = sorted(next(k for k in v if k != "name") for v in spec["volumes"])
    assert kinds == ["emptyDir", "persistentVolumeClaim"]
    assert container["command"][:2] == ["nbgrader", "autograde"]


def test_the_job_runs_the_students_image_which_can_sandbox(documents):
    config = yaml.safe_load((K8S / "config.yaml").read_text())
    image = config["singleuser"]["image"]
    (container,) = documents["Job"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == f"{image['name']}:{image['tag']}"
    dockerfile = (K8S / "Dockerfile").read_text()
    assert "bubblewrap" in dockerfile and "nbgrader" in dockerfile
