"""``env_report``: every branch faked (Colab, CUDA, nvidia-smi, psutil failing, versions)."""

from __future__ import annotations

import dataclasses
import os
import stat
import sys
import time
import types
from types import SimpleNamespace

import pytest
import torch

import widgets
from widgets import EnvReport, env_report
from widgets._env import probe
from widgets._env.report import TESTED_RANGES, minor_version
from widgets._i18n import set_lang


@pytest.fixture
def no_nvidia_smi(monkeypatch, tmp_path):
    """A PATH with nothing on it, so ``nvidia-smi`` is missing even on a GPU machine."""
    monkeypatch.setenv("PATH", str(tmp_path))


@pytest.fixture
def no_gpu(monkeypatch, no_nvidia_smi):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


def fake_program(folder, name, script):
    """Write an executable shell script ``folder/name`` and put ``folder`` first on PATH."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def fake_cuda(monkeypatch, name="Tesla T4", memory=15 * 1024**3, capability=(7, 5), count=1):
    props = SimpleNamespace(
        name=name, total_memory=memory, major=capability[0], minor=capability[1]
    )
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda index: props)


def report(**changes) -> EnvReport:
    """A report of this machine with some fields replaced."""
    return dataclasses.replace(env_report(), **changes)


def test_this_machine_gives_a_complete_report():
    found = env_report()
    assert found.torch_version == torch.__version__
    assert found.python_version == ".".join(map(str, sys.version_info[:3]))
    assert found.torchvision_version is not None
    assert found.cpu_cores_logical == os.cpu_count()
    assert 0 < found.ram_available_gb <= found.ram_total_gb
    assert found.runtime == "script"  # pytest runs without an IPython kernel
    assert found.cuda_available == torch.cuda.is_available()
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.torch_version = "1.0"


def test_it_is_exported_flat():
    assert "env_report" in widgets.__all__ and "EnvReport" in widgets.__all__


def test_colab_without_gpu_explains_the_runtime_switch(monkeypatch, no_gpu):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    found = env_report()
    assert found.runtime == "colab" and found.gpu_name is None
    set_lang("ja")
    assert "ランタイム → ランタイムのタイプを変更 → T4 GPU" in str(found)
    assert "Google Colab" in found._repr_html_()
    set_lang("en")
    assert "Runtime → Change runtime type → T4 GPU" in str(found)
    assert "Runtime → Change runtime type" in found._repr_html_()


def test_colab_with_gpu_gives_no_switch_advice(monkeypatch, no_nvidia_smi):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    fake_cuda(monkeypatch)
    set_lang("en")
    assert "Change runtime type" not in str(env_report())


def test_outside_colab_without_gpu_says_cpu_is_fine(no_gpu):
    set_lang("en")
    text = str(env_report())
    assert "Change runtime type" not in text
    assert "also runs on the CPU" in text


@pytest.mark.parametrize(
    "env,expected",
    [({"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}, "kaggle"), ({}, "script")],
)
def test_runtime_from_environment(monkeypatch, env, expected):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert probe.runtime() == expected


@pytest.mark.parametrize("vscode,expected", [(True, "vscode"), (False, "jupyter")])
def test_runtime_in_a_kernel(monkeypatch, vscode, expected):
    import IPython

    kernel_shell = SimpleNamespace(kernel=object())
    monkeypatch.setattr(IPython, "get_ipython", lambda: kernel_shell)
    monkeypatch.setattr(probe, "_parent_is_vscode", lambda: False)
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.delenv("VSCODE_PID", raising=False)
    if vscode:
        monkeypatch.setenv("VSCODE_PID", "1234")
    assert probe.runtime() == expected


def test_terminal_ipython_counts_as_a_script(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: SimpleNamespace())  # no .kernel
    assert probe.runtime() == "script"


def test_cuda_device_is_described(monkeypatch, no_nvidia_smi):
    fake_cuda(monkeypatch, name="NVIDIA A100", memory=40 * 1024**3, capability=(8, 0), count=2)
    found = env_report()
    assert found.cuda_available and found.gpu_count == 2
    assert (found.gpu_name, found.gpu_memory_gb, found.gpu_capability) == (
        "NVIDIA A100",
        40.0,
        "8.0",
    )
    assert found.gpu_driver is None  # no nvidia-smi: driver unknown, not an error
    set_lang("en")
    text = str(found)
    assert "NVIDIA A100 × 2" in text and "40.0 GB" in text
    assert "NVIDIA driver" in text and "unknown" in text
    assert "No GPU" not in text


def test_nvidia_smi_output_is_parsed(monkeypatch, tmp_path):
    fake_program(
        tmp_path,
        "nvidia-smi",
        'echo "Tesla T4, 15360, 550.54.15"\necho "Tesla T4, [N/A], 550.54.15"\n',
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    assert probe.nvidia_smi() == [("Tesla T4", 15.0, "550.54.15"), ("Tesla T4", None, "550.54.15")]
    fake_cuda(monkeypatch)
    found = env_report()
    assert found.gpu_driver == "550.54.15" and found.gpu_capability == "7.5"


def test_gpu_that_torch_cannot_use_is_flagged(monkeypatch, tmp_path):
    fake_program(tmp_path, "nvidia-smi", 'echo "Tesla T4, 15360, 550.54.15"\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    found = env_report()
    assert (found.gpu_name, found.cuda_available, found.gpu_capability) == ("Tesla T4", False, None)
    set_lang("en")
    assert "CPU-only torch" in str(found)
    set_lang("ja")
    assert "CPU 版の torch" in found._repr_html_()


def test_failing_nvidia_smi_is_ignored(monkeypatch, tmp_path, no_gpu):
    fake_program(tmp_path, "nvidia-smi", "echo 'NVIDIA-SMI has failed' >&2\nexit 9\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert probe.nvidia_smi() == []
    assert env_report().gpu_name is None


def test_hanging_nvidia_smi_times_out(monkeypatch, tmp_path, no_gpu):
    fake_program(tmp_path, "nvidia-smi", "exec sleep 30\n")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setattr(probe, "NVIDIA_SMI_TIMEOUT", 0.5)
    start = time.perf_counter()
    found = env_report()
    assert time.perf_counter() - start < 10
    assert found.gpu_name is None and found.gpu_driver is None


def test_missing_nvidia_smi_gives_an_empty_list(no_nvidia_smi):
    assert probe.nvidia_smi() == []


@pytest.mark.parametrize("how", ["raises", "missing"])
def test_psutil_failing_shows_unknown(monkeypatch, how):
    if how == "missing":
        monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil -> ImportError
    else:
        import psutil

        def broken(*args, **kwargs):
            raise OSError("no /proc here")

        monkeypatch.setattr(psutil, "virtual_memory", broken)
        monkeypatch.setattr(psutil, "cpu_count", broken)
    found = env_report()
    assert found.ram_total_gb is None and found.ram_available_gb is None
    assert found.cpu_cores_physical is None and found.cpu_cores_logical is None
    set_lang("ja")
    assert "不明 / 不明" in str(found)
    set_lang("en")
    assert "unknown / unknown" in str(found) and "unknown" in found._repr_html_()


def test_every_probe_failing_still_gives_a_report(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    for name in ("runtime", "os_name", "cpu_model", "cpu_cores", "memory_gib", "nvidia_smi"):
        monkeypatch.setattr(probe, name, broken)
    monkeypatch.setattr(torch.cuda, "is_available", broken)
    monkeypatch.setattr(probe, "package_version", broken)
    found = env_report()
    assert (found.runtime, found.os, found.cpu_model, found.torchvision_version) == (
        "script",
        None,
        None,
        None,
    )
    set_lang("en")
    assert str(found).count("unknown") >= 5


@pytest.mark.parametrize(
    "number,text", [(90100, "9.1.0"), (92400, "9.24.0"), (8902, "8.9.2"), (None, None)]
)
def test_cudnn_version_is_decoded(monkeypatch, number, text):
    monkeypatch.setattr(torch.backends.cudnn, "version", lambda: number)
    assert probe.cudnn_version() == text


@pytest.mark.parametrize(
    "field,version,name",
    [
        ("torch_version", "2.15.0", "torch"),
        ("torch_version", "2.0.1+cu118", "torch"),
        ("torchvision_version", "0.15.2", "torchvision"),
        ("python_version", "3.9.18", "Python"),
        ("python_version", "3.14.0", "Python"),
    ],
)
def test_versions_outside_the_tested_range_warn(field, version, name):
    found = report(**{field: version})
    assert found.untested == (name,)
    low, high = TESTED_RANGES[name]
    set_lang("en")
    assert f"{name} {version} is outside the range" in str(found)
    assert f"({low}–{high})" in found._repr_html_()
    set_lang("ja")
    assert f"{name} {version} は、この講座で確かめた範囲（{low}〜{high}）の外" in str(found)


@pytest.mark.parametrize(
    "field,version",
    [("torch_version", "2.1.0"), ("torch_version", "2.14.9+cpu"), ("python_version", "3.13.1")],
)
def test_versions_at_the_range_edges_do_not_warn(field, version):
    assert report(**{field: version}).untested == ()


def test_minor_version_parsing():
    assert minor_version("2.14.1+cu130") == (2, 14)
    assert minor_version("2.6.0a0") == (2, 6)
    assert minor_version("0.29.1") == (0, 29)
    assert minor_version("2.15.0.dev20250101") == (2, 15)


@pytest.mark.parametrize(
    "lang,labels",
    [
        ("ja", ["実行環境レポート", "メモリ（空き / 合計）", "CPU コア数"]),
        ("en", ["Environment report", "Memory (available / total)", "CPU cores"]),
    ],
)
def test_labels_follow_the_language(lang, labels):
    found = report(cpu_cores_physical=2, cpu_cores_logical=4)
    set_lang(lang)
    for text in (str(found), found._repr_html_()):
        for label in labels:
            assert label in text
    cores = "物理 2・論理 4" if lang == "ja" else "2 physical, 4 logical"
    assert cores in str(found)


def test_html_escapes_machine_strings():
    found = report(cpu_model="<script>alert(1)</script>")
    assert "<script>" not in found._repr_html_()
    assert "&lt;script&gt;" in found._repr_html_()


def test_text_columns_line_up_in_japanese():
    set_lang("ja")
    lines = [line for line in str(report()).splitlines() if " : " in line]
    columns = {probe_width(line.split(" : ")[0]) for line in lines}
    assert len(columns) == 1


def probe_width(text: str) -> int:
    from widgets._env.report import _width

    return _width(text)


@pytest.mark.parametrize(
    "cmdlines,expected",
    [
        (
            [["/usr/bin/code", "--type=utility"], ["node", "/home/me/.vscode-server/server.js"]],
            True,
        ),
        ([["python", "-m", "ipykernel_launcher"], ["jupyter-lab"]], False),
    ],
)
def test_vscode_is_recognized_from_the_kernel_parents(monkeypatch, cmdlines, expected):
    import psutil

    parents = [SimpleNamespace(cmdline=lambda c=c: c) for c in cmdlines]
    monkeypatch.setattr(psutil, "Process", lambda: SimpleNamespace(parents=lambda: parents))
    assert probe._parent_is_vscode() is expected
