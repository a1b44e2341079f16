// The playground's picture, drawn in the browser from the kernel's compact frames (board.py).
// Left: train/test loss on a log scale; right: the decision boundary (or regression surface)
// with the points. Colours and fonts follow JupyterLab's theme variables, with fallbacks for
// Colab. After each draw the element carries data-frame (frames drawn) and data-drawn-at
// (performance.now()), data-run (the kernel's run count), for the browser tests and the bench.

const WIDTH = 760, HEIGHT = 300;
const ACK_EVERY = 100; // ms between the "drawn" answers to the kernel (board.py's IN_FLIGHT)
const CLASS = ["#E69F00", "#0072B2"]; // Okabe-Ito orange / blue, as in view.py
const MAP = [[0xF0, 0xC7, 0x66], [0xFF, 0xFF, 0xFF], [0x5F, 0xA8, 0xD3]];
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const FONT = 'system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Yu Gothic UI", ' +
  '"Noto Sans CJK JP", "Noto Sans JP", Meiryo, sans-serif';

function bytesOf(value) {
  if (!value) return new Uint8Array(0);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(0);
}

function floatsOf(value) {
  const bytes = bytesOf(value);
  const copy = new Uint8Array(bytes.length - (bytes.length % 4));
  copy.set(bytes.subarray(0, copy.length)); // aligned for Float32Array
  return new Float32Array(copy.buffer);
}

function ramp(stops, f) {
  const x = Math.min(Math.max(f, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2), u = x - i;
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * u));
}

function rgb(c) { return `rgb(${c[0]},${c[1]},${c[2]})`; }

// The colour of each of the grid's 256 levels, worked out once: a frame's 60² cells are then
// three table reads each, not a ramp with new arrays.
function table(stops) {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) out.set(ramp(stops, i / 255), 3 * i);
  return out;
}
const LEVELS = { map: table(MAP), viridis: table(VIRIDIS) };

function theme(el) {
  const css = getComputedStyle(el);
  const get = (name, fallback) => (css.getPropertyValue(name) || "").trim() || fallback;
  const dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  return {
    bg: get("--jp-layout-color0", get("--colab-primary-surface-color", dark ? "#1e1e1e" : "#ffffff")),
    fg: get("--jp-ui-font-color1", get("--colab-primary-text-color", dark ? "#e6e6e6" : "#1a1a1a")),
    muted: get("--jp-ui-font-color2", dark ? "#a0a0a0" : "#5a5a5a"),
    line: get("--jp-border-color2", dark ? "#444444" : "#d0d0d0"),
    error: get("--jp-error-color1", "#d32f2f"),
    font: get("--jp-ui-font-family", FONT) + ", " + FONT,
  };
}

function niceTicks(lo, hi) {
  const span = hi - lo || 1, step0 = Math.pow(10, Math.floor(Math.log10(span / 4)));
  const step = [1, 2, 5, 10].map((m) => m * step0).find((s) => span / s <= 5);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

function drawLoss(ctx, box, curves, texts, th, diverged) {
  const [x0, y0, w, h] = box;
  const n = Math.floor(curves.length / 3);
  const steps = [], train = [], test = [];
  let lo = Infinity, hi = -Infinity, last = 1;
  for (let i = 0; i < n; i++) {
    const s = curves[3 * i], a = curves[3 * i + 1], b = curves[3 * i + 2];
    steps.push(s); train.push(a); test.push(b);
    for (const v of [a, b]) if (Number.isFinite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    last = Math.max(last, s);
  }
  if (!Number.isFinite(lo)) { lo = 0.1; hi = 1; }
  let llo = Math.floor(Math.log10(lo) * 4) / 4, lhi = Math.ceil(Math.log10(hi) * 4) / 4;
  if (lhi - llo < 0.5) { llo -= 0.25; lhi += 0.25; }
  const px = (s) => x0 + (s / last) * w;
  const py = (v) => y0 + h - ((Math.log10(v) - llo) / (lhi - llo)) * h;
  ctx.strokeStyle = th.line; ctx.lineWidth = 1;
  ctx.strokeRect(x0 + 0.5, y0 + 0.5, w, h);
  ctx.fillStyle = th.muted; ctx.font = `11px ${th.font}`;
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  const marks = lhi - llo <= 2 ? [1, 2, 5] : [1]; // 1-2-5 labels on a short log axis
  for (let e = Math.floor(llo); e <= Math.ceil(lhi); e++) {
    for (const k of marks) {
      const v = k * Math.pow(10, e), l = Math.log10(v);
      if (l < llo - 1e-9 || l > lhi + 1e-9) continue;
      const y = py(v);
      ctx.fillText(v >= 0.001 && v < 1e4 ? String(+v.toPrecision(2)) : v.toExponential(0), x0 - 4, y);
      ctx.beginPath(); ctx.moveTo(x0, y + 0.5); ctx.lineTo(x0 + w, y + 0.5); ctx.stroke();
    }
  }
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const s of niceTicks(0, last)) ctx.fillText(String(Math.round(s)), px(s), y0 + h + 4);
  ctx.fillStyle = th.fg; ctx.font = `12px ${th.font}`;
  ctx.fillText(texts.step_axis || "step", x0 + w / 2, y0 + h + 20);
  ctx.save(); ctx.translate(x0 - 40, y0 + h / 2); ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "bottom"; ctx.fillText(texts.loss_axis || "loss", 0, 0); ctx.restore();
  ctx.save(); ctx.beginPath(); ctx.rect(x0, y0, w, h); ctx.clip();
  for (const [values, colour, dash] of [[train, CLASS[1], []], [test, CLASS[0], [5, 3]]]) {
    ctx.strokeStyle = colour; ctx.lineWidth = 1.8; ctx.setLineDash(dash); ctx.beginPath();
    let pen = false;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || v <= 0) { pen = false; continue; }
      if (pen) ctx.lineTo(px(steps[i]), py(v)); else ctx.moveTo(px(steps[i]), py(v));
      pen = true;
    }
    ctx.stroke();
  }
  ctx.restore(); ctx.setLineDash([]);
  // legend, top right
  ctx.font = `12px ${th.font}`; ctx.textAlign = "left"; ctx.textBaseline = "middle";
  [[texts.train, CLASS[1], []], [texts.test, CLASS[0], [5, 3]]].forEach(([label, colour, dash], k) => {
    const y = y0 + 14 + 16 * k, x = x0 + w - 90;
    ctx.strokeStyle = colour; ctx.lineWidth = 1.8; ctx.setLineDash(dash);
    ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 22, y); ctx.stroke(); ctx.setLineDash([]);
    ctx.fillStyle = th.fg; ctx.fillText(label || "", x + 28, y);
  });
  if (diverged) {
    ctx.fillStyle = th.error; ctx.font = `bold 12px ${th.font}`; ctx.textAlign = "left";
    ctx.fillText(texts.diverged || "diverged", x0 + 8, y0 + 14);
  }
}

function drawMap(ctx, box, m, th, scratch) {
  const [x0, y0, w, h] = box;
  const [ex0, ex1, ey0, ey1] = m.extent;
  const px = (x) => x0 + ((x - ex0) / (ex1 - ex0)) * w;
  const py = (y) => y0 + h - ((y - ey0) / (ey1 - ey0)) * h;
  const n = m.size, grid = m.grid;
  const regress = !m.classify;
  const colourOf = (f) => (regress ? ramp(VIRIDIS, f) : ramp(MAP, f));
  ctx.fillStyle = th.fg; ctx.font = `12px ${th.font}`; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  ctx.fillText(m.classify ? m.texts.boundary : m.texts.surface, x0 + w / 2, y0 - 4);
  if (!m.diverged && grid.length === n * n && n > 0) {
    scratch.width = n; scratch.height = n;
    const sctx = scratch.getContext("2d"), img = sctx.createImageData(n, n);
    const levels = regress ? LEVELS.viridis : LEVELS.map, data = img.data;
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const c = 3 * grid[row * n + col], o = ((n - 1 - row) * n + col) * 4;
        data[o] = levels[c]; data[o + 1] = levels[c + 1]; data[o + 2] = levels[c + 2]; data[o + 3] = 255;
      }
    }
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(scratch, x0, y0, w, h);
  } else {
    ctx.fillStyle = th.bg; ctx.fillRect(x0, y0, w, h);
  }
  ctx.strokeStyle = th.line; ctx.lineWidth = 1; ctx.strokeRect(x0 + 0.5, y0 + 0.5, w, h);
  const p = m.points, span = m.hi - m.lo || 1;
  ctx.save(); ctx.beginPath(); ctx.rect(x0, y0, w, h); ctx.clip();
  for (let i = 0; i + 3 < p.length; i += 4) {
    const x = px(p[i]), y = py(p[i + 1]), v = p[i + 2], flags = p[i + 3];
    ctx.fillStyle = regress ? rgb(ramp(VIRIDIS, (v - m.lo) / span)) : CLASS[v > 0.5 ? 1 : 0];
    ctx.strokeStyle = "#1a1a1a"; ctx.lineWidth = 0.8;
    ctx.beginPath();
    if (flags % 2 >= 1) { ctx.moveTo(x, y - 5); ctx.lineTo(x + 4.5, y + 3.5); ctx.lineTo(x - 4.5, y + 3.5); ctx.closePath(); }
    else ctx.arc(x, y, 3, 0, 2 * Math.PI);
    ctx.fill(); ctx.stroke();
    if (flags >= 2) { ctx.strokeStyle = th.fg; ctx.lineWidth = 1.3; ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke(); }
  }
  ctx.restore();
  if (m.diverged) {
    ctx.fillStyle = th.error; ctx.font = `bold 13px ${th.font}`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.fillText(m.texts.diverged || "diverged", x0 + w / 2, y0 + h / 2);
  }
  // colour bar
  const bx = x0 + w + 10, bw = 10;
  for (let k = 0; k < h; k++) { ctx.fillStyle = rgb(colourOf(1 - k / h)); ctx.fillRect(bx, y0 + k, bw, 1); }
  ctx.strokeStyle = th.line; ctx.strokeRect(bx + 0.5, y0 + 0.5, bw, h);
  ctx.fillStyle = th.muted; ctx.font = `11px ${th.font}`; ctx.textAlign = "left"; ctx.textBaseline = "middle";
  const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(2));
  ctx.fillText(fmt(m.hi), bx + bw + 3, y0 + 5); ctx.fillText(fmt(m.lo), bx + bw + 3, y0 + h - 5);
}

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  const scratch = document.createElement("canvas");
  canvas.className = "nyumon-board";
  canvas.style.maxWidth = "100%";
  canvas.style.width = WIDTH + "px";
  el.appendChild(canvas);
  let drawn = 0, pending = false, alive = true;
  let shownFrame = 0, ackedAt = -Infinity, ackTimer = null;

  // Tell the kernel which frame is on screen (it sends more only while few wait), at most
  // every ACK_EVERY ms: each answer is a message the kernel handles, with a busy and an idle
  // status that JupyterLab's toolbar redraws for, while the trainer has most of the CPU.
  function ack() {
    ackTimer = null;
    if (!alive || model.get("drawn") === shownFrame) return;
    ackedAt = performance.now();
    model.set("drawn", shownFrame);
    model.save_changes();
  }

  function draw() {
    pending = false;
    if (!alive) return;
    const th = theme(el), ratio = window.devicePixelRatio || 1;
    if (canvas.width !== WIDTH * ratio) { canvas.width = WIDTH * ratio; canvas.height = HEIGHT * ratio; }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = th.bg; ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const m = {
      texts: model.get("texts") || {},
      classify: model.get("classify"),
      extent: model.get("extent"),
      size: model.get("size"),
      lo: model.get("lo"),
      hi: model.get("hi"),
      grid: bytesOf(model.get("grid")),
      points: floatsOf(model.get("points")),
      diverged: model.get("diverged"),
    };
    drawLoss(ctx, [62, 22, 290, 230], floatsOf(model.get("curves")), m.texts, th, m.diverged);
    drawMap(ctx, [420, 22, 260, 230], m, th, scratch);
    drawn += 1;
    el.dataset.frame = String(drawn);
    el.dataset.kernelFrame = String(model.get("frame"));
    el.dataset.run = String(model.get("run"));
    el.dataset.drawnAt = String(performance.now());
    el.dataset.diverged = m.diverged ? "1" : "0";
    shownFrame = model.get("frame");
    const wait = ACK_EVERY - (performance.now() - ackedAt);
    if (wait <= 0) ack();
    else if (ackTimer === null) ackTimer = setTimeout(ack, wait);
  }

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(draw);
  }

  model.on("change:frame", schedule);
  model.on("change:texts", schedule);
  const themeWatch = new MutationObserver(schedule); // JupyterLab switches theme on <body>
  themeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"] });
  schedule();
  return () => {
    alive = false;
    if (ackTimer !== null) clearTimeout(ackTimer);
    themeWatch.disconnect();
    model.off("change:frame", schedule);
    model.off("change:texts", schedule);
  };
}

export default { render };
