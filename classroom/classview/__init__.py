"""The class at a glance: students' kernels report each check's verdict, instructors see the class.

``service`` (tornado, the hub's OAuth) and ``store`` (SQLAlchemy) run under the hub; ``page``
is the instructor's page, ``catalog`` the course's titles and hints read from its source. The
kernel's side is ``widgets/_checks/report.py``. The package imports nothing from
``classroom``: the hub copies it into the course runtime as ``nyumon_classview``
(``jupyterhub_classview.py``). See classroom/README.md, "The class at a glance".
"""
