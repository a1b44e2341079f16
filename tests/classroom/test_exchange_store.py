"""The exchange's archive checks and its store, in one process (no hub): hostile archives and
names are refused, nothing is overwritten, the latest hand-in counts, a restart loses nothing.
The service itself, with tokens, is tested against the real hub in test_exchange_hub.py.
"""

from __future__ import annotations

import io
import stat
import warnings
import zipfile

import pytest

# The floor run collects every module for its widget tests, in a venv without the hub's packages.
pytest.importorskip("sqlalchemy", reason="pip install -e '.[nbgrader]'")

from classroom.exchange.archive import Limits, Refused, check_name, members, notebooks, pack, unpack
from classroom.exchange.store import Store

LIMITS = Limits(upload=1 << 20, unpacked=4 << 20, files=20)


def zipped(*entries: tuple[str, bytes], mode: int | None = None) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": some cases want one
        for name, content in entries:
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


NOTEBOOK = ("hw.ipynb", b'{"cells": []}')


@pytest.mark.parametrize(
    "name",
    ["../evil.ipynb", "/etc/passwd", "a/../../b", "a\\..\\b", "./x", "a//b", "a/./b", ".."],
)
def test_a_climbing_or_odd_name_in_an_archive_is_refused(name):
    with pytest.raises(Refused) as refused:
        members(zipped(NOTEBOOK, (name, b"x")), LIMITS)
    assert refused.value.status == 400


def test_links_and_devices_in_an_archive_are_refused():
    for mode in (stat.S_IFLNK | 0o777, stat.S_IFCHR | 0o600, stat.S_IFIFO | 0o600):
        with pytest.raises(Refused, match="not a regular file"):
            members(zipped(("link", b"/etc/shadow"), mode=mode), LIMITS)
    assert members(zipped(NOTEBOOK, mode=stat.S_IFREG | 0o644), LIMITS) == {
        NOTEBOOK[0]: NOTEBOOK[1]
    }


def test_a_zip_bomb_is_stopped_by_what_it_unpacks_to():
    bomb = zipped(("big.ipynb", b"\0" * (8 << 20)))  # 8 MiB of zeros: a few KiB zipped
    assert len(bomb) < LIMITS.upload
    with pytest.raises(Refused) as refused:
        members(bomb, LIMITS)
    assert refused.value.status == 413


def test_too_big_too_many_duplicated_or_not_a_zip():
    cases = {
        b"x" * (LIMITS.upload + 1): 413,
        zipped(*[(f"f{i}", b"") for i in range(LIMITS.files + 1)]): 413,
        zipped(NOTEBOOK, ("x", b""), NOTEBOOK): 400,
        zipped(("a", b"1"), ("a/b", b"2")): 400,  # a file that is also a folder
        b"PK\x03\x04 not really": 400,
        b"": 400,
    }
    for data, status in cases.items():
        with pytest.raises(Refused) as refused:
            members(data, LIMITS)
        assert refused.value.status == status


@pytest.mark.parametrize("kind", ["course", "assignment", "notebook", "student", "id"])
@pytest.mark.parametrize("value", ["..", ".hidden", "a/b", "", "a" * 65, "é", "a\nb", None, 3])
def test_names_that_could_be_paths_are_refused(kind, value):
    with pytest.raises(Refused):
        check_name(kind, value)


def test_valid_names_pass():
    assert check_name("assignment", "01_tensors_en") == "01_tensors_en"
    assert check_name("student", "ana.lee@example.org") == "ana.lee@example.org"
    assert check_name("id", "0" * 32) == "0" * 32


def test_pack_leaves_links_out_and_unpack_round_trips(tmp_path):
    src = tmp_path / "src"
    (src / "data").mkdir(parents=True)
    (src / "hw.ipynb").write_text("{}")
    (src / "data" / "x.csv").write_text("1,2")
    (tmp_path / "secret").write_text("key")
    (src / "link").symlink_to(tmp_path / "secret")
    (src / "dirlink").symlink_to(tmp_path)
    data = pack(src)
    assert sorted(members(data, LIMITS)) == ["data/x.csv", "hw.ipynb"]
    assert notebooks(members(data, LIMITS)) == ["hw"]
    assert unpack(data, tmp_path / "out", LIMITS, drop=frozenset({"data/x.csv"})) == ["hw.ipynb"]
    assert (tmp_path / "out" / "hw.ipynb").read_text() == "{}"
    with pytest.raises(FileExistsError):  # never into a folder that exists
        unpack(data, tmp_path / "out", LIMITS)


def store(tmp_path, **kw) -> Store:
    return Store(tmp_path / "exchange", **kw)


def test_release_is_not_overwritten_without_force(tmp_path):
    s = store(tmp_path)
    s.release("c1", "hw", b"v1", ["hw"], "teach", force=False)
    with pytest.raises(Refused) as refused:
        s.release("c1", "hw", b"v2", ["hw"], "teach", force=False)
    assert refused.value.status == 409
    assert s.released_archive("c1", "hw") == b"v1"
    s.release("c1", "hw", b"v2", ["hw"], "teach", force=True)
    assert s.released_archive("c1", "hw") == b"v2"
    assert [a["assignment_id"] for a in s.released("c1")] == ["hw"]
    assert s.released("c2") == []  # courses are apart


def test_many_hand_ins_latest_last_all_kept_across_a_restart(tmp_path):
    s = store(tmp_path)
    s.release("c1", "hw", b"r", ["hw"], "teach", force=False)
    first = s.submit("c1", "hw", "ana", b"one", ["hw"])
    second = s.submit("c1", "hw", "ana", b"two", ["hw"])
    s.submit("c1", "hw", "ben", b"ben's", ["hw"])
    assert second["timestamp"] > first["timestamp"]
    again = store(tmp_path)  # a restart: a new Store on the same folder
    ana = again.submissions("c1", "hw", "ana")
    assert [r["id"] for r in ana] == [first["id"], second["id"]]
    assert again.get(again.submission("c1", second["id"]).blob) == b"two"
    assert {r["student_id"] for r in again.submissions("c1", "hw")} == {"ana", "ben"}
    with pytest.raises(Refused):  # a hand-in id of course c1 is unknown in course c2
        again.submission("c2", first["id"])


def test_hand_ins_need_a_release_and_stay_within_the_quota(tmp_path):
    s = store(tmp_path, quota=10, max_submissions=2)
    with pytest.raises(Refused) as refused:
        s.submit("c1", "hw", "ana", b"x", ["hw"])
    assert refused.value.status == 404
    s.release("c1", "hw", b"r", ["hw"], "teach", force=False)
    s.submit("c1", "hw", "ana", b"12345", ["hw"])
    with pytest.raises(Refused) as refused:
        s.submit("c1", "hw", "ana", b"123456", ["hw"])
    assert refused.value.status == 413
    s.submit("c1", "hw", "ana", b"1", ["hw"])
    with pytest.raises(Refused) as refused:
        s.submit("c1", "hw", "ana", b"2", ["hw"])
    assert refused.value.status == 429
    s.submit("c1", "hw", "ben", b"12345", ["hw"])  # her quota is hers alone


def test_feedback_belongs_to_one_hand_in_and_the_latest_page_counts(tmp_path):
    s = store(tmp_path)
    s.release("c1", "hw", b"r", ["hw"], "teach", force=False)
    ana = s.submit("c1", "hw", "ana", b"a", ["hw"])
    ben = s.submit("c1", "hw", "ben", b"b", ["hw"])
    s.give_feedback("c1", ana["id"], "hw", b"<p>old</p>", "teach")
    page = s.give_feedback("c1", ana["id"], "hw", b"<p>new</p>", "teach")
    s.give_feedback("c1", ben["id"], "hw", b"<p>ben</p>", "teach")
    (mine,) = s.feedback("c1", "hw", "ana")
    assert mine["id"] == page["id"] and mine["timestamp"] == ana["timestamp"]
    assert s.feedback_page("c1", page["id"]) == ("ana", b"<p>new</p>")
    assert len(s.feedback("c1", "hw")) == 2
    with pytest.raises(Refused):
        s.give_feedback("c1", ana["id"], "other", b"x", "teach")  # no such notebook
    with pytest.raises(Refused):
        s.feedback_page("c2", page["id"])
