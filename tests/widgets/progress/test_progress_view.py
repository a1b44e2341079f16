"""``progress()`` in both languages, the line a chapter's setup cell prints, and Colab's Drive."""

from __future__ import annotations

import re
import sys
import types

import pytest

from widgets import keep_progress_in_drive, progress, setup
from widgets._i18n import set_lang
from widgets._progress import store, view
from widgets._progress.course import course


@pytest.fixture(autouse=True)
def folder(tmp_path, monkeypatch):
    where = tmp_path / "progress"
    monkeypatch.setenv(store.ENV, str(where))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    store.reset()
    view._here.clear()
    yield where
    store.reset()
    view._here.clear()


@pytest.fixture
def colab(monkeypatch, tmp_path):
    """A fake google.colab whose drive.mount makes the folder Colab would mount."""
    mounted = []
    google, colab = types.ModuleType("google"), types.ModuleType("google.colab")
    drive = types.ModuleType("google.colab.drive")

    def mount(path):
        mounted.append(path)
        (view.DRIVE / "MyDrive").mkdir(parents=True, exist_ok=True)

    drive.mount = mount
    colab.drive = drive
    google.colab = colab
    for name, module in (
        ("google", google),
        ("google.colab", colab),
        ("google.colab.drive", drive),
    ):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(view, "DRIVE", tmp_path / "content" / "drive")
    return mounted


def two_of_chapter_one():
    store.record("check_image_batch", "ok")
    store.record("check_products", "ok")
    store.record("check_flatten", "wrong")


def test_progress_counts_the_course_in_english():
    two_of_chapter_one()
    shown = progress()
    assert (shown.done, shown.total) == (2, sum(len(c.exercises) for c in course().chapters))
    assert shown.chapter_done("01_tensors") == (2, 6)
    text = str(shown)
    assert f"2 of {shown.total} exercises done" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("01"))
    assert row.split()[1:7] == ["✓", "✓", "✗", "·", "·", "·"]


def test_progress_speaks_japanese():
    set_lang("ja")
    two_of_chapter_one()
    shown = progress()
    assert f"全 {shown.total} 問のうち 2 問が正解済み" in str(shown)
    page = shown._repr_html_()
    assert "講座の進み具合" in page and "第1章 テンソル" in page and "未着手" in page


def test_the_table_marks_each_exercise_and_links_each_chapter_in_lab():
    two_of_chapter_one()
    page = progress()._repr_html_()
    assert page.count('data-status="ok"') == 2 and page.count('data-status="wrong"') == 1
    for chapter in course().chapters:
        if chapter.exercises:
            assert f'href="{course().lab_link(chapter.stem, "en")}"' in page
            for check in chapter.exercises:  # each mark opens the chapter at its exercise
                assert f'href="{course().exercise_link(chapter.stem, check, "en")}"' in page
    assert page.count("#cell-id=") == sum(len(c.exercises) for c in course().chapters)
    assert "colab.research.google.com" not in page
    # Readable in Lab's light and dark themes: its colours, each with a fallback elsewhere.
    assert re.findall(r"var\(--jp-[\w-]+\)", page) == []  # no variable without a fallback
    assert "var(--jp-success-color1," in page and "var(--jp-border-color2," in page


def test_on_colab_the_table_links_each_chapter_in_colab(colab):
    page = progress()._repr_html_()
    relpath = course().chapter("02_autograd").notebooks["en"]
    assert f'href="{course().colab_url(relpath)}"' in page
    assert "#cell-id=" not in page  # Colab opens a chapter at its top, not at a Lab cell id


def test_the_chapter_line_counts_last_time_and_names_the_next_exercise(capsys):
    two_of_chapter_one()
    setup("en", chapter="01_tensors")
    assert "Last time: 2 of 6 exercises done; next: 1.3" in capsys.readouterr().out
    setup("ja", chapter="01_tensors")
    assert "この章の演習 6 問のうち 2 問が正解済みです。次は 1.3 です。" in capsys.readouterr().out


def test_the_chapter_line_for_a_new_chapter_and_a_finished_one(capsys):
    setup("en", chapter="02_autograd")
    assert "This chapter has 3 exercises" in capsys.readouterr().out
    for check in course().chapter("00_getting_started").exercises:
        store.record(check, "ok")
    setup("ja", chapter="00_getting_started")
    assert "2 問はすべて正解済み" in capsys.readouterr().out


def test_old_notebooks_and_unknown_chapters_get_no_progress_line(capsys):
    setup("en")
    setup("en", chapter="99_renamed")
    assert capsys.readouterr().out.count("\n") == 2  # the "Ready" lines alone


def test_on_colab_setup_says_progress_lasts_this_session_and_offers_drive(colab, capsys):
    setup("en", chapter="01_tensors")
    out = capsys.readouterr().out
    assert "lasts for this session only" in out and "keep_progress_in_drive()" in out
    setup("ja", chapter="01_tensors")
    assert "このセッションの間だけ" in capsys.readouterr().out


def test_keep_progress_in_drive_mounts_it_and_moves_this_sessions_progress(colab, monkeypatch):
    monkeypatch.delenv(store.ENV)
    session = view.DRIVE.parent / "session"
    store.use_folder(session)
    two_of_chapter_one()
    keep_progress_in_drive()
    assert colab == [str(view.DRIVE)]
    kept = store.read_file(view.drive_folder())
    assert kept["check_products"]["status"] == "ok" and len(kept) == 3
    # The next session: the default folder again, Drive mounted, and the file found there.
    store.reset()
    assert progress().done == 2
    assert store.folder() == view.drive_folder()


def test_keep_progress_in_drive_outside_colab_says_where_progress_is(capsys):
    keep_progress_in_drive()
    assert "is for Google Colab" in capsys.readouterr().out
