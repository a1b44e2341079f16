"""Generators and runners of the course, run from the repository's root as modules.

- ``python -m tools.build``: the notebooks and README's chapter table from chapters/src
- ``python -m tools.assignments``: the nbgrader course (classroom/nbgrader/source)
- ``python -m tools.ipywidgets7_run``: the widget tests again under ipywidgets 7.7.1 (Colab's)
- ``python -m tools.colab_run``: every chapter as on Google Colab (``make colab``)
- ``python -m tools.reset 03``: a chapter back as shipped, the learner's copy in my-notes/
- ``tools/nbstrip.py``: git's clean filter for course notebooks (outputs stay in the files)

Each takes ``--check`` or its own options; see its docstring.
"""
