"""The class view's store, its sums, its page's language and the course catalog, in one process.

The service with real tokens and a real browser is tested in test_classview_hub.py.
"""

from __future__ import annotations

import csv
import datetime
import io
import uuid

import pytest

pytest.importorskip("sqlalchemy", reason="pip install -e '.[classroom]'")

from classroom.classview import catalog, page
from classroom.classview.store import Full, Invalid, Store
from widgets._checks import report

COURSE = "pytorch-nyumon"


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'classview.sqlite'}")


def sent(exercise: str, status: str, hint: str = "", chapter: str = "01", at=None) -> dict:
    """A record as the kernel makes it (report.record), with a chosen time."""
    item = report.record(f"widgets._checks.ch{chapter}", exercise, status, "")
    item["hint"] = hint
    if at is not None:
        item["at"] = at.isoformat(timespec="seconds")
    return item


def test_the_kernels_record_is_what_the_store_accepts(store):
    item = report.record("widgets._checks.ch01", "check_image_batch", "wrong", "")
    assert set(item) == set(report.FIELDS)
    assert store.add(COURSE, "alice", [item]) == 1


def test_a_record_sent_twice_counts_once(store):
    item = sent("check_image_batch", "wrong", "ch01.BATCH_SIX_D")
    assert store.add(COURSE, "alice", [item, item]) == 1
    assert store.add(COURSE, "alice", [item]) == 0
    assert store.add(COURSE, "bob", [item]) == 1  # the same id from another student: hers is his
    (cell,) = [s for s in store.summary(COURSE)["students"] if s["name"] == "alice"]
    assert cell["attempts"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"student": "bob"},  # a name: never in a record
        {"code": "x = 1"},  # anything else either
        {"status": "passed"},
        {"exercise": "check_x; DROP TABLE reports"},
        {"chapter": "../01"},
        {"hint": "Your line x = secret() raised"},  # a hint's text, not its id
        {"at": "yesterday"},
        {"id": "not-hex"},
        {"exercise": 3},
    ],
)
def test_anything_but_the_six_fields_is_refused(store, change):
    item = {**sent("check_image_batch", "ok"), **change}
    with pytest.raises(Invalid):
        store.add(COURSE, "alice", [sent("check_image_batch", "ok"), item])
    assert store.summary(COURSE)["students"] == []  # all or nothing


def test_too_many_at_once_or_not_a_list_is_refused(store):
    with pytest.raises(Invalid):
        store.add(COURSE, "alice", [sent("check_a", "ok") for _ in range(501)])
    with pytest.raises(Invalid):
        store.add(COURSE, "alice", {"reports": []})


def test_a_kernel_clock_far_ahead_is_replaced_by_the_services():
    received = datetime.datetime(2026, 12, 4, 12, 0)
    from classroom.classview.store import parse

    ahead = {**sent("check_a", "ok"), "at": "2027-01-01T00:00:00+00:00"}
    assert parse(ahead, received)["at"] == received
    behind = {**sent("check_a", "ok"), "at": "2026-12-04T20:30:00+09:00"}  # 11:30 UTC
    assert parse(behind, received)["at"] == datetime.datetime(2026, 12, 4, 11, 30)


def class_of_three(store) -> None:
    t = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.timezone.utc)
    m = datetime.timedelta(minutes=1)
    store.add(COURSE, "alice", [
        sent("check_image_batch", "todo", "verdict.STUB_LEFT", at=t),
        sent("check_image_batch", "wrong", "ch01.BATCH_SIX_D", at=t + m),
        sent("check_image_batch", "ok", at=t + 2 * m),
        sent("check_products", "wrong", "ch01.PRODUCTS_SWAPPED", at=t + 3 * m),
    ])  # fmt: skip
    store.add(COURSE, "bob", [
        sent("check_image_batch", "wrong", "ch01.BATCH_SIX_D", at=t),
        sent("check_image_batch", "wrong", "ch01.BATCH_SIX_D", at=t + m),
        sent("check_image_batch", "wrong", "ch01.BATCH_DTYPE", at=t + 2 * m),
        sent("check_grad_by_hand", "ok", chapter="02", at=t + 3 * m),
    ])  # fmt: skip
    store.add(COURSE, "carol", [
        sent("check_image_batch", "wrong", "ch01.BATCH_DTYPE", at=t),
        sent("check_image_batch", "wrong", "ch01.BATCH_DTYPE", at=t + m),
        sent("check_image_batch", "wrong", "ch01.BATCH_DTYPE", at=t + 2 * m),
        sent("check_image_batch", "wrong", "ch01.BATCH_DTYPE", at=t + 3 * m),
    ])  # fmt: skip
    store.add("another-course", "dave", [sent("check_image_batch", "ok")])


def test_the_class_by_chapter_pass_rates_and_commonest_hints(store):
    class_of_three(store)
    summary = store.summary(COURSE)
    chapters = {
        c["chapter"]: {e["exercise"]: e for e in c["exercises"]} for c in summary["chapters"]
    }
    assert list(chapters) == ["01", "02"]
    batch = chapters["01"]["check_image_batch"]
    assert (batch["tried"], batch["passed"], batch["pass_rate"]) == (3, 1, 0.333)
    # BATCH_SIX_D: alice and bob; BATCH_DTYPE: bob and carol (carol four times): a tie in
    # students, broken by the name, never by how often one student repeats a mistake
    assert (batch["hint"], batch["hint_students"]) == ("ch01.BATCH_DTYPE", 2)
    products = chapters["01"]["check_products"]
    assert (products["pass_rate"], products["hint"]) == (0.0, "ch01.PRODUCTS_SWAPPED")
    assert chapters["02"]["check_grad_by_hand"]["pass_rate"] == 1.0
    assert "dave" not in str(summary)  # another course's student


def test_each_students_row(store):
    class_of_three(store)
    rows = {s["name"]: s for s in store.summary(COURSE)["students"]}
    assert list(rows) == ["alice", "bob", "carol"]
    alice = rows["alice"]
    assert (alice["attempts"], alice["passed"]) == (3, 1)  # "not yet" is no attempt
    assert alice["cells"]["01/check_image_batch"] == {
        "attempts": 2, "passed": True, "last": "ok", "hint": ""
    }  # fmt: skip
    assert alice["last"] == "2026-12-04T10:03:00Z"
    assert rows["carol"]["cells"]["01/check_image_batch"]["attempts"] == 4
    assert not rows["carol"]["cells"]["01/check_image_batch"]["passed"]


def test_the_version_grows_with_each_new_report_only(store):
    assert store.version(COURSE) == 0
    item = sent("check_a", "ok")
    store.add(COURSE, "alice", [item])
    first = store.version(COURSE)
    store.add(COURSE, "alice", [item])  # the same again: nothing new
    assert store.version(COURSE) == first
    store.add(COURSE, "bob", [sent("check_a", "wrong")])
    assert store.version(COURSE) > first


def test_the_csv_has_a_line_per_student_and_exercise(store):
    class_of_three(store)
    store.add(COURSE, "=cmd|' /C calc'!A0", [sent("check_a", "ok")])
    lines = list(csv.DictReader(io.StringIO(store.csv(COURSE))))
    assert len(lines) == 6
    bob = next(r for r in lines if r["student"] == "bob" and r["exercise"] == "check_image_batch")
    assert bob == {
        "student": "bob", "chapter": "01", "exercise": "check_image_batch", "attempts": "3",
        "passed": "0", "last_verdict": "wrong", "last_hint": "ch01.BATCH_DTYPE",
        "commonest_hint": "ch01.BATCH_SIX_D", "first_at": "2026-12-04T10:00:00Z",
        "last_at": "2026-12-04T10:02:00Z",
    }  # fmt: skip
    assert any(r["student"].startswith("'=") for r in lines)  # no formula in a spreadsheet


def test_records_survive_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'classview.sqlite'}"
    Store(url).add(COURSE, "alice", [sent("check_a", "ok")])
    assert [s["name"] for s in Store(url).summary(COURSE)["students"]] == ["alice"]


@pytest.mark.parametrize(
    ("asked", "accept", "lang"),
    [
        ("en", "ja", "en"),
        ("", "ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        ("", "en-US,en;q=0.9,ja;q=0.8", "en"),
        ("", "fr-FR,en;q=0.5,ja;q=0.7", "ja"),
        ("", "de", "ja"),
        ("xx", "", "ja"),
    ],
)
def test_the_page_speaks_the_language_asked_or_the_browsers(asked, accept, lang):
    assert page.language(asked, accept) == lang


def test_the_page_holds_both_languages_and_no_markup_from_data():
    words = {"hints": {"x.Y": {"ja": "</script><b>", "en": "e"}}, "titles": {}}
    html, policy = page.render(lang="ja", course="c", xsrf="tok", catalog=words)
    assert '<html lang="ja">' in html and "クラスの様子" in html and "The class at a glance" in html
    assert "</script><b>" not in html  # the catalog cannot end its <script>
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in html and "default-src 'none'" in policy
    assert set(page.WORDS["ja"]) == set(page.WORDS["en"])


def test_the_catalog_reads_titles_and_hints_without_importing_the_course():
    words = catalog.read()
    assert words["titles"]["check_image_batch"]["en"] == "A batch of images"
    assert words["hints"]["ch01.BATCH_SIX_D"]["ja"].startswith("{dims} 次元")
    assert "verdict.CRASHED_AT" in words["hints"]
    # every hint id the kernel can name is in it
    import torch

    from widgets import check_image_batch

    verdict = check_image_batch(torch.zeros(16, 3, 32, 32, dtype=torch.int64))
    assert report.hint_id(verdict.hint, "widgets._checks.ch01") in words["hints"]


def test_an_id_is_random(store):
    assert len({sent("check_a", "ok")["id"] for _ in range(3)}) == 3
    assert uuid.UUID(sent("check_a", "ok")["id"]).version == 4


def test_a_summary_is_reused_for_a_while_when_asked(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'classview.sqlite'}", reuse=3600)
    store.add(COURSE, "alice", [sent("check_a", "ok")])
    first = store.summary(COURSE)
    store.add(COURSE, "bob", [sent("check_a", "ok")])
    assert store.summary(COURSE) is first  # within the period: the same sums
    store.reuse = 0
    assert [s["name"] for s in store.summary(COURSE)["students"]] == ["alice", "bob"]


def test_a_flood_from_one_student_is_refused_and_the_others_still_count(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'classview.sqlite'}", max_per_student=5)
    assert store.add(COURSE, "mallory", [sent("check_a", "wrong") for _ in range(5)]) == 5
    with pytest.raises(Full):
        store.add(COURSE, "mallory", [sent("check_a", "wrong")])
    assert store.add(COURSE, "alice", [sent("check_a", "ok")]) == 1
