"""nbgrader's side of the sandbox: the preprocessors that nbgrader_config.py puts in place.

- ``RequireSandbox`` (first of the sanitize steps): refuses the whole ``autograde``, with one
  bilingual sentence, when this machine cannot sandbox and the unsafe opt-out is not set.
- ``SandboxedExecute`` (nbgrader's ``Execute``, its kernel in the sandbox): when the sandbox
  is stopped (time, memory) or the kernel no longer answers (a cell past its timeout that
  ignores the interrupt), that cell gets the reason as its error and later cells are not run,
  so they earn nothing; the notebook is still graded and saved (plain nbgrader instead drops
  the whole hand-in with "There was an error processing assignment").
  A graded cell is not run as written: the hand-in's kernel gets a probe request for its check
  and only sends data back; the verdict, and so the points, come from the check's judge run
  here (verdicts.py).
- ``UntrustedOutputs`` (outputs.py), right after: the outputs are the hand-in's data.
"""

from __future__ import annotations

import shutil

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer

from .kernel import SandboxedKernelManager
from .outputs import UntrustedOutputs
from .settings import GiB, Sandbox
from .verdicts import altered, graded_call, is_graded_test, judge_cell, lang_of

REFUSED = (
    "採点を止めました: この機械では提出物を隔離して実行できません（{why}）。bubblewrap を入れ"
    "（apt-get install bubblewrap）、ユーザー名前空間を許可する（sysctl kernel.unprivileged_userns_clone=1 "
    "と user.max_user_namespaces > 0）か、どの提出物もあなたの権限でコース全体を読み書きできると承知の上で "
    "--Sandbox.unsafe_no_sandbox=True を付けてください。 / Grading refused: this machine cannot run "
    "hand-ins in a sandbox ({why}); install bubblewrap (apt-get install bubblewrap) and allow user "
    "namespaces (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0), or, "
    "knowing that every hand-in can then read and rewrite the whole course with your rights, pass "
    "--Sandbox.unsafe_no_sandbox=True."
)
STOPPED = {
    "time": (
        "この提出物は 1 つのノートブックの制限時間（{seconds} 秒）を超えたので止めました。",
        "This hand-in went past the time limit of one notebook ({seconds} s) and was stopped.",
    ),
    "memory": (
        "この提出物はメモリの上限（{gib:g} GiB）を超えたので止めました。",
        "This hand-in went past its memory limit ({gib:g} GiB) and was stopped.",
    ),
    "processes": (
        "この提出物はプロセス数の上限（{processes}）を超えたので止めました。",
        "This hand-in went past its limit of processes ({processes}) and was stopped.",
    ),
    "unresponsive": (
        "この提出物はセルの制限時間（{timeout} 秒）を過ぎ、中断しても止まらなかったので止めました。",
        "This hand-in went past the time limit of a cell ({timeout} s) and did not stop when "
        "interrupted, so it was stopped.",
    ),
    None: ("この提出物のカーネルが止まりました。", "This hand-in's kernel stopped."),
}
NOT_RUN = (
    "実行していません: 前のセルで提出物のカーネルが止まりました。",
    "Not run: the hand-in's kernel stopped in an earlier cell.",
)


class SandboxRefused(SystemExit):
    """Ends `nbgrader autograde` with status 1 (nbgrader catches Exception per student)."""


def error_output(ename: str, ja: str, en: str) -> NotebookNode:
    text = f"{ja} / {en}"
    return NotebookNode(output_type="error", ename=ename, evalue=text, traceback=[text])


class RequireSandbox(NbGraderPreprocessor):
    """Refuse to grade, before anything is written, when no sandbox can start here."""

    def preprocess(self, nb, resources):
        sandbox = Sandbox(parent=self)
        why = None if sandbox.unsafe_no_sandbox else sandbox.problem()
        if why is None:
            return nb, resources
        grading = resources.get("nbgrader", {})
        converter = getattr(self.parent, "parent", None)
        if converter is not None and grading:  # no half-made autograded folder is left behind
            dest = converter._format_dest(grading["assignment"], grading["student"])
            shutil.rmtree(dest, ignore_errors=True)
        self.log.error(REFUSED.format(why=why))
        raise SandboxRefused(1)


OUTPUT_MESSAGES = {"stream", "display_data", "execute_result", "error", "update_display_data"}
CAPPED = (
    "ここから後の出力は、大きすぎるので採点では捨てました。",
    "The output from here on was too large and was dropped by the grader.",
)


def _size(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    return 8


class SandboxedExecute(Execute):
    """nbgrader's Execute with the kernel in the sandbox; a stopped sandbox ends the notebook."""

    max_output_chars = Integer(
        20_000_000, help="Characters of output kept from one notebook while it runs."
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        parent = kwargs.get("parent")
        sandbox = Sandbox(parent=parent) if parent else Sandbox(config=kwargs.get("config"))
        if not sandbox.unsafe_no_sandbox:
            kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources, km=None):
        self._stopped, self._output_chars, self._capped = False, 0, False
        self._altered = altered(nb)
        self._lang = lang_of(resources)
        if self._altered:
            student = resources.get("nbgrader", {}).get("student")
            self.log.warning("%s: the hand-in looks altered: %s", student, "; ".join(self._altered))
        nb.metadata.setdefault("nyumon", {})["altered"] = list(self._altered)
        return super().preprocess(nb, resources, km=km)

    def process_message(self, msg, cell, cell_index):
        """Keep the grader's memory bounded: outputs past the budget are dropped as they come."""
        if msg.get("msg_type") in OUTPUT_MESSAGES:
            self._output_chars += _size(msg.get("content"))
            if self._output_chars > self.max_output_chars:
                if not self._capped:
                    self._capped = True
                    cell.outputs.append(error_output("OutputTooLarge", *CAPPED))
                return None
        return super().process_message(msg, cell, cell_index)

    def preprocess_cell(self, cell, resources, index):
        """A graded cell runs as a probe request and is judged here (verdicts.py); others as is."""
        graded = graded_call(cell.source) if is_graded_test(cell) else None
        if graded is None or self._stopped:
            return self._run(cell, resources, index)
        source = cell.source
        cell.source = graded.code
        try:
            cell, resources = self._run(cell, resources, index)
        finally:
            cell.source = source
        status = judge_cell(cell, graded, self._lang, self._altered)
        student = resources.get("nbgrader", {}).get("student")
        self.log.info("%s: %s judged by the grader: %s", student, graded.name, status)
        return cell, resources

    def _run(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped:
            cell.outputs = [error_output("NotRun", *NOT_RUN)]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            what = self.km.what_broke() if hasattr(self.km, "what_broke") else None
        except CellTimeoutError:  # interrupted, and still busy: the kernel no longer answers
            what = "unresponsive"
        self._stopped = True
        sandbox = Sandbox(parent=self)
        ja, en = STOPPED.get(what, STOPPED[None])
        figures = {"seconds": sandbox.notebook_seconds, "processes": sandbox.processes,
                   "gib": sandbox.memory_bytes / GiB, "timeout": self.timeout}  # fmt: skip
        cell.outputs.append(error_output("SandboxStopped", ja.format(**figures),
                                         en.format(**figures)))  # fmt: skip
        self.log.warning("%s: %s", resources.get("nbgrader", {}).get("student"), en)
        return cell, resources


def preprocessor_lists(autograde) -> tuple[list, list]:
    """nbgrader's default lists with the sandbox's steps put in."""
    sanitize = [RequireSandbox, *autograde.sanitize_preprocessors.default()]
    steps = []
    for step in autograde.autograde_preprocessors.default():
        steps += [SandboxedExecute, UntrustedOutputs] if step is Execute else [step]
    if SandboxedExecute not in steps:
        raise RuntimeError("nbgrader's autograde steps have no Execute to replace")
    return sanitize, steps
