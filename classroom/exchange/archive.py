"""What crosses the exchange: names and zip archives, checked the same way on both sides.

The service checks every upload before it keeps it; the nbgrader side checks every download
again before it writes a file (an instructor's ``collect`` unpacks what a student sent). Only
regular files with plain relative names are packed or unpacked; sizes are counted as the
bytes come out, not taken from the archive's headers (which a zip bomb lies in).
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Course, assignment and notebook ids: what nbgrader uses as folder and file names.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Hub user names (the classroom's are lower-case letters, digits, '_' and '-'; other
# authenticators give e-mail addresses). Never '/', never a leading '.'.
USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
ID = re.compile(r"[0-9a-f]{32}")  # a hand-in's or a feedback page's id (random)
NAMES = {"course": NAME, "assignment": NAME, "notebook": NAME, "student": USER, "id": ID}


class Refused(ValueError):
    """A request the exchange will not carry out; ``status`` is its HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check_name(kind: str, value: object) -> str:
    """``value`` if it is a valid ``kind`` name (see ``NAMES``), else ``Refused`` (400)."""
    if not isinstance(value, str) or not NAMES[kind].fullmatch(value) or ".." in value:
        raise Refused(400, f"invalid {kind} name: {str(value)[:80]!r}")
    return value


@dataclass(frozen=True)
class Limits:
    """Caps on one archive. ``upload``: its own size; ``unpacked``: the files it holds."""

    upload: int = 16 * 2**20
    unpacked: int = 64 * 2**20
    files: int = 200
    feedback: int = 8 * 2**20  # one feedback page

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        return cls(**{
            k: int(os.environ.get(f"NYUMON_EXCHANGE_MAX_{k.upper()}", getattr(d, k)))
            for k in ("upload", "unpacked", "files", "feedback")
        })  # fmt: skip


def _relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    bad = (
        not name
        or "\\" in name
        or "\0" in name
        or path.is_absolute()
        or len(name) > 1024
        or any(part in ("", ".", "..") or len(part) > 255 for part in name.split("/"))
    )
    if bad:
        raise Refused(400, f"refused file name in the archive: {name[:80]!r}")
    return path


def members(data: bytes, limits: Limits) -> dict[str, bytes]:
    """The regular files of the zip archive ``data``, by relative path; ``Refused`` if it
    is not a zip, holds a link, a device, an absolute or climbing name, or too much."""
    if len(data) > limits.upload:
        raise Refused(413, f"archive of {len(data)} bytes, more than {limits.upload}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise Refused(400, f"not a zip archive: {error}") from None
    files: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.filename.endswith("/"):
            _relative(info.filename.rstrip("/"))
            continue
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind not in (0, stat.S_IFREG):
            raise Refused(400, f"not a regular file in the archive: {info.filename[:80]!r}")
        if info.flag_bits & 0x1:
            raise Refused(400, "encrypted archive")
        name = str(_relative(info.filename))
        if name in files or len(files) >= limits.files:
            raise Refused(400 if name in files else 413, f"duplicate or too many files: {name!r}")
        chunks = []
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 16):
                    total += len(chunk)
                    if total > limits.unpacked:
                        raise Refused(413, f"archive unpacks to more than {limits.unpacked} bytes")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as error:
            raise Refused(400, f"unreadable archive member {name!r}: {error}") from None
        files[name] = b"".join(chunks)
    # a file and a folder of the same name cannot both be written
    folders = {str(p) for name in files for p in PurePosixPath(name).parents}
    if clash := folders & set(files):
        raise Refused(400, f"a file is also a folder in the archive: {sorted(clash)[0]!r}")
    return files


def notebooks(files: dict[str, bytes]) -> list[str]:
    """The notebook ids of an assignment: its top-level ``*.ipynb`` files."""
    return sorted(n[: -len(".ipynb")] for n in files if "/" not in n and n.endswith(".ipynb"))


def pack(folder: Path, ignore=None) -> bytes:
    """A zip of the regular files under ``folder``. Links are left out, and so is what
    ``ignore`` (as in ``shutil.copytree``: folder, names -> names to skip) names."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for dirpath, dirnames, filenames in os.walk(folder):
            here = Path(dirpath)
            skipped = set(ignore(dirpath, dirnames + filenames)) if ignore else set()
            dirnames[:] = sorted(
                d for d in dirnames if d not in skipped and not (here / d).is_symlink()
            )
            for name in sorted(set(filenames) - skipped):
                path = here / name
                if not path.is_symlink() and path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
    return out.getvalue()


def unpack(
    data: bytes, dest: Path, limits: Limits, drop: frozenset[str] = frozenset()
) -> list[str]:
    """Write the archive's files, but those named in ``drop``, into the new folder ``dest``."""
    files = {n: c for n, c in members(data, limits).items() if n not in drop}
    dest.mkdir(parents=True, exist_ok=False)
    for name, content in files.items():
        target = dest.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(content)
    return sorted(files)
