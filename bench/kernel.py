"""A real IPython kernel for bench rows: widgets driven by comm messages, as a browser does.

``Kernel`` starts ``python3`` with this checkout first on ``PYTHONPATH`` and torch's default
thread count (as a learner's kernel has), runs code and reads its printed output, and sends
a widget ``update`` the way a browser's slider does, then waits for the kernel to send a new
value of another widget.
"""

from __future__ import annotations

import json
import os
import queue
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.pop("OMP_NUM_THREADS", None)  # as in a learner's kernel: torch's own thread count
    return env


class Kernel:
    def __init__(self) -> None:
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(kernel_name="python3", env=kernel_env(), cwd=ROOT)
        self.cpu_seconds: list[float] = []  # kernel CPU time spent in each change()

    def cpu(self) -> float:
        """CPU seconds the kernel process has used so far (all its threads)."""
        import psutil

        times = psutil.Process(self.km.provisioner.process.pid).cpu_times()
        return times.user + times.system

    def run(self, code: str, timeout: float = 300) -> str:
        """Execute ``code``; its stdout, or RuntimeError with the traceback."""
        msg_id = self.kc.execute(code)
        out: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                out.append(content["text"])
            elif kind == "error":
                raise RuntimeError("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)

    def json(self, code: str) -> object:
        """Execute ``code`` whose last printed line is JSON, and return it decoded."""
        return json.loads(self.run(code).strip().splitlines()[-1])

    def drain(self) -> None:
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                return

    def change(self, model_id: str, state: dict, watched: str, timeout: float = 60) -> float:
        """Send a browser-like ``update`` of widget ``model_id``; seconds until ``watched`` is updated."""
        self.drain()
        data = {"method": "update", "state": state, "buffer_paths": []}
        msg = self.kc.session.msg("comm_msg", {"comm_id": model_id, "data": data})
        cpu = self.cpu()
        started = time.perf_counter()
        self.kc.shell_channel.send(msg)
        deadline = time.monotonic() + timeout
        while True:
            reply = self.kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
            content = reply["content"]
            if reply["msg_type"] == "comm_msg" and content.get("comm_id") == watched:
                if content["data"].get("method") in ("update", "echo_update"):
                    took = time.perf_counter() - started
                    self.cpu_seconds.append(self.cpu() - cpu)
                    return took

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
