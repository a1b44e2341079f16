"""nbgrader settings of the PyTorch Nyumon course: run nbgrader's commands in this folder.

The assignments in ``source/`` are generated from ``chapters/src`` by ``make assignments``
(``tools/assignments.py``); these settings are what they rely on. Where the exchange lives
and who may grade are the hub's business: see ``jupyterhub_nbgrader.py`` beside this file.
"""

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
