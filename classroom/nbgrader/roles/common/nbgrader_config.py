"""nbgrader settings every server of the class shares (students' and the instructor's).

The hub (classroom/nbgrader/jupyterhub_nbgrader.py) puts this folder on each server's
JUPYTER_CONFIG_PATH and sets either NYUMON_NBGRADER_EXCHANGE (an exchange folder) or
NYUMON_EXCHANGE_URL and NYUMON_EXCHANGE_PATH (the exchange service, classroom/exchange).
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

c.CourseDirectory.course_id = "pytorch-nyumon"
if os.environ.get("NYUMON_EXCHANGE_URL"):
    # Class names, imported by nbgrader when used: a missing package fails loudly there,
    # never falling back to a folder exchange.
    sys.path.insert(0, os.environ.get("NYUMON_EXCHANGE_PATH", ""))
    for trait, name in {
        "release_assignment": "ReleaseAssignment", "fetch_assignment": "FetchAssignment",
        "submit": "Submit", "list": "List", "collect": "Collect",
        "release_feedback": "ReleaseFeedback", "fetch_feedback": "FetchFeedback",
    }.items():  # fmt: skip
        setattr(c.ExchangeFactory, trait, f"nyumon_exchange.client.{name}")
else:
    c.Exchange.root = os.environ.get("NYUMON_NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
