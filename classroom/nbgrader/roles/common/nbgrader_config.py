"""nbgrader settings every server of the class shares (students' and the instructor's).

The hub (classroom/nbgrader/jupyterhub_nbgrader.py) puts this folder on each server's
JUPYTER_CONFIG_PATH and sets NYUMON_NBGRADER_EXCHANGE.
"""

import os

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

c.CourseDirectory.course_id = "pytorch-nyumon"
c.Exchange.root = os.environ.get("NYUMON_NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
