"""Progress that lasts: ``store`` (the learner's progress file), ``course`` (the chapters, their
notebooks and exercises, as `tools/build.py` wrote them) and ``view`` (``progress()``, the
line ``setup()`` prints, keeping progress in Google Drive on Colab).

Checks call ``store.record`` for each verdict (``_checks`` → ``_progress``); nothing here
imports a check.
"""
