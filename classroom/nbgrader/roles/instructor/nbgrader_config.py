"""The instructor's course folder: a copy of classroom/nbgrader in their home.

    cp -r classroom/nbgrader ~/pytorch-nyumon-course   (see classroom/nbgrader/README.md)

The formgrader reads nbgrader settings from Jupyter's config path and its own working
folder (the home), not from the course folder: so the course's own settings are loaded here.
"""

import os

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

course = os.path.expanduser(os.environ.get("NYUMON_NBGRADER_COURSE", "~/pytorch-nyumon-course"))
c.CourseDirectory.root = course
if os.path.isfile(os.path.join(course, "nbgrader_config.py")):
    load_subconfig(os.path.join(course, "nbgrader_config.py"))  # noqa: F821
