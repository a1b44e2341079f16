"""Probes behind ``env_report``: each asks the machine one question and never raises.

A probe that cannot find out returns ``None`` (shown as "unknown"): a learner's first
notebook cell must not fail because ``psutil`` is missing or ``nvidia-smi`` hangs.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from typing import TypeVar

import torch

T = TypeVar("T")
D = TypeVar("D")
NVIDIA_SMI_TIMEOUT = 5.0  # seconds; a wedged driver can make nvidia-smi hang
GIB = 1024**3


def safe(probe: Callable[[], T], default: D) -> T | D:
    """``probe()``, or ``default`` when it raises anything at all."""
    try:
        return probe()
    except Exception:
        return default


def runtime() -> str:
    """``"colab"``, ``"kaggle"``, ``"vscode"``, ``"jupyter"`` or ``"script"``."""
    if "google.colab" in sys.modules:
        return "colab"
    if os.environ.get("KAGGLE_KERNEL_RUN_TYPE"):
        return "kaggle"
    shell = sys.modules.get("IPython")
    ip = safe(lambda: shell.get_ipython(), None) if shell else None
    if ip is None or not hasattr(ip, "kernel"):
        return "script"  # plain python, or IPython in a terminal
    if os.environ.get("VSCODE_PID") or safe(_parent_is_vscode, False):
        return "vscode"
    return "jupyter"


def _parent_is_vscode() -> bool:
    import psutil

    for parent in psutil.Process().parents()[:3]:
        if "vscode" in " ".join(parent.cmdline()).lower():
            return True
    return False


def os_name() -> str:
    name = f"{platform.system()} {platform.release()} ({platform.machine()})"
    if platform.system() == "Linux":
        distro = safe(lambda: platform.freedesktop_os_release().get("PRETTY_NAME"), None)
        return f"{distro} · {name}" if distro else name
    if platform.system() == "Darwin":
        return f"macOS {platform.mac_ver()[0]} ({platform.machine()})"
    return name


def cpu_model() -> str | None:
    if sys.platform.startswith("linux"):
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "Model") and value.strip():
                    return value.strip()
    if sys.platform == "darwin":
        done = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"],
            capture_output=True,
            text=True,
            timeout=NVIDIA_SMI_TIMEOUT,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    return platform.processor() or None


def cpu_cores() -> tuple[int | None, int | None]:
    """(physical, logical) cores."""
    import psutil

    return psutil.cpu_count(logical=False), psutil.cpu_count(logical=True)


def memory_gib() -> tuple[float, float]:
    """(total, available) RAM in GiB."""
    import psutil

    mem = psutil.virtual_memory()
    return round(mem.total / GIB, 1), round(mem.available / GIB, 1)


def cuda_gpu() -> tuple[int, str, float, str]:
    """(count, name, memory in GiB, compute capability) of the first CUDA device."""
    props = torch.cuda.get_device_properties(0)
    capability = f"{props.major}.{props.minor}"
    return torch.cuda.device_count(), props.name, round(props.total_memory / GIB, 1), capability


def nvidia_smi() -> list[tuple[str, float | None, str]]:
    """(name, memory in GiB, driver) per GPU as nvidia-smi lists them; [] without it."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    query = "--query-gpu=name,memory.total,driver_version"
    done = subprocess.run(
        [exe, query, "--format=csv,noheader,nounits"],
        capture_output=True,
        text=True,
        timeout=NVIDIA_SMI_TIMEOUT,
    )
    if done.returncode != 0:
        return []
    rows = []
    for line in done.stdout.strip().splitlines():
        name, memory, driver = (part.strip() for part in line.split(","))
        mib = safe(functools.partial(float, memory), None)  # "[N/A]" on some boards
        rows.append((name, None if mib is None else round(mib / 1024, 1), driver))
    return rows


def cudnn_version() -> str | None:
    number = torch.backends.cudnn.version()
    if not number:
        return None
    # cuDNN 9 encodes 9.1.0 as 90100; cuDNN 8 encodes 8.9.2 as 8902.
    major, rest = divmod(number, 10000 if number >= 10000 else 1000)
    return f"{major}.{rest // 100}.{rest % 100}"


def mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def package_version(name: str) -> str | None:
    return metadata.version(name)
