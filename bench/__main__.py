"""Run every ``bench/bench_*.py`` (or those named on the command line) and print one table."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("only", nargs="*", help=f"modules to run (default: all of {names})")
    args = parser.parse_args()
    unknown = set(args.only) - set(names)
    if unknown:
        parser.error(f"unknown bench modules {sorted(unknown)}; choose from {names}")
    print(
        f"# PyTorch Nyumon bench — {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print(f"| {'figure':<58} | {'value':>14} | note")
    print(f"|{'-' * 60}|{'-' * 16}|------")
    for name in args.only or names:
        start = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        for row in module.rows():
            print(f"| {row.name:<58} | {row.value:>14} | {row.note}", flush=True)
        print(f"| {'(' + name + ' took)':<58} | {time.perf_counter() - start:>13.1f}s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
