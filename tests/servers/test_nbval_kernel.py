"""The notebook runner's kernels: private ipc sockets, and a start-up death explained."""

from __future__ import annotations

import json
import sys

import nbval.kernel
import pytest

from tests.support import nbval_kernel

FLAKY = """
import pathlib, sys
flag = pathlib.Path(sys.argv[1])
if not flag.exists():
    flag.touch()
    sys.exit("first start: address already in use (simulated)")
from ipykernel import kernelapp
kernelapp.launch_new_instance(argv=["-f", sys.argv[2]])
"""


def kernel_spec(tmp_path, monkeypatch, name, argv):
    folder = tmp_path / "kernels" / name
    folder.mkdir(parents=True)
    spec = {"argv": argv, "display_name": name, "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))


def test_nbval_starts_its_kernels_through_this_module():
    assert nbval.kernel.start_new_kernel is nbval_kernel.start_new_kernel


def test_a_notebook_kernel_runs_on_private_ipc_sockets():
    kernel = nbval.kernel.RunningKernel(nbval.kernel.CURRENT_ENV_KERNEL_NAME)
    try:
        assert kernel.km.transport == "ipc"
        assert kernel.km.ip.startswith(str(nbval_kernel.socket_folder()))
        reply = kernel.kc.execute_interactive("6 * 7", store_history=False, timeout=30)
        assert reply["content"]["status"] == "ok"
    finally:
        kernel.stop()


def test_a_kernel_that_dies_at_start_is_retried_and_reported(tmp_path, monkeypatch):
    argv = [sys.executable, "-c", "import sys; sys.exit('no kernel today')"]
    kernel_spec(tmp_path, monkeypatch, "dies", argv)
    with pytest.warns(RuntimeWarning, match="no kernel today") as warned:
        with pytest.raises(RuntimeError, match=r"Kernel died(.|\n)*no kernel today"):
            nbval_kernel.start_new_kernel(kernel_name="dies", startup_timeout=20)
    assert len(warned) == nbval_kernel.ATTEMPTS - 1


def test_a_second_start_recovers_from_a_first_that_died(tmp_path, monkeypatch):
    script = tmp_path / "flaky_kernel.py"
    script.write_text(FLAKY)
    argv = [sys.executable, str(script), str(tmp_path / "started-once"), "{connection_file}"]
    kernel_spec(tmp_path, monkeypatch, "flaky", argv)
    with pytest.warns(RuntimeWarning, match="simulated"):
        km, kc = nbval_kernel.start_new_kernel(kernel_name="flaky", startup_timeout=30)
    try:
        assert kc.execute_interactive("1 + 1", timeout=30)["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
