"""``env_report``: which machine and which versions a notebook runs on.

The facts come from ``probe`` (each probe returns ``None`` when it cannot tell); this
module keeps them in a frozen dataclass for code and shows them as an HTML table in a
notebook or as text elsewhere, with advice (no GPU on Colab, untested versions).
"""

from __future__ import annotations

import html
import platform
import unicodedata
from dataclasses import dataclass

import torch

from .._i18n import Message
from . import probe

# Versions this course was run with: outside them the report warns (major.minor, inclusive).
TESTED_RANGES: dict[str, tuple[str, str]] = {
    "Python": ("3.10", "3.13"),
    "torch": ("2.1", "2.14"),
    "torchvision": ("0.16", "0.29"),
}

TITLE = Message(ja="実行環境レポート", en="Environment report")
UNKNOWN = Message(ja="不明", en="unknown")
NONE = Message(ja="なし", en="none")
YES = Message(ja="使える", en="available")
NO = Message(ja="使えない", en="not available")
RUNTIMES = {
    "colab": Message(ja="Google Colab", en="Google Colab"),
    "kaggle": Message(ja="Kaggle Notebook", en="Kaggle Notebook"),
    "vscode": Message(ja="VS Code（Jupyter）", en="VS Code (Jupyter)"),
    "jupyter": Message(ja="Jupyter（JupyterLab / Notebook）", en="Jupyter (JupyterLab / Notebook)"),
    "script": Message(ja="Python スクリプト / 端末", en="Python script / terminal"),
}
LABELS = {
    "runtime": Message(ja="実行環境", en="Runtime"),
    "os": Message(ja="OS", en="OS"),
    "cpu": Message(ja="CPU", en="CPU"),
    "cores": Message(ja="CPU コア数", en="CPU cores"),
    "ram": Message(ja="メモリ（空き / 合計）", en="Memory (available / total)"),
    "gpu": Message(ja="GPU", en="GPU"),
    "gpu_memory": Message(ja="GPU メモリ", en="GPU memory"),
    "capability": Message(ja="計算能力（compute capability）", en="Compute capability"),
    "driver": Message(ja="NVIDIA ドライバ", en="NVIDIA driver"),
    "cuda": Message(ja="CUDA（torch のビルド）", en="CUDA (torch build)"),
    "cudnn": Message(ja="cuDNN", en="cuDNN"),
    "mps": Message(ja="MPS（Apple の GPU）", en="MPS (Apple GPU)"),
}
CORES = Message(ja="物理 {physical}・論理 {logical}", en="{physical} physical, {logical} logical")
COLAB_NO_GPU = Message(
    ja="GPU が割り当てられていません。Colab のメニューで「ランタイム → ランタイムのタイプを変更 → T4 GPU」を選んで保存し、最初のセルから実行し直してください（ランタイムを切り替えると変数はすべて消えます）。",
    en="No GPU is attached. In Colab's menu choose “Runtime → Change runtime type → T4 GPU”, save, then run the notebook again from the first cell (switching the runtime clears every variable).",
)
NO_GPU = Message(
    ja="GPU は見つかりませんでした。この講座のコードはすべて CPU でも動きます（GPU より時間がかかるだけです）。",
    en="No GPU found. Every cell of this course also runs on the CPU (only more slowly).",
)
CPU_WHEEL = Message(
    ja="nvidia-smi は GPU（{name}）を表示していますが、torch からは使えません。CPU 版の torch が入っている可能性があります。CUDA 版を入れ直してください（第 00 章「インストール」）。",
    en="nvidia-smi lists a GPU ({name}) but torch cannot use it: a CPU-only torch is probably installed. Reinstall a CUDA build (chapter 00, “Installing”).",
)
UNTESTED = Message(
    ja="{package} {version} は、この講座で確かめた範囲（{low}〜{high}）の外です。たいていはそのまま動きますが、表示や結果が説明と違うときはバージョンの違いを疑ってください。",
    en="{package} {version} is outside the range this course was tested with ({low}–{high}). It usually works, but if output differs from the text, suspect the version.",
)
WARN, INFO = "warn", "info"


def minor_version(version: str) -> tuple[int, ...]:
    """``"2.14.1+cu130"`` → ``(2, 14)``."""
    head = version.split("+")[0].split(".")[:2]
    return tuple(int("".join(ch for ch in part if ch.isdigit()) or 0) for part in head)


@dataclass(frozen=True)
class EnvReport:
    """What ``env_report()`` found; ``None`` means the helper could not tell."""

    runtime: str
    os: str | None
    cpu_model: str | None
    cpu_cores_physical: int | None
    cpu_cores_logical: int | None
    ram_total_gb: float | None
    ram_available_gb: float | None
    gpu_count: int
    gpu_name: str | None
    gpu_memory_gb: float | None
    gpu_capability: str | None
    gpu_driver: str | None
    cuda_available: bool
    cuda_version: str | None
    cudnn_version: str | None
    mps_available: bool
    python_version: str
    torch_version: str
    torchvision_version: str | None

    @property
    def untested(self) -> tuple[str, ...]:
        """Names from ``TESTED_RANGES`` whose installed version lies outside the range."""
        found = self._versions()
        out = []
        for name, (low, high) in TESTED_RANGES.items():
            version = found[name]
            if version and not minor_version(low) <= minor_version(version) <= minor_version(high):
                out.append(name)
        return tuple(out)

    def _versions(self) -> dict[str, str | None]:
        return {
            "Python": self.python_version,
            "torch": self.torch_version,
            "torchvision": self.torchvision_version,
        }

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs in the current language, as the table shows them."""
        unknown = UNKNOWN()

        def gib(value: float | None) -> str:
            return unknown if value is None else f"{value:.1f} GB"

        cores = unknown
        if self.cpu_cores_physical or self.cpu_cores_logical:
            cores = CORES(
                physical=self.cpu_cores_physical or unknown,
                logical=self.cpu_cores_logical or unknown,
            )
        gpu = self.gpu_name or NONE()
        if self.gpu_count > 1:
            gpu = f"{gpu} × {self.gpu_count}"
        rows = [
            ("runtime", RUNTIMES.get(self.runtime, RUNTIMES["script"])()),
            ("os", self.os or unknown),
            ("cpu", self.cpu_model or unknown),
            ("cores", cores),
            ("ram", f"{gib(self.ram_available_gb)} / {gib(self.ram_total_gb)}"),
            ("gpu", gpu),
        ]
        if self.gpu_name:
            rows += [
                ("gpu_memory", gib(self.gpu_memory_gb)),
                ("capability", self.gpu_capability or unknown),
                ("driver", self.gpu_driver or unknown),
            ]
        rows += [
            ("cuda", self.cuda_version or NONE()),
            ("cudnn", self.cudnn_version or NONE()),
            ("mps", YES() if self.mps_available else NO()),
        ]
        shown = [(str(LABELS[key]), value) for key, value in rows]
        shown += [(name, version or unknown) for name, version in self._versions().items()]
        return shown

    def advice(self) -> list[tuple[str, str]]:
        """(level, text) notes in the current language: ``"warn"`` or ``"info"``."""
        notes = []
        if self.gpu_name and not self.cuda_available:
            notes.append((WARN, CPU_WHEEL(name=self.gpu_name)))
        elif not self.gpu_name and not self.mps_available:
            notes.append((WARN, COLAB_NO_GPU()) if self.runtime == "colab" else (INFO, NO_GPU()))
        found = self._versions()
        for name in self.untested:
            low, high = TESTED_RANGES[name]
            notes.append((WARN, UNTESTED(package=name, version=found[name], low=low, high=high)))
        return notes

    def __str__(self) -> str:
        rows = self.rows()
        width = max(_width(label) for label, _ in rows)
        lines = [str(TITLE)]
        lines += [f"  {label}{' ' * (width - _width(label))} : {value}" for label, value in rows]
        lines += [f"{'⚠' if level == WARN else 'ℹ'} {text}" for level, text in self.advice()]
        return "\n".join(lines)

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(str(self))  # type: ignore[attr-defined]

    def _repr_html_(self) -> str:
        cells = "".join(
            f'<tr><th style="text-align:left;padding-right:1em">{html.escape(label)}</th>'
            f'<td style="text-align:left">{html.escape(value)}</td></tr>'
            for label, value in self.rows()
        )
        notes = "".join(
            f'<div class="nyumon-env-{level}" style="border-left:4px solid '
            f'{"#b3261e" if level == WARN else "#1f5fa8"};padding:4px 10px;margin:4px 0">'
            f"{'⚠' if level == WARN else 'ℹ'} {html.escape(text)}</div>"
            for level, text in self.advice()
        )
        return (
            f'<div class="nyumon-env"><b>{html.escape(str(TITLE))}</b>'
            f'<table style="margin:4px 0">{cells}</table>{notes}</div>'
        )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def env_report() -> EnvReport:
    """Inspect this machine: runtime, OS, CPU, memory, GPU, CUDA/cuDNN, MPS and versions.

    Returns an ``EnvReport``: a table in a notebook, text in ``print``, fields for code
    (``report.torch_version``, ``report.gpu_name``...). Never raises: what cannot be
    found out shows as "unknown".
    """
    physical, logical = probe.safe(probe.cpu_cores, (None, None))
    total, available = probe.safe(probe.memory_gib, (None, None))
    cuda = probe.safe(torch.cuda.is_available, False)
    count, name, memory, capability = 0, None, None, None
    if cuda:
        count, name, memory, capability = probe.safe(probe.cuda_gpu, (0, None, None, None))
    smi = probe.safe(probe.nvidia_smi, [])
    driver = smi[0][2] if smi else None
    if not (cuda and name) and smi:  # a GPU torch cannot use: say so, not "none"
        cuda, count, (name, memory, _) = False, len(smi), smi[0]
    return EnvReport(
        runtime=probe.safe(probe.runtime, "script"),
        os=probe.safe(probe.os_name, None),
        cpu_model=probe.safe(probe.cpu_model, None),
        cpu_cores_physical=physical,
        cpu_cores_logical=logical,
        ram_total_gb=total,
        ram_available_gb=available,
        gpu_count=count,
        gpu_name=name,
        gpu_memory_gb=memory,
        gpu_capability=capability if cuda else None,
        gpu_driver=driver,
        cuda_available=bool(cuda and name),
        cuda_version=probe.safe(lambda: torch.version.cuda, None),
        cudnn_version=probe.safe(probe.cudnn_version, None),
        mps_available=probe.safe(probe.mps_available, False),
        python_version=platform.python_version(),
        torch_version=torch.__version__,
        torchvision_version=probe.safe(lambda: probe.package_version("torchvision"), None),
    )
