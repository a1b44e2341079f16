"""nbgrader settings of the PyTorch Nyumon course: run nbgrader's commands in this folder.

The assignments in ``source/`` are generated from ``chapters/src`` by ``make assignments``
(``tools/assignments.py``); these settings are what they rely on. Where the exchange lives
and who may grade are the hub's business: see ``jupyterhub_nbgrader.py`` beside this file.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (traitlets provides get_config in config files)

c.CourseDirectory.course_id = "pytorch-nyumon"

# An answer cell holds the chapter's stub, then the solution between "### BEGIN SOLUTION"
# and "### END SOLUTION". The released notebook keeps the stub and drops the solution, so
# nothing replaces it (nbgrader's default would add `raise NotImplementedError()`).
c.ClearSolutions.code_stub = {"python": ""}

# A student who deletes a graded cell gets it back at grading time (with a note), instead
# of silently losing or keeping its points.
c.OverwriteCells.add_missing_cells = True

# Seconds a cell may run during autograde before it is interrupted and marked
# CellTimeoutError; later cells still run. The generated notebooks tell students this
# number (TIMEOUT in tools/assignments.py, kept equal by a test).
c.Execute.timeout = 60

# Late submissions are graded and flagged (the export has their timestamp and the
# penalty column); choose "zero" to give them no points instead.
c.LateSubmissionPlugin.penalty_method = "none"

# Every hand-in's kernel runs in a sandbox (nyumon_sandbox/, beside this file): a throwaway
# user in its own namespaces (bubblewrap), no network, only the course runtime to read and a
# size-limited scratch copy of its own folder to write; limits on memory, processes and time.
# Where the machine cannot sandbox, autograde refuses and says why. README.md has the threat
# model. Limits: c.Sandbox.memory_bytes, .processes, .scratch_bytes, .notebook_seconds.
sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    from nbgrader.converters import Autograde
    from nyumon_sandbox.grading import preprocessor_lists

    c.Autograde.sanitize_preprocessors, c.Autograde.autograde_preprocessors = preprocessor_lists(
        Autograde
    )
    # collect leaves out symbolic links a student put in the inbound folder by hand (with
    # the exchange service there is no such folder: its own collect is set by the hub)
    if not os.environ.get("NYUMON_EXCHANGE_URL"):
        c.ExchangeFactory.collect = "nyumon_sandbox.collect.CollectWithoutLinks"
except Exception as error:  # fail closed: traitlets skips a config file that raises, and
    problem = error  # autograde would then run every hand-in unconfined

    def refuse(**_):
        raise SystemExit(f"nyumon_sandbox: {problem!r} (copy all of classroom/nbgrader).")

    c.Autograde.pre_convert_hook = refuse
