/*
 * AsyncProf diff report: the comparison of two profiles embedded as JSON in #diff-data
 * (src/Reports/Html/DiffHtmlExporter.cs: totals, the merged call-path frames with each side's figures, the functions).
 *   - a differential flame graph (#flame): a frame per call path, as wide as the larger of its before and after
 *     inclusive figure (and at least its children together, so they fit under it), red when its self figure grew,
 *     blue when it shrank, the deeper the colour the larger the change relative to the frame (so the code that
 *     changed stands out, not every caller above it); click to zoom, "Reset zoom" to go back;
 *   - a metric switch (#metric-switch): wall time, CPU time, allocated bytes, and the wall split's parts either
 *     profile has (data.parts: running, blocked, suspended with queued apart, queued, gc), as buttons added here;
 *   - the functions (#function-table), sorted by the absolute change of their self figure of the chosen metric.
 * Names reach the page through textContent only.
 *
 * Hooks for tests: frames are `.frame[data-path]` (the path's id) with data-name, data-change
 * ("grown", "shrunk", "same") and data-delta; table rows are `tr[data-function]` with data-delta;
 * body[data-ready="true"] once drawn, body[data-metric] and body[data-zoom] mirror the state.
 */
(function () {
  'use strict';

  window.addEventListener('error', (e) => {
    const box = document.getElementById('error');
    box.hidden = false;
    box.textContent = 'The report hit a script error: ' + e.message;
  });

  const data = JSON.parse(document.getElementById('diff-data').textContent);
  const METRICS = { wall: { label: 'wall time', fmt: fmtDuration }, cpu: { label: 'CPU time', fmt: fmtDuration }, alloc: { label: 'allocated bytes', fmt: fmtBytes } };
  const PARTS = {
    running: { label: 'running time', button: 'Running', title: 'On a thread, on CPU' },
    blocked: { label: 'blocked time', button: 'Blocked', title: 'On a thread, off CPU: sleep, lock, blocking I/O, .Result' },
    suspended: { label: 'suspended time', button: 'Suspended', title: 'Awaiting, on no thread (queued apart)' },
    queued: { label: 'queued time', button: 'Queued', title: 'A continuation waiting for a thread' },
    gc: { label: 'GC pause time', button: 'GC', title: 'Stopped or collecting for the runtime' },
  };
  for (const k of data.parts || []) METRICS[k] = { label: PARTS[k].label, fmt: fmtDuration };
  const KEYS = Object.keys(METRICS);
  const switchBox = document.getElementById('metric-switch');
  for (const k of data.parts || []) switchBox.appendChild(el('button', { type: 'button', 'data-metric': k, title: PARTS[k].title }, PARTS[k].button));

  // The merged tree under a virtual root (the frames list a parent before its children).
  const noSelf = Object.fromEntries(KEYS.map((k) => [k, 0]));
  const root = { id: 'all', name: 'all', parent: null, children: [], inB: true, inA: true, size: {},
    b: Object.assign({}, data.totals.b, { self: noSelf }), a: Object.assign({}, data.totals.a, { self: noSelf }) };
  const byId = new Map();
  for (const f of data.frames) byId.set(f.id, Object.assign({}, f, { children: [], size: {} }));
  for (const n of byId.values()) {
    const parent = n.parent == null ? root : byId.get(n.parent);
    n.parentNode = parent;
    parent.children.push(n);
  }
  // Sizes bottom-up: every frame is listed after its parent, so the reverse order visits children first.
  const order = [...byId.values()].reverse();
  for (const n of order.concat([root])) {
    for (const k of KEYS) {
      let children = 0;
      for (const c of n.children) children += c.size[k];
      n.size[k] = Math.max(n.b[k], n.a[k], children);
    }
  }

  const state = { metric: 'wall', zoom: root };

  function fmtChange(k, delta) {
    const text = METRICS[k].fmt(delta);
    return delta > 0 && text !== '0' ? '+' + text : text;
  }

  function fmtPercent(e, k, self) {
    if (!e.inB) return 'new';
    if (!e.inA) return 'gone';
    const b = self ? e.b.self[k] : e.b[k], a = self ? e.a.self[k] : e.a[k];
    if (b === 0) return a === 0 ? '' : 'new';
    const p = (a - b) / b * 100;
    return (p > 0 ? '+' : '') + p.toFixed(1) + '%';
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) if (value != null) e.setAttribute(name, String(value));
    for (const c of children) if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    return e;
  }

  /** grown / shrunk / same by the self figure, and that change relative to the frame's larger inclusive figure (0..1). */
  function change(n, k) {
    const delta = n.a.self[k] - n.b.self[k];
    const scale = Math.max(n.b[k], n.a[k]);
    const rel = scale === 0 ? 0 : Math.abs(delta) / scale;
    // Under 1% of the frame is noise a reader should not be shown as a change.
    return { kind: rel < 0.01 ? 'same' : delta > 0 ? 'grown' : 'shrunk', rel: rel, delta: delta };
  }

  function color(c) {
    if (c.kind === 'same') return 'hsl(0, 0%, 86%)';
    const lightness = 88 - Math.round(38 * Math.min(1, c.rel));
    return c.kind === 'grown' ? 'hsl(0, 75%, ' + lightness + '%)' : 'hsl(215, 75%, ' + lightness + '%)';
  }

  // ---------------------------------------------------------------- flame graph

  const ROW = 20;
  const flame = document.getElementById('flame');
  const tooltip = document.getElementById('tooltip');

  function drawFlame() {
    const k = state.metric;
    flame.replaceChildren();
    const ancestors = [];
    for (let p = state.zoom; p; p = p.parentNode) ancestors.unshift(p);
    let depth = 0;
    for (const a of ancestors) { if (a !== state.zoom) frame(a, 0, 1, depth++, true); }
    const whole = state.zoom.size[k] || 1;
    (function place(n, left, width, d) {
      frame(n, left, width, d, false);
      let x = left;
      for (const c of n.children.slice().sort((p, q) => q.size[k] - p.size[k])) {
        const w = width * c.size[k] / (n.size[k] || 1);
        if (w * flame.clientWidth >= 1) place(c, x, w, d + 1);
        x += w;
      }
    })(state.zoom, 0, state.zoom.size[k] / whole, depth);
    flame.style.height = (flame.childElementCount ? (Math.max(...[...flame.children].map((f) => Number(f.dataset.depth))) + 1) * ROW : ROW) + 'px';
    document.body.dataset.metric = k;
    document.body.dataset.zoom = String(state.zoom.id);
  }

  function frame(n, left, width, depth, isAncestor) {
    const c = change(n, state.metric);
    const f = el('div', {
      class: 'frame' + (n.marker ? ' marker' : '') + (isAncestor ? ' ancestor' : ''),
      'data-path': n.id, 'data-name': n.name, 'data-change': c.kind, 'data-delta': c.delta, 'data-depth': depth,
    }, n.name);
    f.style.left = (left * 100) + '%';
    f.style.width = 'calc(' + (width * 100) + '% - 1px)';
    f.style.top = (depth * ROW) + 'px';
    f.style.background = color(c);
    f.addEventListener('click', () => { state.zoom = n; drawFlame(); });
    f.addEventListener('mousemove', (e) => showTooltip(n, e));
    f.addEventListener('mouseleave', () => { tooltip.hidden = true; });
    flame.appendChild(f);
  }

  function showTooltip(n, e) {
    const rows = [];
    for (const k of KEYS) {
      rows.push(el('tr', null, el('td', null, METRICS[k].label), el('td', null, METRICS[k].fmt(n.b[k])),
        el('td', null, '\u2192 ' + METRICS[k].fmt(n.a[k])), el('td', null, fmtChange(k, n.a[k] - n.b[k])), el('td', null, fmtPercent(n, k, false))));
      rows.push(el('tr', null, el('td', null, '  self'), el('td', null, METRICS[k].fmt(n.b.self[k])),
        el('td', null, '\u2192 ' + METRICS[k].fmt(n.a.self[k])), el('td', null, fmtChange(k, n.a.self[k] - n.b.self[k])), el('td', null, fmtPercent(n, k, true))));
    }
    rows.push(el('tr', null, el('td', null, 'calls'), el('td', null, String(n.b.calls)), el('td', null, '\u2192 ' + n.a.calls)));
    tooltip.replaceChildren(el('div', { class: 'name' }, n.name), el('table', null, el('tbody', null, ...rows)));
    tooltip.hidden = false;
    tooltip.style.left = Math.min(e.clientX + 12, window.innerWidth - 570) + 'px';
    tooltip.style.top = (e.clientY + 14) + 'px';
  }

  // ---------------------------------------------------------------- table and header

  function drawTable() {
    const k = state.metric;
    const rows = data.functions.slice().sort((p, q) =>
      Math.abs(q.a.self[k] - q.b.self[k]) - Math.abs(p.a.self[k] - p.b.self[k]) ||
      Math.abs(q.a[k] - q.b[k]) - Math.abs(p.a[k] - p.b[k]) || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
    const head = document.querySelector('#function-table thead');
    head.replaceChildren(el('tr', null, ...['function', 'calls', 'self ' + METRICS[k].label + ' before', 'after', 'self change', 'self %', 'inclusive change', 'inclusive %']
      .map((h) => el('th', null, h))));
    const body = document.querySelector('#function-table tbody');
    body.replaceChildren(...rows.map((f) => {
      const c = change(f, k);
      return el('tr', { 'data-function': f.name, 'data-delta': c.delta },
        el('td', null, f.name),
        el('td', null, f.b.calls === f.a.calls ? String(f.a.calls) : f.b.calls + ' \u2192 ' + f.a.calls),
        el('td', null, f.inB ? METRICS[k].fmt(f.b.self[k]) : '-'),
        el('td', null, f.inA ? METRICS[k].fmt(f.a.self[k]) : '-'),
        el('td', { class: c.kind }, fmtChange(k, c.delta)),
        el('td', { class: c.kind }, fmtPercent(f, k, true)),
        el('td', null, fmtChange(k, f.a[k] - f.b[k])),
        el('td', null, fmtPercent(f, k, false)));
    }));
    document.getElementById('table-count').textContent = '(' + rows.length + ' in either profile)';
  }

  function drawSummary() {
    const s = document.getElementById('summary');
    s.replaceChildren(...KEYS.map((k) => el('span', null, METRICS[k].label + ': ' + METRICS[k].fmt(data.totals.b[k]) + ' \u2192 ' +
      METRICS[k].fmt(data.totals.a[k]) + ' (' + fmtChange(k, data.totals.a[k] - data.totals.b[k]) + ')')));
  }

  function render() {
    for (const b of document.querySelectorAll('#metric-switch button')) b.setAttribute('aria-pressed', String(b.dataset.metric === state.metric));
    drawFlame();
    drawTable();
  }

  for (const b of document.querySelectorAll('#metric-switch button')) b.addEventListener('click', () => { state.metric = b.dataset.metric; render(); });
  document.getElementById('reset-zoom').addEventListener('click', () => { state.zoom = root; render(); });
  window.addEventListener('resize', drawFlame);
  drawSummary();
  render();
  document.body.dataset.ready = 'true';
})();
