"""Start nbval's notebook kernels on private Unix sockets, and say why when one dies.

nbval starts each notebook's kernel with jupyter_client's defaults: five TCP ports that
jupyter_client picks, releases, and hands to the kernel to bind a moment later. Under
``pytest -n 2`` with JupyterLab and Chromium running beside the notebooks, another process
can take one of those ports in that moment; the kernel then dies at start-up with "Address
already in use" (jupyter/jupyter_client#487). CI once failed in a way that fits: every cell
of one notebook errored with "Kernel died before replying to kernel_info" (the kernel's own
message was lost, so the cause is likely, not proven).

Here each kernel gets its own ``ipc`` sockets in a private folder instead, so there is no
port to lose. nbval also throws the kernel's stderr away; it is kept in a file here, and if
a kernel still dies before it answers, its last lines are shown in a warning and the start
is tried again (at most ``ATTEMPTS`` times). A kernel that dies *after* it answered, while
running a notebook, is never retried: that is a real failure of the notebook.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
import warnings
from pathlib import Path

ATTEMPTS = 3
_folder: Path | None = None


def socket_folder() -> Path:
    """One short private folder per test process (Unix socket paths must stay < 108 bytes)."""
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="nbk-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.strip().splitlines()[-lines:]) or "(the kernel printed nothing)"


def start_once(kernel_name: str, startup_timeout: float, kwargs: dict):
    """Start one kernel on fresh ipc sockets; if it dies first, raise with what it printed."""
    from jupyter_client.manager import KernelManager
    from nbval.kernel import NbvalKernelspecManager

    name = uuid.uuid4().hex[:12]
    log = socket_folder() / f"{name}.stderr"
    km = KernelManager(
        kernel_name=kernel_name,
        kernel_spec_manager=NbvalKernelspecManager(),
        transport="ipc",
        ip=str(socket_folder() / name),
    )
    with log.open("w", encoding="utf-8") as stderr:
        km.start_kernel(stderr=stderr, **kwargs)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=startup_timeout)
    except RuntimeError as error:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise RuntimeError(f"{error}. The kernel printed:\n{tail(log)}") from error
    return km, kc


def start_new_kernel(startup_timeout=60, kernel_name="python", **kwargs):
    """Drop-in for ``nbval.kernel.start_new_kernel``: same arguments, same result."""
    kwargs.pop("stderr", None)  # nbval passes os.devnull; start_once keeps it in a file
    for attempt in range(1, ATTEMPTS):
        try:
            return start_once(kernel_name, startup_timeout, kwargs)
        except RuntimeError as error:
            message = f"kernel start {attempt} of {ATTEMPTS} failed, trying again: {error}"
            warnings.warn(message, RuntimeWarning, stacklevel=2)
    return start_once(kernel_name, startup_timeout, kwargs)


def pytest_configure(config):
    try:
        import nbval.kernel
    except ImportError:  # nbval is a test extra; without it there is nothing to patch
        return
    nbval.kernel.start_new_kernel = start_new_kernel
