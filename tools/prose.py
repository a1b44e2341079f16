"""Check the course's prose: textlint on the Japanese, codespell on the English.

    python -m tools.prose            # both checks; exit 1 if either reports something
    python -m tools.prose --ja       # textlint only (needs `npm ci` in prose/, done on demand)
    python -m tools.prose --en       # codespell only

textlint reads Markdown, so the Japanese is extracted first: the ``@@ md ja`` cells of
``chapters/src/*.nb`` and the Japanese half of each bilingual README. Every extracted file keeps
its source's line numbers (what is left out becomes blank lines), so a finding reads
``chapters/src/05_optimization.nb:12``. The rules and why each is set so: prose/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROSE = ROOT / "prose"
CONFIG = PROSE / ".textlintrc.json"
TEXTLINT = PROSE / "node_modules" / ".bin" / "textlint"
GLOSSARY = ROOT / "docs" / "glossary.tsv"
READMES = ("README.md", "classroom/README.md", "classroom/nbgrader/README.md")
READMES += ("classroom/hub_config.d/README.md", "book/README.md")

# Kana and the CJK ideographs: a line with none of them holds no Japanese.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# TeX between $…$ or $$…$$ reads as one symbol; its commands would count as characters.
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$")


def nb_japanese(text: str) -> str:
    """The ``@@ md ja`` cells of a chapter source, every other line blanked."""
    out: list[str] = []
    keep = False
    for line in text.splitlines():
        if line.startswith("@@"):
            keep = line.split()[1:] == ["md", "ja"]
            out.append("")
        else:
            out.append(MATH.sub("x", line) if keep else "")
    return "\n".join(out) + "\n"


def _japanese_side(line: str) -> str:
    """The part of a bilingual line before its `` / English`` tail (all of it if none)."""
    for match in re.finditer(r" / ", line):
        if not JAPANESE.search(line[match.end() :]):
            return line[: match.start()]
    return line


def readme_japanese(text: str) -> str:
    """The Japanese of a bilingual README: English lines, code blocks and `` / …`` tails blanked.

    The READMEs put a Japanese paragraph before its English one (which starts with ``/ ``), or
    both on one line, ``日本語。 / English.``; table cells do the same, ``説明 / what``.
    """
    out: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append("")
            continue
        if fenced:
            out.append("")
        elif line.startswith("|"):  # every row, so that the table stays a table
            cells = line.strip().strip("|").split("|")
            out.append("| " + " | ".join(_japanese_side(c).strip() for c in cells) + " |")
        elif not JAPANESE.search(line) or line.lstrip().startswith("/ "):
            out.append("")
        else:
            out.append(_japanese_side(line))
    return "\n".join(out) + "\n"


def japanese_sources() -> dict[Path, str]:
    """Each source with Japanese prose, mapped to its Japanese as Markdown."""
    found = {p: nb_japanese(p.read_text(encoding="utf-8")) for p in chapter_sources()}
    for name in READMES:
        path = ROOT / name
        found[path] = readme_japanese(path.read_text(encoding="utf-8"))
    return found


def chapter_sources() -> list[Path]:
    return sorted((ROOT / "chapters" / "src").glob("*.nb"))


def prh_rules() -> str:
    """prh's YAML (JSON is YAML) from the glossary: each variant to avoid → the preferred term."""
    rules = []
    with GLOSSARY.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            row = {key.split()[0]: value or "" for key, value in row.items()}
            if row["avoid_ja"]:
                pattern = row["avoid_ja"]
                rules.append(
                    {
                        "expected": row["ja"],
                        "pattern": f"/{pattern}/",
                        "prh": f"用語集 (docs/glossary.tsv): {row['en']} は「{row['ja']}」",
                    }
                )
    return json.dumps({"version": 1, "rules": rules}, ensure_ascii=False, indent=1) + "\n"


def textlint_installed() -> bool:
    return TEXTLINT.exists()


def install_textlint() -> None:
    """``npm ci`` in prose/: the versions of prose/package-lock.json, nothing else."""
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed for the Japanese prose check (apt-get install npm)")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PROSE, check=True
    )


def run_textlint(files: dict[Path, str], workdir: Path) -> list[dict]:
    """textlint's findings on ``files`` (path → Markdown), each with the source's path."""
    prh = workdir / "prh.yml"
    prh.write_text(prh_rules(), encoding="utf-8")
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    config["rules"]["prh"] = {"rulePaths": [str(prh)]}
    config_path = workdir / "textlintrc.json"
    config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    names: dict[str, Path] = {}
    for i, (source, text) in enumerate(files.items()):
        md = workdir / f"{i:03d}_{source.stem}.md"
        md.write_text(text, encoding="utf-8")
        names[str(md)] = source
    result = subprocess.run(
        [str(TEXTLINT), "--config", str(config_path), "--format", "json", *names],
        cwd=PROSE,
        capture_output=True,
        text=True,
    )
    try:
        reports = json.loads(result.stdout) if result.returncode in (0, 1) else None
    except json.JSONDecodeError:
        reports = None
    if reports is None:
        raise SystemExit(f"textlint failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    findings = []
    for report in reports:
        for message in report["messages"]:
            findings.append({**message, "source": names[report["filePath"]]})
    return findings


def check_japanese() -> int:
    if not textlint_installed():
        install_textlint()
    with tempfile.TemporaryDirectory() as tmp:
        findings = run_textlint(japanese_sources(), Path(tmp))
    for f in findings:
        where = f"{f['source'].relative_to(ROOT)}:{f['line']}:{f['column']}"
        print(f"{where}: {f['ruleId']}: {f['message'].splitlines()[0]}")
    print(f"textlint: {len(findings)} finding(s)")
    return 1 if findings else 0


def run_codespell(*paths: Path) -> subprocess.CompletedProcess[str]:
    """codespell with ``[tool.codespell]`` of pyproject.toml, from the repository's root."""
    return subprocess.run(
        [sys.executable, "-m", "codespell_lib", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def check_english() -> int:
    try:
        import codespell_lib  # noqa: F401
    except ImportError:
        raise SystemExit("codespell is missing: pip install -e '.[test]'") from None
    result = run_codespell()
    print(result.stdout + result.stderr, end="")
    print(f"codespell: {len(result.stdout.splitlines())} finding(s)")
    return 0 if result.returncode == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ja", action="store_true", help="only textlint on the Japanese")
    parser.add_argument("--en", action="store_true", help="only codespell on the English")
    args = parser.parse_args()
    both = not (args.ja or args.en)
    status = 0
    if args.ja or both:
        status |= check_japanese()
    if args.en or both:
        status |= check_english()
    return status


if __name__ == "__main__":
    sys.exit(main())
