"""The web book (``make book``) in real Chromium: every page, both languages.

The built site (build/book) is served on 127.0.0.1 and every page reachable from its front
page is visited: no console error, no request to another host, every internal link and image
answers 200, MathJax typesets every formula, the language switch leads to the same page in the other book, Japanese headings
render as glyphs (not tofu boxes), and axe-core (book/package-lock.json) finds no serious or
critical accessibility violation.

Outside CI the test skips when the book or axe-core is missing (``make book`` builds both). In
CI (``NYUMON_REQUIRE_BROWSER=1``) it fails instead; ``make test`` builds the book from the
notebooks its own pytest run executed, then runs this test (marker ``book``).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse
from urllib.request import urlopen

import pytest

from tests.support.browser import OUT
from tests.support.jupyter_server import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.book]

SITE = Path(os.environ.get("NYUMON_BOOK_DIR", ROOT / "build" / "book"))
AXE = ROOT / "book" / "node_modules" / "axe-core" / "axe.min.js"
# Several characters of each script Japanese uses; tofu would draw them all as one box.
JAPANESE = "入門章学習自動微分テンソルあいうえお"
NOT_A_CHARACTER = "\U000f0000"  # a private-use code point no font here maps


def require(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} is missing ({path}): run `make book`"
    if os.environ.get("NYUMON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"NYUMON_REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    require(SITE / "index.html", "the built book")
    require(AXE, "axe-core (cd book && npm ci)")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def status(url: str) -> int:
    try:
        with urlopen(url, timeout=10) as response:  # only the local server's URLs
            return response.status
    except OSError as error:
        return getattr(error, "code", 0) or 0


def pages_of_site() -> list[str]:
    """Every page of the built site, as paths below its root (not the themes' _static files)."""
    if not SITE.exists():
        return []
    paths = (p.relative_to(SITE) for p in SITE.rglob("*.html"))
    return sorted(p.as_posix() for p in paths if not any(x.startswith("_") for x in p.parts))


LINKS_JS = """() => ({
    hrefs: [...document.querySelectorAll('a[href]')].map(a => a.href),
    srcs: [...document.querySelectorAll('img[src], script[src], link[href][rel=stylesheet]')]
        .map(e => e.src || e.href),
    broken: [...document.querySelectorAll('img')]
        .filter(i => i.complete && i.naturalWidth === 0).map(i => i.src),
    noAlt: [...document.querySelectorAll('img:not([alt])')].map(i => i.src),
})"""


@pytest.fixture(scope="module")
def context(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Nothing may come from another host: record and refuse such requests.
    context.outside = []

    def route(route):
        if route.request.url.startswith(site):
            route.continue_()
        else:
            context.outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    yield context
    context.close()


@pytest.fixture(scope="module")
def checked_links() -> dict[str, int]:
    return {}


def test_site_has_both_books() -> None:
    require(SITE / "index.html", "the built book")
    pages = pages_of_site()
    for lang in ("ja", "en"):
        chapters = [p for p in pages if p.startswith(f"{lang}/chapters/")]
        assert len(chapters) == len(list((ROOT / "chapters" / "src").glob("*.nb"))), chapters
    published = {p.split("/")[1] for p in pages if p.count("/") == 2}
    solutions = os.environ.get("NYUMON_BOOK_SOLUTIONS") == "1"
    assert ("solutions" in published) == solutions, published


@pytest.mark.parametrize("path", pages_of_site() or ["index.html"])
def test_page(context, site, checked_links, path: str) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    bad: list[str] = []
    page.on(
        "response",
        lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    url = urljoin(site, path)
    page.goto(url, wait_until="load")
    found = page.evaluate(LINKS_JS)
    assert bad == [], bad
    assert errors == [], errors
    assert context.outside == [], context.outside
    assert found["broken"] == [], found["broken"]
    assert found["noAlt"] == [], found["noAlt"]
    internal = {urldefrag(u).url for u in found["hrefs"] + found["srcs"] if u.startswith(site)}
    for link in sorted(internal - checked_links.keys()):
        checked_links[link] = status(link)
    broken = sorted(link for link in internal if checked_links[link] != 200)
    assert broken == [], broken
    # MathJax (copied from book/node_modules) typesets every formula.
    if page.locator("span.math, div.math").count():
        page.wait_for_function(
            "() => document.querySelectorAll('span.math, div.math').length"
            " === document.querySelectorAll('.math mjx-container').length",
            timeout=30_000,
        )
    # The language switch leads to the same page in the other book.
    lang = path.split("/")[0]
    if lang in ("ja", "en") and path.count("/") >= 1:
        other = "en" if lang == "ja" else "ja"
        switch = page.locator("a.nyumon-lang")
        assert switch.count() == 1
        href = urlparse(switch.get_attribute("href"))
        assert urljoin(url, href.path) == urljoin(site, f"{other}/{path.split('/', 1)[1]}")
    # axe-core, from book/node_modules (nothing fetched): no serious or critical violation.
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} nodes, e.g. `"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
    )
    assert violations == [], "\n".join(violations)
    page.close()


GLYPHS_JS = """([text, box]) => {
    const heading = document.querySelector('h1');
    const font = getComputedStyle(heading).fontFamily;
    const row = document.createElement('div');
    row.id = 'nyumon-glyphs';
    row.style.cssText = `position:fixed;top:0;left:0;z-index:99999;background:#fff;color:#000;`
        + `font-family:${font};font-size:48px;line-height:64px;padding:8px`;
    for (const ch of [...text, box]) {
        const span = document.createElement('span');
        span.textContent = ch;
        span.style.cssText = 'display:inline-block;width:64px;height:64px;text-align:center';
        row.appendChild(span);
    }
    document.body.appendChild(row);
    return font;
}"""


def test_japanese_glyphs_render(context, site) -> None:
    """Each Japanese character draws differently, and unlike a character no font has."""
    page = context.new_page()
    page.goto(urljoin(site, "ja/index.html"), wait_until="load")
    page.evaluate("document.fonts.ready")
    heading = page.locator("h1").first.inner_text()
    assert "入門" in heading, heading
    font = page.evaluate(GLYPHS_JS, [JAPANESE, NOT_A_CHARACTER])
    spans = page.locator("#nyumon-glyphs span")
    OUT.mkdir(parents=True, exist_ok=True)
    page.locator("#nyumon-glyphs").screenshot(path=str(OUT / "book_glyphs.png"))
    shots = [hashlib.sha256(spans.nth(i).screenshot()).hexdigest() for i in range(spans.count())]
    *japanese, box = shots
    assert box not in japanese, f"some Japanese characters render as tofu in {font}"
    assert len(set(japanese)) == len(japanese), f"Japanese glyphs collapse to boxes in {font}"
    page.close()


@pytest.mark.parametrize(
    "lang,word,chapter", [("ja", "勾配", "02_autograd"), ("en", "gradient", "02_autograd")]
)
def test_search_finds_a_chapter(context, site, lang, word, chapter) -> None:
    """Sphinx's search (Japanese split into words by its own splitter) finds the chapter."""
    page = context.new_page()
    page.goto(urljoin(site, f"{lang}/search.html?q={word}"), wait_until="load")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(chapter in href for href in hrefs), hrefs
    page.close()
