"""Build the web book: the executed course as a static site, a Japanese and an English book.

    python -m tools.book                    # build/book/{ja,en}/ (make book)
    python -m tools.book --solutions        # with the solution notebooks (make book SOLUTIONS=1)
    python -m tools.book --hub URL          # "Open in JupyterLab" buttons (make book HUB=URL)
    python -m tools.book --no-execute       # pages of unexecuted notebooks show no outputs

Pages come from the notebooks ``make test`` ran: nbval writes them with their outputs to
``test-output/executed/`` (tests/support/executed.py), so CI executes each notebook once. A
notebook without such a copy is executed here, through MyST-NB's cache (``build/book-cache``),
which runs it again only when its code changes.

Jupyter Book 2 (``jupyter-book`` 2.x, the MyST engine) was tried first: it fetches its site
template from api.mystmd.org at build time, which neither CI nor an offline machine reaches.
This is Sphinx with MyST-NB and sphinx-book-theme, the stack Jupyter Book 1 wrapped, all from
PyPI (the ``book`` extra); MathJax and axe-core come from npm (book/package-lock.json).
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools.build import (
    LANGS,
    chapter_stems,
    colab_url,
    link_from,
    notebook_relpath,
    settings,
    time_estimate,
)
from widgets._i18n import Message

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "book"
WORK = ROOT / "build" / "book-src"
CACHE = ROOT / "build" / "book-cache"
EXECUTED = ROOT / "test-output" / "executed"
NODE_MODULES = ROOT / "book" / "node_modules"
MATHJAX_PARTS = (
    "tex-chtml.js",
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "a11y",
    "ui",
)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PROBE_MIME = "application/vnd.nyumon.probe+json"  # widgets/_checks/grading.py: for nbgrader
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
BADGE_RE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\n*", re.M)
HEADING_RE = re.compile(r"^#{1,6}\s+(.+)$", re.M)
# tqdm.auto's bar is a widget whose text is its first state ("epoch 1:   0%|   | 0/57 …"):
# a still of it says nothing, and the chapters' bars vanish when done (leave=False).
PROGRESS_RE = re.compile(r"\d+%\|.*\|\s*\d+/\d+")

BOOK_TITLE = Message(ja="PyTorch 入門", en="PyTorch Nyumon")
INTRO = Message(
    ja="PyTorch でニューラルネットワークを組み立てて学習させるための、日本語と英語の講座です。各ページは実行済みのノートブックです。上の「Colab で開く」か「JupyterLab で開く」で、自分で実行できます。",
    en="A bilingual course for building and training neural networks with PyTorch. Each page is an executed notebook: open it in Colab or JupyterLab (the buttons at the top) to run it yourself.",
)
CHAPTERS = Message(ja="章", en="Chapters")
SOLUTIONS = Message(ja="解答", en="Solutions")
OTHER_LANGUAGE = Message(ja="English", en="日本語")
OTHER_LANGUAGE_LABEL = Message(ja="このページの英語版", en="This page in Japanese")
OPEN_COLAB = Message(ja="Colab で開く", en="Open in Colab")
OPEN_HUB = Message(ja="JupyterLab で開く", en="Open in JupyterLab")
TIME = Message(ja="目安時間: {time}", en="Estimated time: {time}")
BAR_LABEL = Message(ja="このページについて", en="About this page")
STILL = Message(
    ja="これは実行したときの静止画です。スライダーを動かすには、このページを Colab か JupyterLab で開いて実行してください。",
    en="This is a still of the run. To move the sliders, open this page in Colab or JupyterLab and run it.",
)
FIGURE_ALT = Message(
    ja="「{section}」のセル {cell} の出力の図", en="Figure output by cell {cell} of “{section}”"
)
LANDING_TITLE = Message(ja="PyTorch 入門 / PyTorch Nyumon", en="PyTorch 入門 / PyTorch Nyumon")

EXECUTING = Message(
    ja="実行済みの版（{folder}）がないノートブック {count} 冊を、ここで実行します（MyST-NB のキャッシュ: {cache}）。make test のあとなら、その出力を使います。",
    en="Executing the notebooks with no executed copy in {folder} here ({count}; MyST-NB's cache: {cache}). After make test, its outputs are used instead.",
)
NOT_EXECUTING = Message(
    ja="実行済みの版がないノートブック {count} 冊は、--no-execute なので出力なしで載せます。",
    en="The notebooks with no executed copy ({count}) show no outputs: --no-execute is set.",
)
BUILT = Message(
    ja="本を {out} に作りました（{pages} ページ、{size:.1f} MB、{seconds:.0f} 秒）。見るには: python -m http.server -d {out}",
    en="Built the book in {out} ({pages} pages, {size:.1f} MB, {seconds:.0f} s). To read it: python -m http.server -d {out}",
)
NO_MATHJAX = Message(
    ja="book/node_modules に MathJax がありません。先に `cd book && npm ci` を実行してください。",
    en="MathJax is missing from book/node_modules: run `cd book && npm ci` first.",
)


def say(message: Message, **fmt: object) -> None:
    print(message("ja", **fmt), message("en", **fmt), sep="\n", flush=True)


# --- the notebooks of a page ------------------------------------------------------------------


def notebooks(solutions: bool) -> list[tuple[str, Path]]:
    """``(folder, notebook)`` of every published page of one language, in reading order."""
    rows = []
    for stem in sorted(p.stem for p in (ROOT / "chapters" / "src").glob("*.nb")):
        rows.append(("chapters", stem))
        if solutions and (ROOT / notebook_relpath(stem, "ja", solution=True)).exists():
            rows.append(("solutions", stem))
    return rows


def still_note(lang: str) -> dict:
    text = STILL(lang)
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/html": f'<p class="nyumon-still">{html.escape(text)}</p>',
            "text/plain": text,
        },
    }


def plain_text(data: dict) -> str:
    text = data.get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def figure_caption(text: str) -> str:
    """A figure's text/plain as its caption, unless it is only a repr ("<Figure size …>")."""
    text = " ".join(text.split())
    if not text or text.startswith("<"):
        return ""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


# A chapter's link to a file of the repository (`[README](../../README.md)`): it works in
# JupyterLab, where the chapter lies in the clone, not on a web page.
REPO_LINK_RE = re.compile(r"\]\(\.\./\.\./([^)\s]+)\)")
# A link to another chapter's notebook (`02_ja_autograd.ipynb`, or
# `../../solutions/ja/02_ja_autograd.ipynb`): in the book, that notebook's page, which is named
# by the chapter alone (`02_autograd`) so that both languages' sites share their paths.
NOTEBOOK_LINK_RE = re.compile(
    r"\]\((?:\.\./\.\./(chapters|solutions)/(?:ja|en)/)?(\d\d)_(?:ja|en)_(\w+)\.ipynb([#?][^)\s]*)?\)"
)


def page_link(found: re.Match) -> str:
    folder, number, topic, anchor = found.groups()
    return f"]({f'../{folder}/' if folder else ''}{number}_{topic}.ipynb{anchor or ''})"


def chapter_links(source: str, lang: str) -> str:
    """A chapter's links to its neighbours (``tools.build.walk``, as JupyterLab paths) as links
    to the book's pages, which are named by the source's stem in every language."""
    stems = chapter_stems()
    for stem in stems:
        for lab in {link_from(other, lang, notebook_relpath(stem, lang)) for other in stems}:
            source = source.replace(f"]({lab})", f"]({stem}.ipynb)")
    return source


def prepare(nb: dict, lang: str, files_url: str = "") -> dict:
    """The notebook as the book shows it: no badge, stills for widgets, alt text for figures,
    links to the repository's files pointing at ``files_url`` (its web view) when given."""
    nb = copy.deepcopy(nb)
    # IPython's lexer: cells with `!command` or `%pip` highlight without warnings.
    nb.setdefault("metadata", {}).setdefault("language_info", {})["pygments_lexer"] = "ipython3"
    section = ""
    cell_number = 0
    for cell in nb["cells"]:
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] == "markdown":
            source = BADGE_RE.sub("", source)  # the page header has the Colab button
            source = NOTEBOOK_LINK_RE.sub(page_link, source)
            source = chapter_links(source, lang)  # the walk links, whatever their form
            if files_url:
                source = REPO_LINK_RE.sub(lambda m: f"]({files_url}/{m.group(1)})", source)
            cell["source"] = source
            headings = HEADING_RE.findall(source)
            section = re.sub(r"`|\*\*", "", headings[-1]).strip() if headings else section
            continue
        if cell["cell_type"] != "code":
            continue
        cell_number += 1
        kept, widget, image, caption = [], False, False, ""
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None:
                if PROBE_MIME in data:
                    continue  # the grader's data, not for readers
                if WIDGET_MIME in data and PROGRESS_RE.search(plain_text(data)):
                    continue  # a progress bar
                if WIDGET_MIME in data:
                    # A live widget needs a kernel: its still picture or text stays.
                    data = {k: v for k, v in data.items() if k != WIDGET_MIME}
                    output = {**output, "data": data}
                    widget = True
                if any(m in data for m in IMAGE_MIMES):
                    image = True
                    caption = caption or figure_caption(plain_text(data))
            kept.append(output)
        # MyST-NB puts each output of a cell in a figure of its own, with the cell's caption:
        # a caption only for a cell with one output (a figure), the sliders line in it.
        single_figure = image and len(kept) == 1
        if widget and single_figure:
            caption = f"{caption} {STILL(lang)}".strip()
        elif widget:
            kept.append(still_note(lang))
        cell["outputs"] = kept
        if image:
            alt = FIGURE_ALT(lang, section=section or BOOK_TITLE(lang), cell=cell_number)
            mystnb = cell.setdefault("metadata", {}).setdefault("mystnb", {})
            mystnb.setdefault("image", {}).setdefault("alt", alt)
            if caption and single_figure:  # the figure in words: live_loss's, the playground's
                mystnb.setdefault("figure", {}).setdefault("caption", caption)
    return nb


def has_outputs(nb: dict) -> bool:
    return any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def sources(nb: dict) -> list[tuple[str, str]]:
    return [(c["cell_type"], "".join(c.get("source", ""))) for c in nb["cells"]]


def executed_copy(copy_path: Path, current: dict) -> dict | None:
    """The executed copy, if it ran exactly the current cells (not an older edit's)."""
    if not copy_path.exists():
        return None
    executed = json.loads(copy_path.read_text(encoding="utf-8"))
    if sources(executed) != sources(current) or not has_outputs(executed):
        return None
    return executed


# --- the Sphinx projects ----------------------------------------------------------------------


def index_page(lang: str, pages: list[tuple[str, str]]) -> str:
    lines = [f"# {BOOK_TITLE(lang)}", "", INTRO(lang), ""]
    for folder, caption in (("chapters", CHAPTERS(lang)), ("solutions", SOLUTIONS(lang))):
        docs = [f"{f}/{stem}" for f, stem in pages if f == folder]
        if docs:
            lines += ["```{toctree}", f":caption: {caption}", ":maxdepth: 1", "", *docs, "```", ""]
    return "\n".join(lines)


CONF = """\
# Generated by `python -m tools.book` (make book); edit tools/book.py, not this file.
import sys

sys.path.insert(0, {root!r})
from tools.book import sphinx_conf  # noqa: E402

globals().update(sphinx_conf({lang!r}))
"""


def sphinx_conf(lang: str) -> dict:
    """The conf.py values of one language's book (read back from its page list)."""
    meta = json.loads((WORK / lang / "_book.json").read_text(encoding="utf-8"))
    return {
        "project": BOOK_TITLE(lang),
        "html_title": BOOK_TITLE(lang),
        "language": lang,
        "extensions": ["myst_nb", "tools.book"],
        "exclude_patterns": ["_build", "**.ipynb_checkpoints", "_book.json"],
        "html_theme": "sphinx_book_theme",
        "html_theme_options": {
            "home_page_in_toc": True,
            "use_download_button": True,
            "show_toc_level": 2,
            "article_header_end": ["nyumon-lang.html", "article-header-buttons.html"],
        },
        # pydata-sphinx-theme logs a console error when no mode is set.
        "html_context": {"default_mode": "light"},
        "templates_path": ["_templates"],
        "html_static_path": ["_static"],
        "html_css_files": ["nyumon-book.css"],
        "html_show_sourcelink": False,
        "html_copy_source": True,
        # MathJax from npm, copied next to the two books: no page loads anything from elsewhere.
        "mathjax_path": "../../_mathjax/tex-chtml.js",
        "myst_enable_extensions": ["dollarmath", "amsmath", "colon_fence"],
        "myst_heading_anchors": 3,
        "nb_execution_mode": meta["execution_mode"],
        "nb_execution_cache_path": meta["cache"],
        "nb_execution_excludepatterns": meta["executed"],
        "nb_execution_timeout": 300,
        "nb_execution_raise_on_error": True,
        "nb_execution_show_tb": True,
        "nb_merge_streams": True,
        "nb_output_stderr": "show",
        "nyumon_pages": meta["pages"],
        "nyumon_lang": lang,
        "suppress_warnings": ["myst.header", "mystnb.unknown_mime_type"],
    }


def other_language(lang: str, pagename: str) -> dict:
    """The link to the same page in the other book (both books have the same page names)."""
    other = "en" if lang == "ja" else "ja"
    up = "../" * pagename.count("/")
    return {
        "href": f"{up}../{other}/{pagename}.html",
        "lang": other,
        "text": OTHER_LANGUAGE(lang),
        "title": OTHER_LANGUAGE_LABEL(lang),
    }


LANGUAGE_SWITCH = """\
<a class="btn nyumon-lang" href="{{ nyumon_other.href }}" hreflang="{{ nyumon_other.lang }}" \
lang="{{ nyumon_other.lang }}" title="{{ nyumon_other.title }}">{{ nyumon_other.text }}</a>
"""


def page_bar(lang: str, info: dict) -> str:
    links = [f'<a class="nyumon-colab" href="{html.escape(info["colab"])}">{OPEN_COLAB(lang)}</a>']
    if info.get("hub"):
        links.append(
            f'<a class="nyumon-hub" href="{html.escape(info["hub"])}">{OPEN_HUB(lang)}</a>'
        )
    if info.get("time"):
        links.append(
            f'<span class="nyumon-time">{html.escape(TIME(lang, time=info["time"]))}</span>'
        )
    items = "".join(f"<li>{link}</li>" for link in links)
    label = html.escape(BAR_LABEL(lang))
    return f'<nav class="nyumon-bar" aria-label="{label}"><ul>{items}</ul></nav>\n'


def on_page(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Every page: the language switch (in the header); a notebook's page: its bar on top."""
    lang = app.config.nyumon_lang
    context["nyumon_other"] = other_language(lang, pagename)
    info = app.config.nyumon_pages.get(pagename)
    if info and "body" in context:
        context["body"] = page_bar(lang, info) + context["body"]


def setup(app) -> dict:
    """The Sphinx extension (conf.py lists ``tools.book``): the bar at the top of each page."""
    app.add_config_value("nyumon_pages", {}, "html")
    app.add_config_value("nyumon_lang", "ja", "html")
    app.connect("html-page-context", on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# pydata-sphinx-theme's search button, without its aria-label: the label ("Search") left out
# the visible "Ctrl+K", which axe-core reports as label-content-name-mismatch (serious).
SEARCH_BUTTON = """\
<button class="btn search-button-field search-button__button pst-js-only" title="{{ _('Search') }}" data-bs-placement="bottom" data-bs-toggle="tooltip">
 <i class="fa-solid fa-magnifying-glass" aria-hidden="true"></i>
 <span class="search-button__default-text">{{ _('Search') }}</span>
 <span class="search-button__kbd-shortcut"><kbd class="kbd-shortcut__modifier">Ctrl</kbd>+<kbd class="kbd-shortcut__modifier">K</kbd></span>
</button>
"""

CSS = """\
.nyumon-bar ul { display: flex; flex-wrap: wrap; gap: .5rem 1rem; list-style: none;
  padding: .5rem 0; margin: 0 0 1rem; border-bottom: 1px solid var(--pst-color-border); }
.nyumon-bar a { font-weight: 600; }
.header-article-items__end { display: flex; align-items: center; }
.header-article-item .nyumon-lang { font-size: .9rem; line-height: 1.5; padding: .2rem .6rem;
  border: 1px solid var(--pst-color-border); border-radius: .25rem; }
.nyumon-still { border-left: 4px solid var(--pst-color-info); padding-left: .75rem; }
"""


def write_project(lang: str, args, cfg: dict, executed: Path) -> tuple[int, int]:
    """Write one language's Sphinx source; return (notebooks executed here, without outputs)."""
    src = WORK / lang
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(WORK / "_build" / lang, ignore_errors=True)
    (src / "_static").mkdir(parents=True)
    (src / "_static" / "nyumon-book.css").write_text(CSS, encoding="utf-8")
    (src / "_templates").mkdir()
    (src / "_templates" / "search-button-field.html").write_text(SEARCH_BUTTON, "utf-8")
    (src / "_templates" / "nyumon-lang.html").write_text(LANGUAGE_SWITCH, "utf-8")
    pages, info, executed_docs, missing = notebooks(args.solutions), {}, [], 0
    for folder, stem in pages:
        relpath = notebook_relpath(stem, lang, solution=folder == "solutions")
        nb = json.loads((ROOT / relpath).read_text(encoding="utf-8"))
        ran = executed_copy(executed / relpath, nb)
        if ran is not None:
            nb = ran
            executed_docs.append(f"{folder}/{stem}.ipynb")
        else:
            missing += 1
        target = src / folder / f"{stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        files_url = f"{cfg['repository']}/blob/{cfg['branch']}"
        page = prepare(nb, lang, files_url)
        target.write_text(json.dumps(page, ensure_ascii=False, indent=1), "utf-8")
        first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
        info[f"{folder}/{stem}"] = {
            "colab": colab_url(cfg, relpath),
            "hub": pull_link(args.hub, relpath) if args.hub else "",
            "time": time_estimate("".join(first["source"])),
        }
    (src / "index.md").write_text(index_page(lang, pages), encoding="utf-8")
    mode = "off" if args.no_execute or not missing else "cache"
    meta = {
        "pages": info,
        "executed": executed_docs,
        "execution_mode": mode,
        "cache": str(CACHE / lang),
    }
    (src / "_book.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    (src / "conf.py").write_text(CONF.format(root=str(ROOT), lang=lang), encoding="utf-8")
    return (0, missing) if mode == "off" else (missing, 0)


def pull_link(hub: str, relpath: str) -> str:
    from classroom.links import Course
    from classroom.links import pull_link as link

    return link(hub, Course.from_pyproject(), relpath)


def sphinx_command(lang: str) -> list[str]:
    built = WORK / "_build" / lang  # MyST-NB writes beside the output folder: one per book
    options = ["-b", "html", "-q", "-E", "--keep-going", "-d", str(built / "doctrees")]
    return [sys.executable, "-m", "sphinx", *options, str(WORK / lang), str(built / "html")]


def copy_mathjax(out: Path) -> None:
    source = NODE_MODULES / "mathjax" / "es5"
    if not source.exists():
        raise SystemExit(NO_MATHJAX("ja") + "\n" + NO_MATHJAX("en"))
    for part in MATHJAX_PARTS:
        src, dst = source / part, out / "_mathjax" / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)


def landing_page() -> str:
    links = "".join(
        f'<li><a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">{BOOK_TITLE(lang)}'
        f" ({'日本語' if lang == 'ja' else 'English'})</a></li>"
        for lang in LANGS
    )
    title = html.escape(LANDING_TITLE("ja"))
    return (
        '<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
        f"<ul>{links}</ul>\n</main>\n</body>\n</html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the site's folder (build/book)")
    parser.add_argument("--executed", type=Path, default=EXECUTED, help="executed notebooks")
    parser.add_argument(
        "--solutions",
        action="store_true",
        default=os.environ.get("NYUMON_BOOK_SOLUTIONS") == "1",
        help="publish the solution notebooks too (NYUMON_BOOK_SOLUTIONS=1)",
    )
    parser.add_argument(
        "--hub",
        default=os.environ.get("NYUMON_BOOK_HUB", ""),
        help="JupyterHub URL for the 'Open in JupyterLab' buttons (NYUMON_BOOK_HUB)",
    )
    parser.add_argument("--no-execute", action="store_true", help="never execute a notebook")
    args = parser.parse_args(argv)
    started = time.monotonic()
    cfg = settings()
    executed = args.executed if args.executed.is_absolute() else ROOT / args.executed
    out = args.out if args.out.is_absolute() else ROOT / args.out
    to_execute = without = 0
    for lang in LANGS:
        run, empty = write_project(lang, args, cfg, executed)
        to_execute, without = to_execute + run, without + empty
    rel = executed.relative_to(ROOT) if executed.is_relative_to(ROOT) else executed
    if to_execute:
        say(EXECUTING, count=to_execute, folder=rel, cache=CACHE.relative_to(ROOT))
    if without:
        say(NOT_EXECUTING, count=without)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # The two books side by side (the machine's two cores); each has its own cache.
    builds = [subprocess.Popen(sphinx_command(lang), cwd=ROOT) for lang in LANGS]
    failed = [lang for lang, p in zip(LANGS, builds, strict=True) if p.wait() != 0]
    if failed:
        print(f"sphinx-build failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    for lang in LANGS:
        shutil.copytree(WORK / "_build" / lang / "html", out / lang)
    copy_mathjax(out)
    (out / "index.html").write_text(landing_page(), encoding="utf-8")
    (out / ".nojekyll").write_text("", encoding="utf-8")
    pages = sum(1 for _ in out.rglob("*.html"))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    say(BUILT, out=shown, pages=pages, size=size, seconds=time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
