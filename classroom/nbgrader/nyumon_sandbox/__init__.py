"""The course's sandbox for grading: every hand-in's kernel runs in bubblewrap.

nbgrader_config.py (beside this folder) puts ``grading``'s preprocessors into ``nbgrader
autograde``; ``kernel`` starts the kernel through ``launch`` (a standalone script, with
``cgroups``); ``settings`` holds the limits (``c.Sandbox.…``). The threat model is in
classroom/nbgrader/README.md.
"""
