"""The learner's progress file: one small JSON file, written atomically, under a lock.

Each check's verdict becomes one entry, keyed by the exercise's check (``check_products``, or
``check_conv2d[unfold]``): the last status (``ok`` / ``wrong`` / ``todo``), when, how many
tries, when it was first right, and the help levels seen. Never the learner's code.

The file is ``progress.json`` in ``pytorch-nyumon/`` under Jupyter's data folder
(``jupyter --data-dir``, else ``~/.local/share``); ``NYUMON_PROGRESS_DIR`` names another folder
(tests, Google Drive on Colab). Writing is read-merge-write under ``fcntl.flock`` on a lock file
beside it, through a temporary file and ``os.replace``: two notebooks writing at once lose
nothing, and a reader never sees half a file. A file that is not ours (broken JSON, another
shape) is renamed aside with one message. Progress is a convenience: a folder that cannot be
written (a read-only home, the grading sandbox) gives at most one quiet notice per process and
then is not tried again; nothing here raises into a check. Under nbgrader nothing is recorded.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .._i18n import Message

ENV = "NYUMON_PROGRESS_DIR"
FOLDER = "pytorch-nyumon"
FILE, LOCK = "progress.json", "progress.lock"
VERSION = 1
STATUSES = ("ok", "wrong", "todo")
LOCK_WAIT = 2.0  # seconds to wait for another notebook's write (each takes milliseconds)

BROKEN = Message(
    ja="進み具合のファイルが壊れていたので、{aside} に移して新しく記録し直します。",
    en="The progress file was damaged: it was moved to {aside} and progress starts afresh.",
)
UNWRITABLE = Message(
    ja="進み具合を {folder} に保存できません（{error}）。確認の結果はこれまでどおり表示されます。",
    en="Cannot save progress in {folder} ({error}). Checks still show their results as usual.",
)

_state: dict[str, object] = {"folder": None, "off": False, "noticed": False}
_pending: dict[str, dict] = {}  # entries not yet in the file (the lock was busy, a failure)
_mutex = threading.Lock()


def grading(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True while nbgrader runs a notebook (autograde, validate): a grader is not a learner."""
    return bool(env.get("NBGRADER_EXECUTION"))


def default_folder() -> Path:
    """``pytorch-nyumon/`` in Jupyter's data folder, or in ``~/.local/share`` without Jupyter."""
    try:
        from jupyter_core.paths import jupyter_data_dir

        base = Path(jupyter_data_dir())
    except Exception:  # no jupyter_core (a plain script): the XDG default
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / FOLDER


def folder() -> Path:
    """Where progress is kept now: a folder chosen in this kernel, ``$NYUMON_PROGRESS_DIR``, or
    the default."""
    chosen = _state["folder"]
    if isinstance(chosen, Path):
        return chosen
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    return default_folder()


def use_folder(path: Path | None) -> None:
    """Keep progress in ``path`` from now on in this kernel (None: back to the default)."""
    _state["folder"] = None if path is None else Path(path)
    _state["off"] = False


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _notice(message: Message, **fmt: object) -> None:
    """One line, both languages, once per process: progress never gets louder than this."""
    if not _state["noticed"]:
        _state["noticed"] = True
        print(message.both(**fmt))


# --- entries ----------------------------------------------------------------------------------


def _valid(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("status") in STATUSES
        and isinstance(entry.get("at"), str)
        and isinstance(entry.get("tries", 0), int)
        and isinstance(entry.get("help", []), list)
        and all(isinstance(level, int) for level in entry.get("help", []))
    )


def merged(old: dict | None, new: dict) -> dict:
    """Two entries of one exercise as one: the later status, tries added, help joined."""
    if old is None:
        return dict(new)
    later = new if new["at"] >= old["at"] else old
    entry = {
        "status": later["status"],
        "at": later["at"],
        "tries": old.get("tries", 0) + new.get("tries", 0),
        "help": sorted({*old.get("help", []), *new.get("help", [])}),
    }
    firsts = [e["passed"] for e in (old, new) if e.get("passed")]
    if firsts:
        entry["passed"] = min(firsts)
    return entry


def _verdict_entry(status: str) -> dict:
    at = now()
    entry: dict = {"status": status, "at": at, "tries": 1, "help": []}
    if status == "ok":
        entry["passed"] = at
    return entry


# --- the file ---------------------------------------------------------------------------------


def _parse(text: str) -> dict[str, dict] | None:
    """The entries of a progress file's text, or None when it is not one."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    entries = data.get("exercises")
    if not isinstance(entries, dict) or not all(_valid(e) for e in entries.values()):
        return None
    return entries


def read_file(where: Path) -> dict[str, dict]:
    """The entries of the file in folder ``where``; ``{}`` when there is none or it cannot be
    read. Never raises, never renames (only a writer sets a file aside)."""
    try:
        return _parse((where / FILE).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError):
        return {}


def read() -> dict[str, dict]:
    """The entries of the current folder's file, with this kernel's pending ones merged in."""
    entries = read_file(folder())
    with _mutex:
        for key, entry in _pending.items():
            entries[key] = merged(entries.get(key), entry)
    return entries


@contextlib.contextmanager
def _locked(where: Path) -> Iterator[bool]:
    """Hold the lock file's exclusive lock; yields False when it stayed busy for LOCK_WAIT."""
    fd = os.open(where / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; one notebook at a time is the common case
            yield True
            return
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(0.005)
            except OSError:  # a file system without locks (some network drives): go on
                yield True
                return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _set_aside(path: Path) -> None:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"progress.broken-{stamp}-{os.getpid()}.json")
    os.replace(path, aside)
    print(BROKEN.both(aside=aside))


def _write(path: Path, entries: dict[str, dict]) -> None:
    """``entries`` as the file's whole content: a temporary file, then one ``os.replace``."""
    text = json.dumps({"version": VERSION, "exercises": entries}, ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def flush() -> bool:
    """Write this kernel's pending entries into the file; True when none is left pending."""
    with _mutex:
        if not _pending or _state["off"]:
            return not _pending
        where = folder()
        try:
            where.mkdir(parents=True, exist_ok=True)
            with _locked(where) as held:
                if not held:
                    return False  # kept: the next verdict (or the kernel's exit) tries again
                path = where / FILE
                entries: dict[str, dict] = {}
                if path.exists():
                    found = _parse(path.read_text(encoding="utf-8", errors="replace"))
                    if found is None:
                        _set_aside(path)
                    else:
                        entries = found
                for key, entry in _pending.items():
                    entries[key] = merged(entries.get(key), entry)
                _write(path, entries)
            _pending.clear()
            return True
        except OSError as error:  # read-only, full, not ours: say so once, then stop trying
            _state["off"] = True
            _notice(UNWRITABLE, folder=where, error=f"{type(error).__name__}: {error.strerror}")
            return False


def add(key: str, entry: dict) -> None:
    """Merge ``entry`` into exercise ``key``'s and write it (nothing under nbgrader)."""
    if grading() or _state["off"]:
        return
    with _mutex:
        _pending[key] = merged(_pending.get(key), entry)
    flush()


def record(check: str, status: str) -> None:
    """Keep one verdict of exercise ``check``. Never raises."""
    try:
        if status in STATUSES:
            add(check, _verdict_entry(status))
    except Exception:  # progress must never cost the learner her verdict
        return


def record_help(check: str, level: int) -> None:
    """Note that help level ``level`` (1, 2, …) of exercise ``check`` was shown. Never raises.

    ``check`` is the exercise's name in the catalog (``check_mlp``, ``check_conv2d[unfold]``).
    The entry has no time of its own, so it keeps the status of the verdict it was help for."""
    try:
        if isinstance(level, int) and not isinstance(level, bool) and level >= 1:
            add(check, {"status": "todo", "at": "", "tries": 0, "help": [level]})
    except Exception:
        return


def _at_exit() -> None:
    with contextlib.suppress(Exception):
        flush()


atexit.register(_at_exit)  # what a busy lock kept pending is tried once more


def reset() -> None:
    """Forget this process's state (tests): pending entries, the chosen folder, the notice."""
    with _mutex:
        _pending.clear()
    _state.update(folder=None, off=False, noticed=False)
