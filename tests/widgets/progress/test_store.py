"""The progress file: atomic, safe with two writers, a damaged file set aside, a folder that
cannot be written never in a check's way, nothing kept while nbgrader grades."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from widgets import check_products, check_shrink
from widgets._progress import store


@pytest.fixture(autouse=True)
def folder(tmp_path, monkeypatch):
    where = tmp_path / "progress"
    monkeypatch.setenv(store.ENV, str(where))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    store.reset()
    yield where
    store.reset()


def saved(where: Path) -> dict:
    return json.loads((where / store.FILE).read_text(encoding="utf-8"))["exercises"]


def right_products():
    a, b = torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2)
    return a, b, a @ b, a * a


def test_a_check_keeps_its_verdict_by_exercise_never_the_answer(folder):
    a, b, _, _ = right_products()
    assert not check_products(a, b, a * 1000, a)  # wrong
    assert check_products(*right_products())
    entry = saved(folder)["check_products"]
    assert entry["status"] == "ok" and entry["tries"] == 2 and entry["passed"]
    text = (folder / store.FILE).read_text(encoding="utf-8")
    assert "1000" not in text and "tensor" not in text  # no answer, no hint that quotes it
    assert set(entry) <= {"status", "at", "tries", "help", "passed"}


def test_a_stub_is_kept_as_not_yet_and_a_check_outside_the_catalog_not_at_all(folder):
    from widgets import check_conv_out  # a first-edition check kept for old notebooks

    check_products(None, None, None, None)
    check_conv_out(None)
    assert set(saved(folder)) == {"check_products"}
    assert saved(folder)["check_products"]["status"] == "todo"


def test_one_check_serving_two_exercises_keeps_each_under_its_own_name(folder):
    from widgets import check_conv2d

    check_conv2d(None)
    check_conv2d(None, unfold=True)
    assert set(saved(folder)) == {"check_conv2d", "check_conv2d[unfold]"}


def test_a_right_answer_stays_done_after_a_later_wrong_one(folder):
    store.record("check_shrink", "ok")
    store.record("check_shrink", "wrong")
    entry = saved(folder)["check_shrink"]
    assert entry["status"] == "wrong" and entry["passed"] and entry["tries"] == 2


def test_help_levels_are_joined_and_keep_the_verdicts_status(folder):
    store.record("check_mlp", "wrong")
    store.record_help("check_mlp", 1)
    store.record_help("check_mlp", 2)
    store.record_help("check_mlp", 2)
    store.record_help("check_mlp", 0)  # not a level: ignored
    entry = saved(folder)["check_mlp"]
    assert entry["help"] == [1, 2] and entry["status"] == "wrong" and entry["tries"] == 1


def test_the_file_is_replaced_whole_or_not_at_all(folder, monkeypatch):
    store.record("check_shrink", "ok")
    before = (folder / store.FILE).read_bytes()

    def no_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", no_replace)
    store.record("check_mlp", "ok")  # fails quietly
    assert (folder / store.FILE).read_bytes() == before
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


WRITER = """
import sys
from widgets._progress import store
me, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    store.record(f"{me}-{i}", "ok" if i % 2 else "wrong")
    store.record("shared", "wrong")
assert store.flush()
"""


def test_two_processes_writing_at_once_lose_no_verdict(folder):
    n = 150
    env = {**os.environ, store.ENV: str(folder)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(n)], env=env, cwd=Path.cwd())
        for name in ("left", "right")
    ]
    assert [w.wait(timeout=300) for w in writers] == [0, 0]
    entries = saved(folder)
    for name in ("left", "right"):
        assert {k for k in entries if k.startswith(name)} == {f"{name}-{i}" for i in range(n)}
    assert entries["shared"]["tries"] == 2 * n
    assert not list(folder.glob("*.tmp"))


def test_a_damaged_file_is_set_aside_with_one_message_in_both_languages(folder, capsys):
    folder.mkdir(parents=True)
    (folder / store.FILE).write_text('{"version": 1, "exercises": {"x": ', encoding="utf-8")
    store.record("check_shrink", "ok")
    store.record("check_mlp", "ok")
    out = capsys.readouterr().out
    assert out.count("progress.broken-") == 2  # one line in each language, once
    assert "壊れていた" in out and "damaged" in out
    aside = list(folder.glob("progress.broken-*.json"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").startswith('{"version"')
    assert set(saved(folder)) == {"check_shrink", "check_mlp"}


@pytest.mark.parametrize(
    "text", ["[1, 2]", '{"version": 99, "exercises": {}}', '{"version": 1, "exercises": {"a": 1}}']
)
def test_a_file_of_another_shape_is_not_taken_for_ours(folder, text):
    folder.mkdir(parents=True)
    (folder / store.FILE).write_text(text, encoding="utf-8")
    assert store.read() == {}
    store.record("check_shrink", "ok")
    assert list(folder.glob("progress.broken-*.json"))


def test_a_folder_that_cannot_be_written_costs_one_quiet_notice(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(store.ENV, str(blocker / "progress"))  # even root cannot mkdir here
    verdict = check_shrink(None)
    assert str(verdict.status) == "todo"  # the check still answers
    store.record("check_mlp", "ok")
    out = capsys.readouterr().out
    assert out.count("\n") == 2 and "保存できません" in out and "Cannot save progress" in out
    assert store._state["off"] is True  # not tried again in this process


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_costs_one_quiet_notice(folder, capsys):
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        store.record("check_mlp", "ok")
        store.record("check_shrink", "ok")
        assert capsys.readouterr().out.count("\n") == 2
    finally:
        folder.chmod(0o700)


def test_nothing_is_kept_while_nbgrader_grades(folder, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    check_shrink(None)
    store.record("check_mlp", "ok")
    store.record_help("check_mlp", 1)
    assert not folder.exists()
    monkeypatch.delenv("NBGRADER_EXECUTION")
    store.record("check_mlp", "ok")
    assert set(saved(folder)) == {"check_mlp"}


def test_a_busy_lock_keeps_the_verdict_for_the_next_write(folder, monkeypatch):
    import fcntl

    folder.mkdir(parents=True)
    monkeypatch.setattr(store, "LOCK_WAIT", 0.0)
    holder = os.open(folder / store.LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another notebook's write, frozen
    try:
        store.record("check_shrink", "ok")
        assert not (folder / store.FILE).exists()
        assert store.read()["check_shrink"]["status"] == "ok"  # shown, though not yet saved
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)
    store.record("check_mlp", "wrong")
    assert set(saved(folder)) == {"check_shrink", "check_mlp"}


def test_the_default_folder_is_in_jupyters_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(store.ENV)
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jd"))
    assert store.folder() == tmp_path / "jd" / "pytorch-nyumon"
