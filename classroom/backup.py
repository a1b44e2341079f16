"""``python -m classroom backup`` and ``restore``: the hub's database and every gradebook.

What a class cannot lose besides its files (which stay in the students' homes): the hub's
database (accounts and their approval, NativeAuthenticator's password hashes, groups,
servers) and each course's ``gradebook.db`` (grades, manual marks, comments).

- **backup** copies each one with SQLite's online backup, so it is consistent even while the
  hub runs and the instructor grades, into a new folder (mode 0700: the hub's database holds
  password hashes), with a ``manifest.json`` of where each copy came from, its owner, size
  and SHA-256. Secrets (the cookie secret, the proxy token) are not copied: a hub started
  without them makes new ones, and everyone logs in again.
- **restore** checks every copy against the manifest and SQLite's integrity check before it
  touches anything, refuses while the hub runs, and never overwrites silently: the file it
  replaces is kept beside it as ``<name>.before-restore-<time>``.

The courses are found where the nbgrader set-up puts them: each hub admin's
``~/pytorch-nyumon-course`` (``NYUMON_NBGRADER_COURSE``), plus any ``--course`` folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from classroom import runtime

MANIFEST = "manifest.json"
HUB_DB = "jupyterhub.sqlite"
GRADEBOOK = "gradebook.db"
COURSE = "~/pytorch-nyumon-course"


class BackupError(runtime.SetupError):
    """A backup or restore that cannot go on, with what to do (both languages)."""


@dataclass(frozen=True)
class Source:
    """One database to keep: where it lives and its name inside the backup."""

    name: str  # path inside the backup folder
    path: Path


def course_folders(admins: tuple[str, ...], extra: list[Path]) -> list[Path]:
    """The course folders of the hub's admins (those that exist), then ``extra``."""
    pattern = os.environ.get("NYUMON_NBGRADER_COURSE", COURSE)
    found = []
    for admin in admins:
        try:
            home = Path(pwd.getpwnam(admin).pw_dir)
        except KeyError:
            continue
        folder = home / pattern.removeprefix("~/") if pattern.startswith("~/") else Path(pattern)
        if (folder / GRADEBOOK).is_file():
            found.append(folder)
    return found + [Path(p).resolve() for p in extra]


def sources(paths: runtime.Paths, courses: list[Path]) -> list[Source]:
    hub = paths.state / HUB_DB
    if not hub.is_file():
        raise BackupError(
            f"ハブのデータベース {hub} がありません。NYUMON_CLASSROOM_STATE を確かめてください。\n"
            f"The hub's database {hub} does not exist: check NYUMON_CLASSROOM_STATE."
        )
    found = [Source(HUB_DB, hub)]
    for i, folder in enumerate(courses):
        gradebook = folder / GRADEBOOK
        if not gradebook.is_file():
            raise BackupError(
                f"{folder} に {GRADEBOOK} がありません。\n{folder} holds no {GRADEBOOK}."
            )
        found.append(Source(f"courses/{i}-{folder.name}/{GRADEBOOK}", gradebook))
    return found


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_database(source: Path, target: Path) -> None:
    """``source`` into the new file ``target`` with SQLite's online backup (consistent while
    others write), then checked."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    read_only = f"file:{source}?mode=ro"  # codespell:ignore ro
    with sqlite3.connect(read_only, uri=True, timeout=30) as src:
        with sqlite3.connect(target) as dst:
            src.backup(dst)
    check_database(target)


def check_database(path: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:  # codespell:ignore ro
        (result,) = db.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise BackupError(
            f"{path} は壊れています（{result}）。\n{path} is damaged (SQLite says: {result})."
        )


def backup(paths: runtime.Paths, dest: Path, courses: list[Path]) -> tuple[Path, list[str]]:
    """A new backup folder under ``dest``: its path and the names of the copies in it (each
    already checked by ``copy_database``)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = dest / f"classroom-backup-{stamp}"
    dest.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)  # never into an existing backup
    entries = []
    for source in sources(paths, courses):
        copy = folder / source.name
        copy_database(source.path, copy)
        info = source.path.stat()
        entries.append(
            {
                "name": source.name,
                "source": str(source.path),
                "uid": info.st_uid,
                "gid": info.st_gid,
                "mode": info.st_mode & 0o777,
                "bytes": copy.stat().st_size,
                "sha256": sha256(copy),
            }
        )
    manifest = {"made": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    (folder / MANIFEST).chmod(0o600)
    return folder, [entry["name"] for entry in entries]


def hub_running(paths: runtime.Paths) -> int | None:
    """The pid of a live hub using this state directory, if any."""
    pid_file = paths.state / "jupyterhub.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    except PermissionError:
        return pid
    return pid


def read_manifest(folder: Path) -> list[dict]:
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(
            f"{folder} はこのコマンドのバックアップではありません（{MANIFEST}: {error}）。\n"
            f"{folder} is not a backup made by this command ({MANIFEST}: {error})."
        ) from error
    for entry in files:
        name = Path(str(entry.get("name", "")))
        if name.is_absolute() or ".." in name.parts or not name.parts:
            raise BackupError(
                f"{MANIFEST} に不正な名前があります: {name}\n{MANIFEST} names a bad path: {name}"
            )
        copy = folder / name
        if not copy.is_file() or sha256(copy) != entry.get("sha256"):
            raise BackupError(
                f"{copy} が manifest と合いません（欠けているか、変わっています）。何も戻していません。\n"
                f"{copy} does not match the manifest (missing or changed). Nothing was restored."
            )
        check_database(copy)
    return files


def restore(paths: runtime.Paths, folder: Path) -> list[tuple[Path, Path | None]]:
    """Put every database of the backup ``folder`` back where it came from.

    Returns (restored file, where the replaced one was kept, or None)."""
    if (pid := hub_running(paths)) is not None:
        raise BackupError(
            f"ハブが動いています（pid {pid}）。先にハブを止めてから戻してください。\n"
            f"The hub is running (pid {pid}): stop it first, then restore."
        )
    files = read_manifest(folder)  # every copy checked before anything is touched
    for entry in files:
        if not Path(entry["source"]).parent.is_dir():
            raise BackupError(
                f"戻す先のフォルダー {Path(entry['source']).parent} がありません。何も戻していません。\n"
                f"The folder to restore into, {Path(entry['source']).parent}, does not exist. "
                "Nothing was restored."
            )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    done = []
    for entry in files:
        target = Path(entry["source"])
        kept = None
        if target.exists():
            kept = target.with_name(f"{target.name}.before-restore-{stamp}")
            os.replace(target, kept)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(folder / entry["name"], partial)
        os.chown(partial, int(entry["uid"]), int(entry["gid"]))
        partial.chmod(int(entry["mode"]))
        os.replace(partial, target)  # whole or not at all
        done.append((target, kept))
    return done
