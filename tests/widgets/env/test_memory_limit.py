"""The hub's memory-limit notice (widgets/_env/memory_limit.py), without a hub: fake counters."""

from __future__ import annotations

from widgets._env import memory_limit


def counter(tmp_path, text: str):
    events = tmp_path / "memory.events"
    events.write_text(text)
    return events


def test_nothing_is_said_off_the_hub(monkeypatch):
    monkeypatch.delenv("NYUMON_MEMORY_EVENTS", raising=False)
    monkeypatch.delenv("NYUMON_MEMORY_LIMIT", raising=False)
    assert memory_limit.notice() is None


def test_a_new_kill_is_said_once_in_both_languages(tmp_path, monkeypatch):
    events = counter(tmp_path, "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n")  # cgroup v2
    seen = tmp_path / "seen"
    monkeypatch.setattr(memory_limit, "SEEN", seen)
    monkeypatch.setenv("NYUMON_MEMORY_EVENTS", str(events))
    monkeypatch.setenv("NYUMON_MEMORY_LIMIT", str(3 << 30))
    assert memory_limit.new_kills(str(events), seen) == 0
    events.write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")  # cgroup v1, two kills
    text = memory_limit.new_kills(str(events), seen)
    assert text == 2 and seen.read_text() == "2"
    events.write_text("oom_kill 3\n")
    said = memory_limit.notice()
    assert said is not None
    ja, en = said.splitlines()
    assert ja.startswith("あなたのサーバーがメモリーの上限（3 GiB）") and en.startswith(
        "Your server reached its memory limit of 3 GiB"
    )
    assert memory_limit.notice() is None  # the next kernel says nothing more


def test_a_missing_or_odd_counter_says_nothing(tmp_path):
    assert memory_limit.kills(str(tmp_path / "none")) == 0
    assert memory_limit.kills(str(counter(tmp_path, "oom_kill lots\n"))) == 0
