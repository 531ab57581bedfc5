/*
 * AsyncProf HTML report.
 *
 * Renders the profile embedded as JSON in the script element #profile-data (schema asyncprof/1, docs/profile-schema.md):
 *   - a flame graph (#flame) of the frame tree in the data's `view` property (src/Reports/Analysis/CallFrame.cs: the
 *     calling-context tree with detached work in lanes of its own, "[detached from F]", drawn striped, and deep
 *     recursion collapsed into marker frames, explained in #frame-notes): frame width = inclusive figure of the
 *     chosen metric;
 *     click a frame to zoom into it (and select its function), click an ancestor, a breadcrumb or "Reset zoom"
 *     to zoom out; the search box highlights matching frames and tells their share;
 *   - a metric switch (#metric-switch): wall time, CPU time, allocated bytes, and when the profile has the wall
 *     split, running, blocked and suspended time (docs/profile-schema.md#wall-split);
 *   - a sortable function table (#function-table): click a header to sort, a row to select the function;
 *   - the details of the selected function (#details): its callers and callees with their share of its figure,
 *     from the view's edges (derived from the tree, src/Reports/Analysis/CallTreeFigures.cs, like every report's).
 *
 * No dependencies and no network. Profile text (function names, paths) only ever reaches the page through
 * textContent / setAttribute, never through innerHTML.
 *
 * Stable hooks for tests and scripts: frames are `.frame[data-node][data-function]` (the virtual root has
 * data-node="all" and no data-function; a frame's data-node is its first tree node's id, or lane-N, recursion-N,
 * depth-N for markers, which have data-kind="lane"/"recursion"/"depth"; frames in a detached lane have
 * data-detached-from; frames on the critical path (the view's `critical` frames) have class "critical" and
 * data-critical); table rows, caller and callee rows are `tr[data-function]`; cells carry
 * data-col; share cells carry data-share (a fraction); body[data-ready="true"] once the first render is done,
 * and body[data-metric], body[data-zoom], body[data-selected] mirror the state.
 */
(function () {
  'use strict';

  // Show a script failure on the page instead of leaving it half drawn.
  window.addEventListener('error', (e) => {
    const box = document.getElementById('error');
    box.hidden = false;
    box.textContent = 'The report hit a script error: ' + e.message;
  });

  // ---------------------------------------------------------------- data

  const data = JSON.parse(document.getElementById('profile-data').textContent);

  /** Function records by id (ids are local to the file). */
  const functions = new Map();
  for (const f of data.functions) functions.set(f.id, f);

  const METRICS = {
    wall: { key: 'wall', label: 'wall time', short: 'Wall', field: 'wallNs', self: null, selfLabel: null, fmt: fmtDuration },
    cpu: { key: 'cpu', label: 'CPU time', short: 'CPU', field: 'cpuNs', self: 'selfCpuNs', selfLabel: 'self CPU', fmt: fmtDuration },
    alloc: { key: 'alloc', label: 'allocated bytes', short: 'Allocated', field: 'allocBytes', self: 'selfAllocBytes', selfLabel: 'self alloc', fmt: fmtBytes },
  };
  // The wall split (runningNs, blockedNs, suspendedNs): in profiles recorded since it exists, on every function.
  const HAS_SPLIT = data.functions.length > 0 && data.functions.every((f) => 'runningNs' in f && 'blockedNs' in f && 'suspendedNs' in f);
  if (HAS_SPLIT) {
    METRICS.running = { key: 'running', label: 'running time', short: 'Running', field: 'runningNs', self: null, selfLabel: null, fmt: fmtDuration };
    METRICS.blocked = { key: 'blocked', label: 'blocked time', short: 'Blocked', field: 'blockedNs', self: null, selfLabel: null, fmt: fmtDuration };
    METRICS.suspended = { key: 'suspended', label: 'suspended time', short: 'Suspended', field: 'suspendedNs', self: null, selfLabel: null, fmt: fmtDuration };
  }
  // GC pauses (gcNs), the split's fourth part: only in profiles where some function had any.
  const HAS_GC = HAS_SPLIT && data.functions.some((f) => f.gcNs > 0);
  if (HAS_GC) METRICS.gc = { key: 'gc', label: 'GC pause time', short: 'GC', field: 'gcNs', self: null, selfLabel: null, fmt: fmtDuration };
  // Queued (queuedNs): of the suspended time, continuations waiting for a thread; only where some function had any.
  const HAS_QUEUED = HAS_SPLIT && data.functions.some((f) => f.queuedNs > 0);
  if (HAS_QUEUED) METRICS.queued = { key: 'queued', label: 'queued time', short: 'Queued', field: 'queuedNs', self: null, selfLabel: null, fmt: fmtDuration };
  const METRIC_KEYS = Object.keys(METRICS);

  /** The virtual root above the profile's roots (calls with no profiled caller). */
  const ROOT_KEY = 'all';
  const root = newNode({ id: ROOT_KEY, parent: null, function: null, calls: 0, inFlight: 0, faults: 0, suspends: 0,
    wallNs: 0, cpuNs: 0, selfCpuNs: 0, allocBytes: 0, selfAllocBytes: 0, runningNs: 0, blockedNs: 0, suspendedNs: 0, queuedNs: 0, gcNs: 0 }, null);

  /** Frames by key (data.view lists a parent before its children). */
  const frameData = data.view;
  const nodes = new Map();
  for (const t of frameData.frames) nodes.set(t.key, newNode(Object.assign({}, t, { id: t.key }), t.function == null ? null : functions.get(t.function) || null));
  for (const n of nodes.values()) {
    const parent = n.parent == null ? root : (nodes.get(n.parent) || root);
    n.parentNode = parent;
    parent.children.push(n);
  }
  for (const r of root.children) {
    for (const field of ['calls', 'inFlight', 'faults', 'suspends', 'wallNs', 'cpuNs', 'allocBytes', 'runningNs', 'blockedNs', 'suspendedNs', 'queuedNs', 'gcNs']) root[field] += r[field] || 0;
  }

  // Layout size of every node, per metric. CPU time and allocations nest (a node's figure includes its children's),
  // wall time does not: children that ran concurrently (Task.WhenAll, work started with Task.Run) can add up to more
  // than their caller's wall time, and calls still in flight have no wall time at all. A frame is therefore drawn
  // max(own figure, children's sizes together) wide, so children always fit under their caller.
  const postOrder = [];
  (function collect() {
    const stack = [root];
    const order = [];
    while (stack.length) {
      const n = stack.pop();
      order.push(n);
      for (const c of n.children) stack.push(c);
    }
    for (let i = order.length - 1; i >= 0; i--) postOrder.push(order[i]);
  })();
  for (const n of postOrder) {
    for (const k of METRIC_KEYS) {
      const field = METRICS[k].field;
      let sizes = 0, figures = 0;
      for (const c of n.children) { sizes += c.size[k]; figures += c[field]; }
      n.childFigures[k] = figures;
      n.size[k] = Math.max(n[field], sizes);
    }
  }

  function newNode(t, fn) {
    return Object.assign({}, t, { fn: fn, children: [], parentNode: null, size: {}, childFigures: {} });
  }

  function nodeByKey(key) {
    return key === ROOT_KEY ? root : nodes.get(String(key)) || null;
  }

  function nodeName(n) {
    return n.fn ? n.fn.name : n === root ? 'all' : n.name || '(unknown function)';
  }

  // ---------------------------------------------------------------- state

  const state = {
    metric: 'wall',
    zoom: root,
    selected: null, // function id
    search: '',
    sortKey: 'wallNs',
    sortDir: -1, // -1 descending, 1 ascending
  };

  // ---------------------------------------------------------------- formatting (fmtDuration, fmtBytes: units.js)

  function fmtCount(n) {
    return n == null ? '-' : String(n);
  }

  /** A fraction as a percentage with one decimal; tiny non-zero shares show as "<0.1%". */
  function fmtShare(x) {
    if (x == null || !Number.isFinite(x)) return '-';
    if (x > 0 && x < 0.0005) return '<0.1%';
    return (x * 100).toFixed(1) + '%';
  }

  // ---------------------------------------------------------------- DOM helpers

  const $ = (selector) => document.querySelector(selector);

  /** el('td', { class: 'x', 'data-col': 'name' }, 'text', childNode, ...): attributes via setAttribute, text via text nodes. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value == null || value === false) continue;
        e.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const c of children) {
      if (c == null || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  /** A dotted name that may wrap after each dot (long generic names fit narrow cells). */
  function breakable(name) {
    const span = el('span');
    const parts = name.split('.');
    parts.forEach((part, i) => {
      if (i > 0) span.appendChild(el('wbr'));
      span.appendChild(document.createTextNode(i < parts.length - 1 ? part + '.' : part));
    });
    return span;
  }

  function hash(s) {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
    return h >>> 0;
  }

  const KIND_HUE = { async: 212, task: 250, sync: 30, iterator: 115, 'async-iterator': 170 };
  const KIND_LABEL = { async: 'async method', task: 'task-returning method', sync: 'sync method', iterator: 'iterator', 'async-iterator': 'async iterator' };
  const DETACHED_COLOR = 'hsl(290, 30%, 80%)';
  const MARKER_COLOR = 'hsl(0, 0%, 86%)';

  function frameColor(fn) {
    if (!fn) return 'hsl(220, 10%, 82%)';
    const h = hash(fn.name);
    const hue = (KIND_HUE[fn.kind] ?? 280) + (h % 21) - 10;
    return 'hsl(' + hue + ', ' + (52 + ((h >>> 8) % 18)) + '%, ' + (68 + ((h >>> 16) % 12)) + '%)';
  }

  // ---------------------------------------------------------------- header

  function renderHeader() {
    const p = data.process || {};
    const summary = $('#summary');
    const items = [];
    if (p.commandLine) items.push(el('span', null, 'command ', el('code', { title: p.commandLine }, p.commandLine)));
    if (p.runtime) items.push(el('span', null, p.runtime));
    if (p.os) items.push(el('span', null, p.os));
    if (p.processorCount) items.push(el('span', null, p.processorCount + ' CPUs'));
    if (p.startedUtc) items.push(el('span', null, 'started ' + p.startedUtc.replace('T', ' ').replace(/\.\d+Z$/, 'Z')));
    if (p.durationNs) items.push(el('span', null, 'duration ' + fmtDuration(p.durationNs)));
    if (p.cpuClock && p.cpuClock.scheme) {
      items.push(el('span', null, 'CPU clock ' + p.cpuClock.scheme + (p.cpuClock.windowNs ? ' (' + fmtDuration(p.cpuClock.windowNs) + ' window)' : '')));
    }
    items.push(el('span', null, data.functions.length + ' functions, ' + data.tree.length + ' call paths'));
    if (data.source) items.push(el('span', null, 'from ', el('code', null, data.source)));
    for (const i of items) summary.appendChild(i);

    const legend = $('#legend');
    for (const kind of Object.keys(KIND_HUE)) {
      if (!data.functions.some((f) => f.kind === kind)) continue;
      legend.appendChild(el('span', null,
        el('span', { class: 'swatch', style: 'background:hsl(' + KIND_HUE[kind] + ', 60%, 72%)' }), KIND_LABEL[kind]));
    }
    if (frameData.frames.some((f) => f.critical)) {
      legend.appendChild(el('span', { id: 'legend-critical' },
        el('span', { class: 'swatch critical' }), 'critical path (what each async call waited on last)'));
    }
    if (frameData.frames.some((f) => f.kind === 'lane')) {
      legend.appendChild(el('span', { id: 'legend-detached' },
        el('span', { class: 'swatch detached', style: 'background-color:' + DETACHED_COLOR }), 'detached work (own lane, not in its caller)'));
    }
    legend.appendChild(el('span', { id: 'legend-note' }));
    const notes = $('#frame-notes');
    for (const note of frameData.notes) notes.appendChild(el('li', null, note));
    notes.hidden = frameData.notes.length === 0;
  }

  function renderLegendNote() {
    const m = METRICS[state.metric];
    $('#legend-note').textContent = 'Frame width: inclusive ' + m.label +
      (m.key === 'wall' || (m.field !== 'cpuNs' && m.field !== 'allocBytes') ? '. Wall time of concurrent children overlaps: a frame is drawn at least as wide as its children together.' : '.');
  }

  // ---------------------------------------------------------------- flame graph

  const ROW_PX = 20;
  const MIN_FRAME_PX = 0.5;

  function zoomChain(n) {
    const chain = [];
    for (let a = n; a; a = a.parentNode) chain.unshift(a);
    return chain;
  }

  function renderFlame() {
    const flame = $('#flame');
    flame.textContent = '';
    const k = state.metric;
    const width = flame.clientWidth || 1000;
    if (root.size[k] <= 0) {
      flame.appendChild(el('div', { class: 'empty' }, data.tree.length ? 'No ' + METRICS[k].label + ' recorded.' : 'The profile is empty.'));
      flame.style.height = '';
      return;
    }
    const frag = document.createDocumentFragment();
    const chain = zoomChain(state.zoom);
    let depth = 0;
    let maxDepth = 0;
    for (let i = 0; i < chain.length - 1; i++) frag.appendChild(frameElement(chain[i], depth++, 0, 1, 'ancestor'));

    (function draw(n, d, x, w) {
      frag.appendChild(frameElement(n, d, x, w, n === state.zoom ? 'zoomed' : ''));
      if (d > maxDepth) maxDepth = d;
      const total = n.size[k];
      if (total <= 0) return;
      let cx = x;
      for (const c of sortedChildren(n, k)) {
        const cw = w * c.size[k] / total;
        if (cw * width >= MIN_FRAME_PX) draw(c, d + 1, cx, cw);
        cx += cw;
      }
    })(state.zoom, depth, 0, 1);

    flame.appendChild(frag);
    flame.style.height = (maxDepth + 1) * ROW_PX + 'px';
    applyFrameClasses();
  }

  /** Children left to right, largest first (ties by name, so the picture is stable). */
  function sortedChildren(n, k) {
    return n.children.slice().sort((a, b) => (b.size[k] - a.size[k]) || nodeName(a).localeCompare(nodeName(b)));
  }

  function frameElement(n, depth, x, w, extraClass) {
    const marker = n !== root && n.kind !== 'call';
    const detached = n.detachedFrom != null;
    const color = detached ? DETACHED_COLOR : marker ? MARKER_COLOR : frameColor(n.fn);
    const attrs = {
      class: 'frame' + (n === root ? ' all' : '') + (detached ? ' detached' : '') + (marker ? ' marker' : '') + (n.critical ? ' critical' : '') +
        (extraClass ? ' ' + extraClass : ''),
      'data-critical': n.critical ? 'true' : null,
      'data-node': n.id,
      'data-function': n.fn ? n.fn.name : null,
      'data-kind': n.fn ? n.fn.kind : marker ? n.kind : null,
      'data-detached-from': detached ? n.detachedFrom : null,
      style: 'left:' + (x * 100) + '%;width:' + (w * 100) + '%;top:' + depth * ROW_PX + 'px;background-color:' + color,
    };
    const label = n === root ? 'all (' + METRICS[state.metric].fmt(root[METRICS[state.metric].field]) + ')'
      : nodeName(n) + (n.detachedCall ? ' [detached]' : '');
    return el('div', attrs, label);
  }

  function applyFrameClasses() {
    const flame = $('#flame');
    const term = state.search.toLowerCase();
    flame.classList.toggle('searching', term.length > 0);
    for (const f of flame.querySelectorAll('.frame')) {
      const name = f.getAttribute('data-function');
      f.classList.toggle('match', term.length > 0 && name != null && name.toLowerCase().includes(term));
      const n = nodeByKey(f.getAttribute('data-node'));
      f.classList.toggle('selected', state.selected != null && n != null && n.fn != null && n.fn.id === state.selected);
    }
  }

  function onFrameClick(n) {
    if (!n) return;
    state.zoom = n;
    if (n.fn) state.selected = n.fn.id;
    hideTooltip();
    renderAll();
  }

  function renderBreadcrumb() {
    const nav = $('#breadcrumb');
    nav.textContent = '';
    const chain = zoomChain(state.zoom);
    chain.forEach((n, i) => {
      if (i > 0) nav.appendChild(el('span', { class: 'sep', 'aria-hidden': 'true' }, '\u203a'));
      const current = i === chain.length - 1;
      nav.appendChild(el('button', { type: 'button', class: 'crumb', 'data-node': n.id, 'aria-current': current ? 'true' : null }, nodeName(n)));
    });
    $('#reset-zoom').disabled = state.zoom === root;
  }

  // ---------------------------------------------------------------- tooltip

  function showTooltip(n, clientX, clientY) {
    const tip = $('#tooltip');
    const m = METRICS[state.metric];
    const figure = n[m.field];
    tip.textContent = '';
    tip.appendChild(el('div', { class: 'name' }, nodeName(n)));
    const rows = [];
    rows.push([m.short, m.fmt(figure) + (n === root ? '' : '  (' + fmtShare(root[m.field] > 0 ? figure / root[m.field] : null) + ' of all)')]);
    if (n.parentNode && n.parentNode !== root && n.parentNode[m.field] > 0) {
      rows.push(['of caller', fmtShare(figure / n.parentNode[m.field])]);
    }
    if (m.self && n !== root) rows.push([m.selfLabel, m.fmt(n[m.self])]);
    if (n.fn) rows.push(['kind', n.fn.kind]);
    rows.push(['calls', fmtCount(n.calls)]);
    rows.push(['suspends', fmtCount(n.suspends)]);
    if (n.inFlight) rows.push(['in flight', fmtCount(n.inFlight)]);
    if (n.faults) rows.push(['faults', fmtCount(n.faults)]);
    if (n.detached) rows.push(['detached', fmtCount(n.detached)]);
    if (n.unobserved) rows.push(['unobserved', fmtCount(n.unobserved)]);
    if (n.collapsed) rows.push(['collapsed', fmtCount(n.collapsed) + ' frames']);
    if (n === root) rows.push(['roots', fmtCount(root.children.length)]);
    const table = el('table');
    for (const [a, b] of rows) table.appendChild(el('tr', null, el('td', null, a), el('td', null, b)));
    tip.appendChild(table);
    if (n.childFigures[m.key] > figure && n.children.length > 1) {
      tip.appendChild(el('div', { class: 'note' },
        'Its callees together: ' + m.fmt(n.childFigures[m.key]) + (m.key === 'wall' ? ' (they ran concurrently)' : '')));
    }
    if (n.detachedFrom != null) {
      tip.appendChild(el('div', { class: 'note' }, 'Detached work started by ' + n.detachedFrom + ': it completed after that call ended, so it is not in its figures.'));
    } else if (m.key === 'wall' && n.inFlight && !n.calls) {
      tip.appendChild(el('div', { class: 'note' }, 'Still in flight when the profile was written: no wall time of its own.'));
    }
    tip.hidden = false;
    const pad = 14;
    const r = tip.getBoundingClientRect();
    let x = clientX + pad, y = clientY + pad;
    if (x + r.width > window.innerWidth - 4) x = Math.max(4, clientX - pad - r.width);
    if (y + r.height > window.innerHeight - 4) y = Math.max(4, clientY - pad - r.height);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }

  function hideTooltip() {
    $('#tooltip').hidden = true;
  }

  // ---------------------------------------------------------------- search

  function searchMatches(name) {
    return state.search.length > 0 && name.toLowerCase().includes(state.search.toLowerCase());
  }

  function renderSearchStatus() {
    const status = $('#search-status');
    status.textContent = '';
    status.removeAttribute('data-share');
    if (!state.search) return;
    const m = METRICS[state.metric];
    // Frames that match inside the zoomed subtree; the share counts only the outermost matches, so nested matches
    // (recursion, a matching callee of a matching caller) are not counted twice.
    let frames = 0, figure = 0;
    const fns = new Set();
    (function visit(n, inside) {
      const hit = n.fn != null && searchMatches(n.fn.name);
      if (hit) { frames++; fns.add(n.fn.id); if (!inside) figure += n[m.field]; }
      for (const c of n.children) visit(c, inside || hit);
    })(state.zoom, false);
    if (frames === 0) {
      status.appendChild(el('span', { id: 'search-count' }, 'no match'));
      return;
    }
    const whole = state.zoom[m.field];
    const share = whole > 0 ? figure / whole : null;
    status.setAttribute('data-share', share == null ? '' : String(share));
    status.appendChild(el('span', { id: 'search-count' },
      frames + (frames === 1 ? ' frame' : ' frames') + ' (' + fns.size + (fns.size === 1 ? ' function' : ' functions') + ')'));
    status.appendChild(document.createTextNode(': '));
    status.appendChild(el('span', { id: 'search-share', class: 'share' }, fmtShare(share)));
    status.appendChild(document.createTextNode(' of ' + (state.zoom === root ? 'all ' + m.label : nodeName(state.zoom) + '\u2019s ' + m.label)));
  }

  // ---------------------------------------------------------------- function table

  const COLUMNS = [
    { key: 'name', label: 'Function', text: true },
    { key: 'calls', label: 'Calls', fmt: fmtCount },
    { key: 'inFlight', label: 'In flight', fmt: fmtCount, optional: true },
    { key: 'faults', label: 'Faults', fmt: fmtCount, optional: true },
    { key: 'suspends', label: 'Suspends', fmt: fmtCount },
    { key: 'wallNs', label: 'Wall', fmt: fmtDuration, metric: 'wall' },
    { key: 'selfCpuNs', label: 'Self CPU', fmt: fmtDuration, metric: 'cpu' },
    { key: 'cpuNs', label: 'CPU', fmt: fmtDuration, metric: 'cpu' },
    { key: 'allocBytes', label: 'Allocated', fmt: fmtBytes, metric: 'alloc' },
    { key: 'runningNs', label: 'Running', fmt: fmtDuration, metric: 'running', split: true },
    { key: 'blockedNs', label: 'Blocked', fmt: fmtDuration, metric: 'blocked', split: true },
    { key: 'suspendedNs', label: 'Suspended', fmt: fmtDuration, metric: 'suspended', split: true },
    { key: 'queuedNs', label: 'Queued', fmt: fmtDuration, metric: 'queued', split: true, optional: true },
    { key: 'gcNs', label: 'GC', fmt: fmtDuration, metric: 'gc', split: true, optional: true },
    { key: 'detached', label: 'Detached', fmt: fmtCount, optional: true },
    { key: 'unobserved', label: 'Unobserved', fmt: fmtCount, optional: true },
  ].filter((c) => (!c.optional || data.functions.some((f) => f[c.key])) && (!c.split || HAS_SPLIT));

  const MAX_ROWS = 2000;

  function columnValue(c, f) {
    return c.get ? c.get(f) : f[c.key];
  }

  function renderTableHead() {
    const tr = el('tr');
    for (const c of COLUMNS) {
      const sorted = state.sortKey === c.key;
      tr.appendChild(el('th', {
        'data-sort': c.key,
        'data-col': c.key,
        class: c.metric === state.metric ? 'metric-col' : null,
        'aria-sort': sorted ? (state.sortDir < 0 ? 'descending' : 'ascending') : 'none',
        title: 'Sort by ' + c.label.toLowerCase(),
      }, c.label, sorted ? el('span', { class: 'arrow', 'aria-hidden': 'true' }, state.sortDir < 0 ? '\u25bc' : '\u25b2') : null));
    }
    const thead = $('#function-table thead');
    thead.textContent = '';
    thead.appendChild(tr);
  }

  function renderTable() {
    renderTableHead();
    const col = COLUMNS.find((c) => c.key === state.sortKey) || COLUMNS[0];
    const dir = state.sortDir;
    const rows = data.functions.filter((f) => !state.search || searchMatches(f.name));
    rows.sort((a, b) => {
      const va = columnValue(col, a), vb = columnValue(col, b);
      if (va == null && vb != null) return 1; // no figure: always last
      if (vb == null && va != null) return -1;
      let c = 0;
      if (col.text) c = String(va).localeCompare(String(vb));
      else if (va !== vb) c = va < vb ? -1 : 1;
      return c !== 0 ? c * dir : a.name.localeCompare(b.name);
    });
    const tbody = $('#function-table tbody');
    tbody.textContent = '';
    const frag = document.createDocumentFragment();
    for (const f of rows.slice(0, MAX_ROWS)) {
      const tr = el('tr', { 'data-function': f.name, 'data-id': f.id, class: f.id === state.selected ? 'selected' : null });
      for (const c of COLUMNS) {
        const v = columnValue(c, f);
        const cls = [c.key === 'name' ? 'name' : null, c.metric === state.metric ? 'metric-col' : null].filter(Boolean).join(' ');
        tr.appendChild(el('td', {
          'data-col': c.key,
          class: cls || null,
          title: c.key === 'name' ? f.name + ' (' + (KIND_LABEL[f.kind] || f.kind) + ')' + (f.file ? '\n' + f.file + ':' + f.line : '') : c.text ? null : (v == null ? null : String(v)),
        },
        c.key === 'name' ? el('span', { class: 'swatch', title: KIND_LABEL[f.kind] || f.kind, style: 'background:' + frameColor(f) }) : null,
        c.text ? String(v) : c.fmt(v),
        c.key === 'name' && f.detached ? el('span', { class: 'tag detached', title: 'some calls completed after their caller\u2019s call ended' }, 'detached') : null));
      }
      frag.appendChild(tr);
    }
    tbody.appendChild(frag);
    $('#table-count').textContent = (state.search ? rows.length + ' of ' + data.functions.length + ' match' : data.functions.length + ' in all') +
      (rows.length > MAX_ROWS ? ', first ' + MAX_ROWS + ' shown' : '');
  }

  function onSortClick(key) {
    const col = COLUMNS.find((c) => c.key === key);
    if (!col) return;
    if (state.sortKey === key) state.sortDir = -state.sortDir;
    else { state.sortKey = key; state.sortDir = col.text ? 1 : -1; }
    renderTable();
  }

  // ---------------------------------------------------------------- details of the selected function

  function renderDetails() {
    const box = $('#details');
    box.textContent = '';
    const f = state.selected == null ? null : functions.get(state.selected);
    if (!f) {
      box.removeAttribute('data-function');
      box.appendChild(el('h2', null, 'Details'));
      box.appendChild(el('p', { class: 'hint', id: 'details-empty' },
        'Click a frame in the flame graph or a row of the table to see a function\u2019s callers and callees.'));
      return;
    }
    const m = METRICS[state.metric];
    box.setAttribute('data-function', f.name);
    box.appendChild(el('h2', { id: 'details-name' }, f.name));
    const where = [KIND_LABEL[f.kind] || f.kind, f.module, f.file ? f.file + (f.line ? ':' + f.line : '') : null].filter(Boolean).join(' \u00b7 ');
    box.appendChild(el('p', { class: 'meta' }, where));

    const stats = [
      ['calls', 'calls', fmtCount(f.calls)],
      ['suspends', 'suspends', fmtCount(f.suspends)],
      ['wallNs', 'wall', fmtDuration(f.wallNs)],
      ['wallPerCall', 'wall/call', fmtDuration(f.calls ? f.wallNs / f.calls : null)],
      ['cpuNs', 'CPU', fmtDuration(f.cpuNs)],
      ['selfCpuNs', 'self CPU', fmtDuration(f.selfCpuNs)],
      ['allocBytes', 'allocated', fmtBytes(f.allocBytes)],
      ['selfAllocBytes', 'self alloc', fmtBytes(f.selfAllocBytes)],
    ];
    if (f.inFlight) stats.splice(1, 0, ['inFlight', 'in flight', fmtCount(f.inFlight)]);
    if (f.faults) stats.splice(1, 0, ['faults', 'faults', fmtCount(f.faults)]);
    if (f.detached) stats.push(['detached', 'detached', fmtCount(f.detached)]);
    if (f.unobserved) stats.push(['unobserved', 'unobserved', fmtCount(f.unobserved)]);
    const dl = el('dl', { id: 'details-stats' });
    for (const [key, label, value] of stats) {
      dl.appendChild(el('dt', null, label));
      dl.appendChild(el('dd', { 'data-stat': key }, value));
    }
    box.appendChild(dl);
    if (f.id != null && [...nodes.values()].some((n) => n.fn === f)) {
      box.appendChild(el('button', { type: 'button', id: 'details-zoom' }, 'Zoom to its largest frame'));
    }

    const total = f[m.field];
    const callers = data.view.edges.filter((e) => e.callee === f.id);
    const callees = data.view.edges.filter((e) => e.caller === f.id);

    box.appendChild(el('h3', null, 'Callers ', el('span', { class: 'sub' }, '\u2014 their share of its ' + m.label)));
    box.appendChild(edgeTable('callers', callers.map((e) => ({
      fn: e.caller == null ? null : functions.get(e.caller), rootCaller: e.caller == null, calls: e.calls, figure: e[m.field],
    })), total, m, 'It has no recorded callers.'));

    const calleeRows = callees.map((e) => ({ fn: functions.get(e.callee), calls: e.calls, figure: e[m.field] }));
    if (m.self) calleeRows.push({ self: true, calls: null, figure: f[m.self] });
    box.appendChild(el('h3', null, 'Callees ', el('span', { class: 'sub' }, '\u2014 their share of its ' + m.label)));
    box.appendChild(edgeTable('callees', calleeRows, total, m, 'It calls no profiled function.'));
    const calleeShare = total > 0 ? callees.reduce((s, e) => s + e[m.field], 0) / total : 0;
    if (m.key === 'wall' && calleeShare > 1.0005) {
      box.appendChild(el('p', { class: 'note' }, 'Callee shares add up to more than 100%: callees ran concurrently, so their wall times overlap.'));
    } else if (m.key === 'wall' && callees.length) {
      box.appendChild(el('p', { class: 'note' }, 'The rest of its wall time is its own code and its suspensions.'));
    }
  }

  function edgeTable(id, rows, total, m, emptyText) {
    if (!rows.length) return el('p', { class: 'none', id: id }, emptyText);
    rows.sort((a, b) => (b.figure - a.figure) || (b.calls || 0) - (a.calls || 0));
    const table = el('table', { id: id },
      el('thead', null, el('tr', null, el('th', { class: 'c-name' }, 'Function'), el('th', { class: 'c-calls' }, 'Calls'),
        el('th', { class: 'c-value' }, m.short), el('th', { class: 'c-share' }, 'Share'))));
    const tbody = el('tbody');
    for (const r of rows) {
      const name = r.self ? '(self)' : r.rootCaller ? '(no profiled caller)' : r.fn ? r.fn.name : '(unknown)';
      const share = total > 0 ? r.figure / total : null;
      tbody.appendChild(el('tr', {
        'data-function': r.fn ? r.fn.name : '',
        class: r.self ? 'self' : r.rootCaller ? 'root' : null,
      },
      el('td', { class: 'name', 'data-col': 'name', title: name }, breakable(name)),
      el('td', { 'data-col': 'calls' }, fmtCount(r.calls)),
      el('td', { 'data-col': 'value', title: String(r.figure) }, m.fmt(r.figure)),
      el('td', { class: 'share', 'data-col': 'share', 'data-share': share == null ? '' : String(share) },
        el('span', { class: 'bar', style: 'width:' + Math.round(Math.min(1, share || 0) * 44) + 'px' }),
        el('span', { class: 'pct' }, fmtShare(share)))));
    }
    table.appendChild(tbody);
    return table;
  }

  function zoomToLargestFrame(fnId) {
    let best = null;
    for (const n of nodes.values()) {
      if (n.fn && n.fn.id === fnId && (!best || n.size[state.metric] > best.size[state.metric])) best = n;
    }
    if (best) { state.zoom = best; renderAll(); }
  }

  // ---------------------------------------------------------------- wiring

  function selectFunction(fnId) {
    state.selected = fnId;
    renderDetails();
    applyFrameClasses();
    for (const tr of document.querySelectorAll('#function-table tbody tr')) {
      tr.classList.toggle('selected', Number(tr.getAttribute('data-id')) === fnId);
    }
    document.body.setAttribute('data-selected', fnId == null ? '' : functions.get(fnId).name);
  }

  function setMetric(k) {
    if (!METRICS[k]) return;
    // A table sorted by one metric's column follows the switch to the new metric's inclusive column.
    const sortCol = COLUMNS.find((c) => c.key === state.sortKey);
    if (sortCol && sortCol.metric && sortCol.metric !== k) state.sortKey = METRICS[k].field;
    state.metric = k;
    renderAll();
  }

  function renderAll() {
    for (const b of document.querySelectorAll('#metric-switch button')) {
      b.setAttribute('aria-pressed', b.getAttribute('data-metric') === state.metric ? 'true' : 'false');
    }
    renderBreadcrumb();
    renderFlame();
    renderSearchStatus();
    renderTable();
    renderDetails();
    renderLegendNote();
    document.body.setAttribute('data-metric', state.metric);
    document.body.setAttribute('data-zoom', String(state.zoom.id));
    document.body.setAttribute('data-selected', state.selected == null ? '' : functions.get(state.selected).name);
  }

  function wire() {
    const flame = $('#flame');
    flame.addEventListener('click', (e) => {
      const f = e.target.closest('.frame');
      if (f) onFrameClick(nodeByKey(f.getAttribute('data-node')));
    });
    flame.addEventListener('mousemove', (e) => {
      const f = e.target.closest('.frame');
      const n = f && nodeByKey(f.getAttribute('data-node'));
      if (n) showTooltip(n, e.clientX, e.clientY); else hideTooltip();
    });
    flame.addEventListener('mouseleave', hideTooltip);

    $('#breadcrumb').addEventListener('click', (e) => {
      const b = e.target.closest('.crumb');
      if (b) { state.zoom = nodeByKey(b.getAttribute('data-node')) || root; renderAll(); }
    });
    $('#reset-zoom').addEventListener('click', () => { state.zoom = root; renderAll(); });

    $('#metric-switch').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-metric]');
      if (b) setMetric(b.getAttribute('data-metric'));
    });

    const search = $('#search');
    search.addEventListener('input', () => {
      state.search = search.value.trim();
      applyFrameClasses();
      renderSearchStatus();
      renderTable();
    });
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { search.value = ''; search.dispatchEvent(new Event('input')); }
    });

    $('#function-table thead').addEventListener('click', (e) => {
      const th = e.target.closest('th[data-sort]');
      if (th) onSortClick(th.getAttribute('data-sort'));
    });
    $('#function-table tbody').addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-id]');
      if (tr) selectFunction(Number(tr.getAttribute('data-id')));
    });

    const details = $('#details');
    details.addEventListener('click', (e) => {
      if (e.target.closest('#details-zoom')) { zoomToLargestFrame(state.selected); return; }
      const tr = e.target.closest('tbody tr[data-function]');
      const name = tr && tr.getAttribute('data-function');
      if (name) {
        const f = data.functions.find((x) => x.name === name);
        if (f) selectFunction(f.id);
      }
    });

    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(renderFlame, 120);
    });
  }

  for (const b of document.querySelectorAll('#metric-switch button[data-split]')) b.hidden = !HAS_SPLIT;
  for (const b of document.querySelectorAll('#metric-switch button[data-gc]')) b.hidden = !HAS_GC;
  for (const b of document.querySelectorAll('#metric-switch button[data-queued]')) b.hidden = !HAS_QUEUED;
  renderHeader();
  wire();
  renderAll();
  document.body.setAttribute('data-ready', 'true');
})();
