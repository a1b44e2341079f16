"""What `make lab` runs (dry run): git's filter set up first, the UI language only when asked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(*args: str) -> list[str]:
    done = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})  # fmt: skip
    return done.stdout.splitlines()


def lab_line(lines: list[str]) -> str:
    return next(line for line in lines if "jupyter lab" in line)


def test_make_lab_sets_up_the_filter_before_starting_jupyter():
    lines = dry_run("lab")
    install = next(i for i, line in enumerate(lines) if "tools/nbstrip.py --install" in line)
    assert install < lines.index(lab_line(lines))
    assert "NYUMON_LAB_LANG" not in lab_line(lines)  # the system's language decides


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_make_lab_lang_asks_for_that_language(lang):
    assert f'NYUMON_LAB_LANG="{lang}"' in lab_line(dry_run("lab", f"LANG={lang}"))


def test_make_reset_passes_the_chapter():
    assert any(line.endswith("-m tools.reset 03") for line in dry_run("reset", "CHAPTER=03"))
