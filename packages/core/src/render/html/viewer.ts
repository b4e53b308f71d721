/* eslint-disable */
/**
 * The report viewer. It runs in the browser: html.ts inlines `viewerMain.toString()` into the
 * page, so this function must be self-contained (no imports, no outer variables). Every piece
 * of profile data reaches the DOM through textContent, never innerHTML.
 */
export function viewerMain(): void {
  type Frame = [string, string, number, number, number, string];
  interface Data {
    meta: Record<string, unknown>;
    total: number;
    frames: Frame[];
    stacks: number[];
    weights: number[];
    timeline: number[];
    resampled: boolean;
  }
  interface Node {
    frame: number;
    total: number;
    self: number;
    children: Node[];
  }
  interface Row {
    kind: 'frame' | 'self' | 'group';
    frame: number;
    time: number;
    children: Row[];
    hidden: number;
    libs: string[];
    raw: Node | null;
    reveal: boolean;
    id: number;
    depth: number;
    parent: Row | null;
    open: boolean;
  }
  const KINDS = ['app', 'library', 'native', 'idle', 'program', 'gc', 'root', 'prof', 'await'];
  const dataEl = document.getElementById('prof-data');
  const data: Data = JSON.parse(dataEl ? dataEl.textContent || '{}' : '{}');
  const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;
  const el = (tag: string, cls?: string, text?: string): HTMLElement => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const frames = data.frames;
  const nStacks = data.stacks.length / 2;
  const total = Math.max(data.total, 1);

  // ---- header --------------------------------------------------------------------------
  const m = data.meta as Record<string, any>;
  const title = m.method || m.path ? `${m.method || ''} ${m.path || ''}`.trim() : String(m.name || 'profile');
  document.title = `prof: ${title}`;
  $('title').textContent = title;
  const ms = (us: number): string => `${us >= 10000 ? (us / 1000).toFixed(0) : (us / 1000).toFixed(1)} ms`;
  const metaItems: [string, string][] = [];
  if (m.route) metaItems.push(['route', String(m.route)]);
  if (m.status !== undefined) metaItems.push(['status', String(m.status)]);
  metaItems.push(['recorded', new Date(String(m.startedAt)).toLocaleString()]);
  metaItems.push(['duration', `${Number(m.duration).toFixed(1)} ms`]);
  metaItems.push(['CPU time', `${Number(m.cpuTime).toFixed(1)} ms`]);
  metaItems.push(['samples', String(m.sampleCount)]);
  metaItems.push(['interval', `${String(m.interval)} µs`]);
  metaItems.push(['sampler', String(m.sampler)]);
  if (m.truncated) metaItems.push(['truncated', 'yes (maxDuration)']);
  for (const [k, v] of metaItems) {
    const s = el('span', undefined, `${k} `);
    s.appendChild(el('b', undefined, v));
    s.dataset.field = k;
    $('meta').appendChild(s);
  }

  // ---- call tree: stacks -> nodes ------------------------------------------------------
  const nodes: Node[] = [];
  for (let s = 0; s < nStacks; s++) nodes.push({ frame: data.stacks[2 * s + 1]!, total: 0, self: 0, children: [] });
  const root: Node = { frame: -1, total: 0, self: 0, children: [] };
  for (let s = 0; s < nStacks; s++) {
    const p = data.stacks[2 * s]!;
    (p < 0 ? root : nodes[p]!).children.push(nodes[s]!);
  }
  for (let i = 0; i < data.weights.length; i += 2) {
    const s = data.weights[i]!;
    (s < 0 ? root : nodes[s]!).self += data.weights[i + 1]!;
  }
  const sum = (n: Node): number => {
    let t = n.self;
    for (const c of n.children) t += sum(c);
    n.total = t;
    n.children.sort((a, b) => b.total - a.total);
    return t;
  };
  // Iterative would be safer for very deep stacks; V8 stacks are bounded well below JS limits.
  sum(root);

  const kindOf = (f: number): string => (f < 0 ? 'root' : KINDS[frames[f]![4]] || 'app');
  let showAll = false;
  const hiddenFrame = (f: number): boolean => !showAll && kindOf(f) === 'library';
  let nextId = 1;
  const mkRow = (kind: Row['kind'], frame: number, time: number): Row => ({
    kind,
    frame,
    time,
    children: [],
    hidden: 0,
    libs: [],
    raw: null,
    reveal: false,
    id: nextId++,
    depth: 0,
    parent: null,
    open: false,
  });
  const identity = (r: Row): string => (r.kind === 'group' ? `g${r.libs.join(',')}` : `${r.kind}:${r.frame}`);
  const merge = (rows: Row[]): Row[] => {
    const by = new Map<string, Row>();
    const out: Row[] = [];
    for (const r of rows) {
      const k = identity(r);
      const seen = by.get(k);
      if (!seen) {
        by.set(k, r);
        out.push(r);
        continue;
      }
      seen.time += r.time;
      seen.hidden = Math.max(seen.hidden, r.hidden);
      for (const l of r.libs) if (seen.libs.indexOf(l) < 0) seen.libs.push(l);
      seen.children = merge(seen.children.concat(r.children));
    }
    return out.sort((a, b) => b.time - a.time);
  };
  const finish = (row: Row, self: number): Row => {
    if (row.children.length && self > 0) row.children.push(mkRow('self', row.frame, self));
    row.children = merge(row.children);
    return row;
  };
  // pyinstrument's folding, as in core's tree/view.ts: runs of library frames become one group.
  const visit = (n: Node, top: boolean): Row => {
    if (!hiddenFrame(n.frame)) {
      const r = mkRow('frame', n.frame, n.total);
      for (const c of n.children) r.children.push(visit(c, false));
      return finish(r, n.self);
    }
    let count = 0;
    let self = 0;
    const libs: string[] = [];
    const exits: Node[] = [];
    const stack = [n];
    while (stack.length) {
      const x = stack.pop()!;
      count++;
      self += x.self;
      const f = frames[x.frame]!;
      const lib = f[5] || f[1] || f[0];
      if (libs.indexOf(lib) < 0) libs.push(lib);
      for (const c of x.children) (hiddenFrame(c.frame) ? stack : exits).push(c);
    }
    if (count === 1 && !top) {
      const r = mkRow('frame', n.frame, n.total);
      for (const c of n.children) r.children.push(visit(c, false));
      return finish(r, n.self);
    }
    const r = mkRow(top ? 'group' : 'frame', n.frame, n.total);
    r.hidden = top ? count : count - 1;
    r.libs = libs;
    r.raw = n;
    for (const c of exits) r.children.push(visit(c, false));
    return finish(r, self);
  };
  // A revealed group shows its frames unfolded.
  const visitAll = (n: Node): Row => {
    const r = mkRow('frame', n.frame, n.total);
    for (const c of n.children) r.children.push(visitAll(c));
    return finish(r, n.self);
  };
  let roots: Row[] = [];
  const build = (): void => {
    nextId = 1;
    roots = merge(root.children.map((c) => visit(c, true)));
    if (root.self > 0) roots.push(mkRow('self', -1, root.self));
    const link = (rs: Row[], parent: Row | null, depth: number): void => {
      for (const r of rs) {
        r.parent = parent;
        r.depth = depth;
        link(r.children, r, depth + 1);
      }
    };
    link(roots, null, 0);
  };
  const childrenOf = (r: Row): Row[] => {
    if (!r.reveal || !r.raw) return r.children;
    const unfolded = visitAll(r.raw);
    const kids = r.kind === 'group' ? [unfolded] : unfolded.children;
    const link = (rs: Row[], parent: Row, depth: number): void => {
      for (const k of rs) {
        k.parent = parent;
        k.depth = depth;
        link(k.children, k, depth + 1);
      }
    };
    link(kids, r, r.depth + 1);
    r.children = kids;
    r.raw = null;
    return kids;
  };

  // ---- call tree: state and rendering -------------------------------------------------
  let threshold = 0.01;
  let unit: 'ms' | 'pct' = 'ms';
  let query = '';
  let selected: Row | null = null;
  const labelOf = (r: Row): string => {
    if (r.kind === 'self') return '[self]';
    if (r.kind === 'group') return `[${r.hidden} frame${r.hidden === 1 ? '' : 's'} hidden]`;
    return frames[r.frame]![0];
  };
  const locOf = (r: Row): string => {
    if (r.kind !== 'frame') return '';
    const f = frames[r.frame]!;
    return f[1] ? (f[2] > 0 ? `${f[1]}:${f[2]}` : f[1]) : '';
  };
  const matches = (r: Row): boolean => {
    if (!query) return true;
    return `${labelOf(r)} ${locOf(r)} ${r.libs.join(' ')}`.toLowerCase().indexOf(query) >= 0;
  };
  // With a query, a row shows when it or a descendant matches; ancestors of matches open.
  const hitCache = new Map<Row, boolean>();
  const hasHit = (r: Row): boolean => {
    let v = hitCache.get(r);
    if (v !== undefined) return v;
    v = matches(r);
    if (!v) for (const c of r.children) if (c.time >= threshold * total && hasHit(c)) v = true;
    hitCache.set(r, v);
    return v;
  };
  const visible: Row[] = [];
  const treeEl = $('tree');
  const timeText = (us: number): string => (unit === 'pct' ? `${((100 * us) / total).toFixed(1)}%` : ms(us));
  const highlight = (parent: HTMLElement, text: string): void => {
    if (!query) {
      parent.textContent = text;
      return;
    }
    const low = text.toLowerCase();
    let at = 0;
    for (;;) {
      const i = low.indexOf(query, at);
      if (i < 0) break;
      if (i > at) parent.appendChild(document.createTextNode(text.slice(at, i)));
      parent.appendChild(el('mark', undefined, text.slice(i, i + query.length)));
      at = i + query.length;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  };
  const render = (): void => {
    hitCache.clear();
    visible.length = 0;
    const min = threshold * total;
    const walk = (rs: Row[]): void => {
      for (const r of rs) {
        if (r.time < min || r.time <= 0) continue;
        if (query && !hasHit(r)) continue;
        visible.push(r);
        const kids = childrenOf(r);
        const open = r.open || (query !== '' && kids.some((k) => k.time >= min && hasHit(k)));
        if (open) walk(kids);
      }
    };
    walk(roots);
    const frag = document.createDocumentFragment();
    for (const r of visible) {
      const row = el('div', 'row');
      row.dataset.id = String(r.id);
      row.setAttribute('role', 'treeitem');
      row.style.paddingLeft = `${16 + r.depth * 16}px`;
      const kind = r.kind === 'frame' ? kindOf(r.frame) : r.kind;
      if (kind === 'library') row.classList.add('lib');
      else if (kind === 'group') row.classList.add('group');
      else if (kind === 'self') row.classList.add('self');
      else if (kind !== 'app') row.classList.add('sys');
      const expandable = r.children.length > 0 || (r.raw !== null && r.hidden > 0);
      const tog = el('span', 'tog', expandable ? (r.open ? '▾' : '▸') : '');
      if (expandable) row.setAttribute('aria-expanded', String(r.open));
      row.appendChild(tog);
      row.appendChild(el('span', 'time', timeText(r.time)));
      const bar = el('span', 'bar');
      const fill = el('i');
      fill.style.width = `${Math.min(100, (100 * r.time) / total).toFixed(1)}%`;
      bar.appendChild(fill);
      row.appendChild(bar);
      const fn = el('span', 'fn');
      highlight(fn, labelOf(r));
      row.appendChild(fn);
      if (r.kind === 'group' || r.hidden > 0) {
        const tag = el(
          'span',
          'tag',
          (r.kind === 'group' ? '' : `${r.hidden} frame${r.hidden === 1 ? '' : 's'} hidden: `) + r.libs.join(', '),
        );
        tag.title = r.reveal ? 'library frames shown' : 'show the hidden frames';
        tag.dataset.reveal = String(r.id);
        row.appendChild(tag);
      }
      const loc = locOf(r);
      if (loc) {
        const l = el('span', 'loc');
        highlight(l, loc);
        row.appendChild(l);
      }
      if (r === selected) row.classList.add('sel');
      frag.appendChild(row);
    }
    treeEl.textContent = '';
    if (!visible.length)
      treeEl.appendChild(
        el('div', 'empty', query ? 'No frame matches the search.' : 'No samples above the threshold.'),
      );
    treeEl.appendChild(frag);
    if (selected && visible.indexOf(selected) < 0) selected = null;
  };
  const rowById = (id: number): Row | undefined => visible.find((r) => r.id === id);
  const select = (r: Row | null): void => {
    selected = r;
    for (const e of Array.from(treeEl.querySelectorAll('.row.sel'))) e.classList.remove('sel');
    if (!r) return;
    const e = treeEl.querySelector(`.row[data-id="${r.id}"]`) as HTMLElement | null;
    if (e) {
      e.classList.add('sel');
      e.scrollIntoView({ block: 'nearest' });
    }
  };
  const setOpen = (r: Row, open: boolean): void => {
    r.open = open;
    render();
    select(r);
  };
  treeEl.addEventListener('click', (ev) => {
    const t = ev.target as HTMLElement;
    const rowEl = t.closest('.row') as HTMLElement | null;
    if (!rowEl) return;
    const r = rowById(Number(rowEl.dataset.id));
    if (!r) return;
    if (t.dataset.reveal) {
      r.reveal = true;
      r.open = true;
      render();
      select(r);
      return;
    }
    if (t.classList.contains('tog') || ev.detail === 2) setOpen(r, !r.open);
    else select(r);
  });
  treeEl.addEventListener('dblclick', (ev) => ev.preventDefault());
  document.addEventListener('keydown', (ev) => {
    if (view !== 'tree') return;
    const target = ev.target as HTMLElement;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT')) {
      if (ev.key === 'Escape') target.blur();
      return;
    }
    if (ev.key === '/') {
      ev.preventDefault();
      ($('search') as HTMLInputElement).focus();
      return;
    }
    const i = selected ? visible.indexOf(selected) : -1;
    let handled = true;
    if (ev.key === 'ArrowDown' || ev.key === 'j') select(visible[Math.min(visible.length - 1, i + 1)] || null);
    else if (ev.key === 'ArrowUp' || ev.key === 'k') select(visible[Math.max(0, i - 1)] || null);
    else if (ev.key === 'ArrowRight' || ev.key === 'l') {
      if (selected) {
        if (!selected.open && (selected.children.length || selected.raw)) setOpen(selected, true);
        else select(visible[i + 1] && visible[i + 1]!.parent === selected ? visible[i + 1]! : selected);
      }
    } else if (ev.key === 'ArrowLeft' || ev.key === 'h') {
      if (selected) {
        if (selected.open) setOpen(selected, false);
        else if (selected.parent) select(selected.parent);
      }
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      if (selected) setOpen(selected, !selected.open);
    } else handled = false;
    if (handled) ev.preventDefault();
  });
  const eachRow = (fn: (r: Row) => void): void => {
    const min = threshold * total;
    const walk = (rs: Row[]): void => {
      for (const r of rs) {
        if (r.time < min) continue;
        fn(r);
        walk(r.children);
      }
    };
    walk(roots);
  };
  $('expand').addEventListener('click', () => {
    eachRow((r) => (r.open = true));
    render();
  });
  $('collapse').addEventListener('click', () => {
    eachRow((r) => (r.open = false));
    render();
  });
  $('search').addEventListener('input', (ev) => {
    query = (ev.target as HTMLInputElement).value.trim().toLowerCase();
    render();
    flame.draw();
  });
  $('threshold').addEventListener('change', (ev) => {
    threshold = Number((ev.target as HTMLSelectElement).value);
    render();
  });
  $('unit').addEventListener('change', (ev) => {
    unit = (ev.target as HTMLSelectElement).value === 'pct' ? 'pct' : 'ms';
    render();
  });
  $('showall').addEventListener('change', (ev) => {
    showAll = (ev.target as HTMLInputElement).checked;
    build();
    openTop();
    render();
  });
  // Open the heaviest path down to where time splits, as a first answer.
  const openTop = (): void => {
    let rs = roots;
    for (let d = 0; d < 40 && rs.length; d++) {
      const r = rs[0]!;
      if (r.time < total * 0.05) break;
      r.open = true;
      rs = r.children;
    }
  };

  // ---- flame graph / timeline -----------------------------------------------------------
  interface Box {
    start: number;
    end: number;
    depth: number;
    stack: number;
    frame: number;
  }
  const boxes: Box[] = [];
  let maxDepth = 0;
  {
    const depthOf = new Int32Array(nStacks);
    for (let s = 0; s < nStacks; s++) {
      const p = data.stacks[2 * s]!;
      depthOf[s] = p < 0 ? 0 : depthOf[p]! + 1;
    }
    const open: (Box | undefined)[] = [];
    let t = 0;
    for (let i = 0; i < data.timeline.length; i += 2) {
      const s = data.timeline[i]!;
      const w = data.timeline[i + 1]!;
      const path: number[] = [];
      for (let k = s; k >= 0; k = data.stacks[2 * k]!) path.push(k);
      path.reverse();
      if (path.length > maxDepth) maxDepth = path.length;
      for (let d = 0; d < path.length; d++) {
        const b = open[d];
        if (b && b.stack === path[d] && b.end === t) b.end = t + w;
        else {
          const nb = { start: t, end: t + w, depth: d, stack: path[d]!, frame: data.stacks[2 * path[d]! + 1]! };
          boxes.push(nb);
          open[d] = nb;
        }
      }
      for (let d = path.length; d < open.length; d++) open[d] = undefined;
      t += w;
    }
  }
  const span = Math.max(
    1,
    boxes.reduce((a, b) => Math.max(a, b.end), 0),
  );
  const ROW = 18;
  const canvas = $('canvas') as HTMLCanvasElement;
  const tip = $('tip');
  const flame = {
    t0: 0,
    t1: span,
    focus: null as Box | null,
    draw(): void {
      const dpr = window.devicePixelRatio || 1;
      const w = canvas.clientWidth || 800;
      const h = Math.max(1, maxDepth) * ROW + 2;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.height = `${h}px`;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.font = '11px ui-monospace, Menlo, Consolas, monospace';
      ctx.textBaseline = 'middle';
      const scale = w / (this.t1 - this.t0);
      const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;
      for (const b of boxes) {
        if (b.end <= this.t0 || b.start >= this.t1) continue;
        const x0 = Math.max(0, (b.start - this.t0) * scale);
        const x1 = Math.min(w, (b.end - this.t0) * scale);
        if (x1 - x0 < 0.3) continue;
        const f = frames[b.frame]!;
        const kind = KINDS[f[4]];
        const hit = query && `${f[0]} ${f[1]}`.toLowerCase().indexOf(query) >= 0;
        let color: string;
        if (hit) color = '#f59e0b';
        else if (kind === 'app') color = `hsl(${18 + ((b.frame * 7) % 24)},75%,${58 + (b.frame % 3) * 5}%)`;
        else if (kind === 'library') color = `hsl(${210 + ((b.frame * 5) % 20)},30%,${62 + (b.frame % 3) * 4}%)`;
        else color = dark ? '#4b5563' : '#d1d5db';
        ctx.fillStyle = query && !hit ? (dark ? '#374151' : '#e5e7eb') : color;
        const y = b.depth * ROW;
        ctx.fillRect(x0, y, Math.max(0.5, x1 - x0 - 0.5), ROW - 1);
        if (x1 - x0 > 30) {
          ctx.fillStyle = '#111827';
          const label = f[0];
          const room = Math.floor((x1 - x0 - 6) / 6.6);
          ctx.fillText(label.length > room ? `${label.slice(0, Math.max(0, room - 1))}…` : label, x0 + 3, y + ROW / 2);
        }
      }
      $('t0').textContent = ms(this.t0);
      $('t1').textContent = ms(this.t1);
      $('focus').textContent = this.focus
        ? `focused: ${frames[this.focus.frame]![0]} (${ms(this.focus.end - this.focus.start)})`
        : '';
    },
    at(ev: MouseEvent): Box | undefined {
      const r = canvas.getBoundingClientRect();
      const x = ev.clientX - r.left;
      const d = Math.floor((ev.clientY - r.top) / ROW);
      const t = this.t0 + (x / r.width) * (this.t1 - this.t0);
      let best: Box | undefined;
      for (const b of boxes) if (b.depth === d && b.start <= t && t < b.end) best = b;
      return best;
    },
  };
  canvas.addEventListener('mousemove', (ev) => {
    const b = flame.at(ev);
    if (!b) {
      tip.style.display = 'none';
      return;
    }
    const f = frames[b.frame]!;
    tip.textContent = '';
    tip.appendChild(el('div', undefined, f[0]));
    if (f[1]) tip.appendChild(el('div', undefined, f[2] > 0 ? `${f[1]}:${f[2]}` : f[1]));
    tip.appendChild(
      el('div', 't', `${ms(b.end - b.start)}  (${((100 * (b.end - b.start)) / total).toFixed(1)}%) at ${ms(b.start)}`),
    );
    tip.style.display = 'block';
    tip.style.left = `${Math.min(ev.clientX + 12, window.innerWidth - 380)}px`;
    tip.style.top = `${ev.clientY + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => (tip.style.display = 'none'));
  canvas.addEventListener('click', (ev) => {
    const b = flame.at(ev);
    if (!b) return;
    flame.focus = b;
    flame.t0 = b.start;
    flame.t1 = Math.max(b.end, b.start + 1);
    flame.draw();
  });
  canvas.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const r = canvas.getBoundingClientRect();
      const at = flame.t0 + ((ev.clientX - r.left) / r.width) * (flame.t1 - flame.t0);
      const k = ev.deltaY > 0 ? 1.25 : 0.8;
      flame.t0 = Math.max(0, at - (at - flame.t0) * k);
      flame.t1 = Math.min(span, Math.max(flame.t0 + 1, at + (flame.t1 - at) * k));
      flame.draw();
    },
    { passive: false },
  );
  $('reset').addEventListener('click', () => {
    flame.t0 = 0;
    flame.t1 = span;
    flame.focus = null;
    flame.draw();
  });
  if (data.resampled) $('resampled').hidden = false;

  // ---- views ----------------------------------------------------------------------------
  let view: 'tree' | 'flame' = 'tree';
  const show = (v: 'tree' | 'flame'): void => {
    view = v;
    $('tab-tree').setAttribute('aria-selected', String(v === 'tree'));
    $('tab-flame').setAttribute('aria-selected', String(v === 'flame'));
    $('tree-view').hidden = v !== 'tree';
    $('flame-view').hidden = v !== 'flame';
    for (const e of Array.from(document.querySelectorAll('.tree-only'))) (e as HTMLElement).hidden = v !== 'tree';
    if (v === 'flame') flame.draw();
  };
  $('tab-tree').addEventListener('click', () => show('tree'));
  $('tab-flame').addEventListener('click', () => show('flame'));
  window.addEventListener('resize', () => view === 'flame' && flame.draw());

  build();
  openTop();
  render();
  show('tree');
  document.body.dataset.ready = 'true';
}
