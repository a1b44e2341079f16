"""``python -m classroom {setup,links,start,backup,restore,remove-students}``: the classroom
server's commands.

``make classroom`` runs ``start``: set up what is missing, print the hub's URL and a link
per chapter, then run JupyterHub in the foreground. Ctrl-C stops the hub; the students'
servers and kernels keep running and the next ``start`` picks them up (the admin page's
"Stop All" stops them). ``backup`` and ``restore``: the hub's database and every course's
gradebook (classroom/backup.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from classroom import backup, limits, links, runtime, users


def print_links(hub: str, course: links.Course) -> None:
    print(f"\n教室の URL / Hub URL:  {hub}/hub/")
    print(f"登録 / sign up:        {hub}/hub/signup")
    print(
        f"承認 / approve:        {hub}/hub/authorize   (admins: {', '.join(runtime.HubSettings.from_env().admins)})"
    )
    print(
        f"\n各章のリンク（nbgitpuller） / Links per chapter (nbgitpuller), from {course.repository} @ {course.branch}:"
    )
    for lang, title, link in links.chapter_links(hub, course):
        print(f"  [{lang}] {title}\n       {link}")
    print()


BACKUPS = "/var/backups/pytorch-nyumon"


def backup_or_restore(args: argparse.Namespace) -> int:
    paths = runtime.Paths.from_env()
    try:
        if args.command == "backup":
            admins = runtime.HubSettings.from_env().admins
            folder, names = backup.backup(
                paths, args.to, backup.course_folders(admins, args.course)
            )
            runtime.say(
                f"バックアップしました: {folder}", f"Backed up to {folder}: {', '.join(names)}"
            )
            return 0
        for target, kept in backup.restore(paths, args.folder):
            was = f" (前のもの / previous one: {kept})" if kept else ""
            runtime.say(f"戻しました: {target}{was}", f"Restored {target}")
    except backup.BackupError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="install the course runtime, the proxy, the state directory")
    for name in ("links", "start"):
        p = sub.add_parser(
            name, help="print the chapter links" + (", then run the hub" if name == "start" else "")
        )
        p.add_argument("--hub", help="public URL of the hub (default http://127.0.0.1:PORT)")
        p.add_argument(
            "--repo", help="course repository (default: [tool.nyumon] in pyproject.toml)"
        )
        p.add_argument("--branch", help="course branch (default: [tool.nyumon] in pyproject.toml)")
        if name == "start":
            p.add_argument(
                "--no-limits",
                action="store_true",
                help="start even where each student's memory and CPU limits cannot be enforced",
            )
    p = sub.add_parser("backup", help="copy the hub's database and every course's gradebook")
    p.add_argument(
        "--to",
        type=Path,
        default=Path(BACKUPS),
        help=f"where to make the backup (default {BACKUPS})",
    )
    p.add_argument(
        "--course", type=Path, action="append", default=[], help="one more course folder"
    )
    p = sub.add_parser("restore", help="put a backup's databases back (the hub must be stopped)")
    p.add_argument("folder", type=Path, help="a folder made by `backup`")
    sub.add_parser("remove-students", help="delete every student account and home (end of term)")
    args = parser.parse_args(argv)

    if args.command in ("backup", "restore"):
        return backup_or_restore(args)

    if args.command == "remove-students":
        for name in users.students():
            users.remove_student(name)
            print(f"removed {name}")
        return 0
    try:
        paths = runtime.setup() if args.command in ("setup", "start") else runtime.Paths.from_env()
    except runtime.SetupError as error:
        print(error, file=sys.stderr)
        return 1
    if args.command == "setup":
        runtime.say("準備ができました", f"Ready: runtime {paths.venv}, state {paths.state}")
        return 0
    default = links.Course.from_pyproject()
    course = links.Course(args.repo or default.repository, args.branch or default.branch)
    hub = args.hub or f"http://127.0.0.1:{runtime.HubSettings.from_env().port}"
    print_links(hub.rstrip("/"), course)
    if args.command == "links":
        return 0
    how, why = limits.mechanism()
    settings = runtime.HubSettings.from_env()
    if how is None and not args.no_limits:
        print(
            f"生徒ごとのメモリーと CPU の上限をこの機械では守らせられません（{why}）。root で起動するか、"
            "上限なしで起動してよければ --no-limits を付けてください。\n"
            f"Each student's memory and CPU limits cannot be enforced here ({why}): run as root, "
            "or pass --no-limits to start without them.",
            file=sys.stderr,
        )
        return 1
    if how is None:
        runtime.say("上限なしで起動します", f"Starting WITHOUT memory and CPU limits ({why})")
        os.environ["NYUMON_NO_LIMITS"] = "1"
    else:
        runtime.say(
            f"生徒ごとの上限: メモリー {settings.mem_limit}、CPU {settings.cpu_limit:g}（{how}）",
            f"Limits per student: memory {settings.mem_limit}, CPU {settings.cpu_limit:g} ({how}: {why})",
        )
    jupyterhub = paths.venv / "bin" / "jupyterhub"
    config = runtime.CLASSROOM / "jupyterhub_config.py"
    os.chdir(paths.state)  # JupyterHub writes nothing into the repository
    # A shell's background job starts with SIGINT ignored, and JupyterHub stops its services
    # with SIGINT: give them the default back so they stop at once.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execv(jupyterhub, [str(jupyterhub), "-f", str(config)])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
