"""The instructor's page: one HTML file whose script polls ``api/summary`` and redraws.

Both languages are in the page; the first comes from ``?lang=`` or the browser's
Accept-Language, the buttons switch without reloading. Every name and id is put in with
``textContent``, never as HTML; the script runs under a nonce (Content-Security-Policy).
"""

from __future__ import annotations

import html
import json
import re
import secrets

WORDS = {
    "ja": {
        "title": "クラスの様子",
        "course": "講座",
        "students": "受講者",
        "chapter": "第 {n} 章",
        "exercise": "演習",
        "tried": "解答した受講者",
        "pass_rate": "正解率",
        "hint": "いちばん多いヒント",
        "hint_students": "{n} 人",
        "student": "受講者",
        "attempts": "解答回数",
        "passed": "正解した演習",
        "last": "最後の報告",
        "csv": "CSV をダウンロード",
        "live": "自動更新中（{time}）",
        "offline": "サービスに接続できません。再試行しています…",
        "empty": "まだ報告がありません。受講者が演習の確認（check）を実行すると、ここに表示されます。",
        "legend": "✓ 正解した　✗ まだ正解していない　… まだ解答していない（数字は解答回数）",
    },
    "en": {
        "title": "The class at a glance",
        "course": "Course",
        "students": "Students",
        "chapter": "Chapter {n}",
        "exercise": "Exercise",
        "tried": "Students who answered",
        "pass_rate": "Pass rate",
        "hint": "Commonest hint",
        "hint_students": "{n} students",
        "student": "Student",
        "attempts": "Attempts",
        "passed": "Exercises passed",
        "last": "Last report",
        "csv": "Download CSV",
        "live": "Live ({time})",
        "offline": "Cannot reach the service; retrying…",
        "empty": "No reports yet. They appear here as students run the exercises' checks.",
        "legend": "✓ passed   ✗ not right yet   … not answered yet (the numbers: attempts)",
    },
}


def language(asked: str, accept: str) -> str:
    """``ja`` or ``en``: the one asked for, else the browser's first choice of the two."""
    if asked in WORDS:
        return asked
    ranked = []
    for n, part in enumerate(accept.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        code = tag.strip().lower()[:2]
        if code in WORDS and weight > 0:
            ranked.append((-weight, n, code))
    return min(ranked)[2] if ranked else "ja"


SCRIPT = r"""
const W = JSON.parse(document.getElementById("words").textContent);
const C = JSON.parse(document.getElementById("catalog").textContent);
const XSRF = document.body.dataset.xsrf;
let lang = document.documentElement.lang, data = null, version = -1, polled = null;
const $ = (tag, text, attrs) => {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
};
const w = (key, n) => W[lang][key].replace("{n}", n).replace("{time}", n);
const said = (table, id) => {
  const words = C[table][id];
  return words ? words[lang].replace(/\{[^}]*\}/g, "…") : id;
};
function row(cells, head) {
  const tr = $("tr");
  for (const c of cells) tr.append(c instanceof Node ? c : $(head ? "th" : "td", c));
  return tr;
}
function drawState() {
  const state = document.getElementById("state");
  state.textContent = polled === null ? "" : polled ? w("live", polled.toLocaleTimeString(
    lang === "ja" ? "ja-JP" : "en-US")) : w("offline");
  state.className = polled ? "live" : "offline";
}
function draw() {
  for (const b of document.querySelectorAll("[data-lang]"))
    b.setAttribute("aria-pressed", b.dataset.lang === lang);
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll("[data-word]")) e.textContent = w(e.dataset.word);
  drawState();
  const main = document.getElementById("class");
  main.replaceChildren();
  if (!data) return;
  document.getElementById("count").textContent = data.students.length;
  if (!data.students.length) { main.append($("p", w("empty"), {id: "empty"})); return; }
  const columns = [];
  for (const ch of data.chapters) {
    const section = $("section", null, {"data-chapter": ch.chapter});
    section.append($("h2", w("chapter", ch.chapter)));
    const table = $("table", null, {class: "exercises"});
    table.append(row([w("exercise"), w("tried"), w("pass_rate"), w("hint")], true));
    for (const ex of ch.exercises) {
      columns.push([ch.chapter, ex.exercise]);
      const rate = ex.pass_rate === null ? "—" : Math.round(ex.pass_rate * 100) + "%"
        + ` (${ex.passed}/${ex.tried})`;
      const hint = $("td", null, {class: "hint"});
      if (ex.hint) {
        hint.append($("span", said("hints", ex.hint), {title: ex.hint}));
        hint.append($("small", " " + w("hint_students", ex.hint_students)));
      }
      const tr = row([$("td", said("titles", ex.exercise), {title: ex.exercise}),
                      String(ex.tried), rate, hint]);
      tr.dataset.exercise = ex.exercise;
      table.append(tr);
    }
    section.append(table);
    main.append(section);
  }
  const table = $("table", null, {id: "students"});
  const head = [w("student"), w("attempts"), w("passed"), w("last")];
  const top = row(head, true);
  for (const [ch, ex] of columns) top.append($("th", ch + " " + said("titles", ex), {title: ex}));
  table.append(top);
  for (const s of data.students) {
    const tr = row([s.name, String(s.attempts), String(s.passed), s.last.replace("T", " ")]);
    tr.dataset.student = s.name;
    for (const [ch, ex] of columns) {
      const cell = s.cells[ch + "/" + ex];
      const td = $("td", cell ? (cell.passed ? "✓" : cell.attempts ? "✗" : "…") : "",
                   {"data-exercise": ex, class: cell ? (cell.passed ? "ok" : cell.attempts ? "wrong" : "todo") : ""});
      if (cell && cell.attempts) td.append($("small", " " + cell.attempts));
      if (cell && cell.hint) td.title = said("hints", cell.hint);
      tr.append(td);
    }
    table.append(tr);
  }
  main.append($("h2", w("students")), table, $("p", w("legend"), {class: "legend"}));
}
async function poll() {
  try {
    const r = await fetch("api/summary?since=" + version,
                          {headers: {"X-XSRFToken": XSRF}, credentials: "same-origin"});
    if (!r.ok) throw new Error(r.status);
    const got = await r.json();
    polled = new Date();
    if (got.unchanged) drawState(); else { data = got; version = got.version; draw(); }
  } catch (e) {
    polled = false;
    drawState();
  }
  setTimeout(poll, 2000);
}
for (const b of document.querySelectorAll("[data-lang]"))
  b.addEventListener("click", () => { lang = b.dataset.lang; draw(); });
draw();
poll();
"""

STYLE = """
body { font-family: system-ui, "Noto Sans CJK JP", sans-serif; margin: 1.5em; color: #222; }
header { display: flex; gap: 1em; align-items: baseline; flex-wrap: wrap; }
h1 { font-size: 1.4em; margin: 0; } h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; margin-bottom: .5em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.ok { color: #1b7f3b; } td.wrong { color: #b3261e; } td.todo { color: #8a6d00; }
#state.offline { color: #b3261e; } #state.live { color: #555; }
button[aria-pressed="true"] { font-weight: bold; }
.legend, small { color: #555; }
"""

PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title><style>{style}</style></head>
<body data-xsrf="{xsrf}">
<header>
  <h1 data-word="title">{title}</h1>
  <span><span data-word="course"></span>: {course}</span>
  <span><span data-word="students"></span>: <b id="count">0</b></span>
  <span><button type="button" data-lang="ja">日本語</button>
        <button type="button" data-lang="en">English</button></span>
  <a href="class.csv" data-word="csv" download></a>
  <span id="state"></span>
</header>
<main id="class"></main>
<script type="application/json" id="words">{words}</script>
<script type="application/json" id="catalog">{catalog}</script>
<script nonce="{nonce}">{script}</script>
</body>
</html>
"""


def _json(value: object) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    return re.sub(
        r"[<>&]", lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False)
    )


def render(*, lang: str, course: str, xsrf: str, catalog: dict) -> tuple[str, str]:
    """The page and its Content-Security-Policy."""
    nonce = secrets.token_urlsafe(16)
    text = PAGE.format(
        lang=lang, title=html.escape(WORDS[lang]["title"]), style=STYLE, xsrf=html.escape(xsrf),
        course=html.escape(course), words=_json(WORDS), catalog=_json(catalog), nonce=nonce,
        script=SCRIPT,
    )  # fmt: skip
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return text, policy
