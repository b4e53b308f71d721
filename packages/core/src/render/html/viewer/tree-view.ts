import { byId, el } from './dom.js';
import { ms, pct } from './format.js';
import {
  buildRows,
  type CallTree,
  eachRow,
  heaviestPath,
  kindOf,
  labelOf,
  locationOf,
  type Row,
} from './tree-model.js';
import { visibleRows } from './tree-search.js';

export interface TreeView {
  setQuery(query: string): void;
}

/** The call tree's lines, its controls (threshold, unit, library frames, expand/collapse) and keys. */
export function mountTreeView(tree: CallTree, total: number, isActive: () => boolean, signal?: AbortSignal): TreeView {
  const treeEl = byId('tree');
  let threshold = 0.01;
  let unit: 'ms' | 'pct' = 'ms';
  let showAll = false;
  let query = '';
  // Open and revealed lines by key, so they survive rebuilds (threshold, library frames).
  const open = new Set<string>();
  const revealed = new Set<string>();
  let roots: Row[] = [];
  let visible: Row[] = [];
  let selected: string | null = null;

  const rebuild = (): void => {
    roots = buildRows(tree, { threshold, showAll, revealed });
  };
  const openHeaviest = (): void => {
    for (const k of heaviestPath(roots, total)) open.add(k);
  };

  const highlight = (parent: HTMLElement, text: string): void => {
    if (!query) {
      parent.textContent = text;
      return;
    }
    const low = text.toLowerCase();
    let at = 0;
    for (let i = low.indexOf(query); i >= 0; i = low.indexOf(query, at)) {
      if (i > at) parent.appendChild(document.createTextNode(text.slice(at, i)));
      parent.appendChild(el('mark', undefined, text.slice(i, i + query.length)));
      at = i + query.length;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  };

  const rowElement = (r: Row, index: number): HTMLElement => {
    const row = el('div', 'row');
    row.dataset.index = String(index);
    row.setAttribute('role', 'treeitem');
    row.style.paddingLeft = `${16 + r.depth * 16}px`;
    const kind = r.kind === 'frame' ? kindOf(tree, r.frame) : r.kind;
    if (kind === 'library') row.classList.add('lib');
    else if (kind === 'group') row.classList.add('group');
    else if (kind === 'self') row.classList.add('self');
    else if (kind !== 'app') row.classList.add('sys');
    const expandable = r.children.length > 0;
    const isOpen = open.has(r.key);
    row.appendChild(el('span', 'tog', expandable ? (isOpen ? '▾' : '▸') : ''));
    if (expandable) row.setAttribute('aria-expanded', String(isOpen));
    row.appendChild(el('span', 'time', unit === 'pct' ? pct(r.time, total) : ms(r.time)));
    const bar = el('span', 'bar');
    const fill = el('i');
    fill.style.width = `${Math.min(100, (100 * r.time) / total).toFixed(1)}%`;
    bar.appendChild(fill);
    row.appendChild(bar);
    const fn = el('span', 'fn');
    highlight(fn, labelOf(tree, r));
    row.appendChild(fn);
    if (r.hidden) {
      const { count, libraries } = r.hidden;
      const libs = libraries.join(', ');
      const tag = el(
        'span',
        'tag',
        r.kind === 'group' ? libs : `${count} frame${count === 1 ? '' : 's'} hidden: ${libs}`,
      );
      tag.title = `${libs}\n${revealed.has(r.key) ? 'library frames shown' : 'click to show the hidden frames'}`;
      tag.dataset.reveal = 'true';
      row.appendChild(tag);
    }
    const loc = locationOf(tree, r);
    if (loc) {
      const l = el('span', 'loc');
      highlight(l, loc);
      row.appendChild(l);
    }
    if (r.key === selected) row.classList.add('sel');
    return row;
  };

  const render = (): void => {
    visible = visibleRows(tree, roots, (r) => open.has(r.key), query);
    const frag = document.createDocumentFragment();
    for (let i = 0; i < visible.length; i++) frag.appendChild(rowElement(visible[i]!, i));
    treeEl.textContent = '';
    if (!visible.length)
      treeEl.appendChild(
        el('div', 'empty', query ? 'No frame matches the search.' : 'No samples above the threshold.'),
      );
    treeEl.appendChild(frag);
    if (selected !== null && !visible.some((r) => r.key === selected)) selected = null;
  };

  const select = (r: Row | undefined): void => {
    selected = r ? r.key : null;
    for (const e of Array.from(treeEl.querySelectorAll('.row.sel'))) e.classList.remove('sel');
    if (!r) return;
    const e = treeEl.querySelector<HTMLElement>(`.row[data-index="${visible.indexOf(r)}"]`);
    if (e) {
      e.classList.add('sel');
      e.scrollIntoView({ block: 'nearest' });
    }
  };
  const setOpen = (r: Row, value: boolean): void => {
    if (value) open.add(r.key);
    else open.delete(r.key);
    render();
    select(visible.find((v) => v.key === r.key));
  };

  treeEl.addEventListener('click', (ev) => {
    const t = ev.target as HTMLElement;
    const rowEl = t.closest<HTMLElement>('.row');
    const r = rowEl ? visible[Number(rowEl.dataset.index)] : undefined;
    if (!r) return;
    if (t.dataset.reveal) {
      revealed.add(r.key);
      open.add(r.key);
      rebuild();
      render();
      select(visible.find((v) => v.key === r.key));
      return;
    }
    if (t.classList.contains('tog') || ev.detail === 2) setOpen(r, !open.has(r.key));
    else select(r);
  });
  treeEl.addEventListener('dblclick', (ev) => ev.preventDefault());

  document.addEventListener(
    'keydown',
    (ev) => {
      if (!isActive()) return;
      const target = ev.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT')) {
        if (ev.key === 'Escape') target.blur();
        return;
      }
      // Enter and Space on a button or link are its own (the dashboard's routes table).
      if ((ev.key === 'Enter' || ev.key === ' ') && target?.closest('button, a')) return;
      if (ev.key === '/') {
        ev.preventDefault();
        byId('search').focus();
        return;
      }
      const i = visible.findIndex((r) => r.key === selected);
      const cur = visible[i];
      let handled = true;
      if (ev.key === 'ArrowDown' || ev.key === 'j') select(visible[Math.min(visible.length - 1, i + 1)]);
      else if (ev.key === 'ArrowUp' || ev.key === 'k') select(visible[Math.max(0, i - 1)]);
      else if (ev.key === 'ArrowRight' || ev.key === 'l') {
        if (cur && !open.has(cur.key) && cur.children.length) setOpen(cur, true);
        else if (cur) select(visible[i + 1]?.parent === cur ? visible[i + 1] : cur);
      } else if (ev.key === 'ArrowLeft' || ev.key === 'h') {
        if (cur && open.has(cur.key)) setOpen(cur, false);
        else if (cur?.parent) select(cur.parent);
      } else if (ev.key === 'Enter' || ev.key === ' ') {
        if (cur) setOpen(cur, !open.has(cur.key));
      } else handled = false;
      if (handled) ev.preventDefault();
    },
    { signal },
  );

  byId('expand').addEventListener('click', () => {
    eachRow(roots, (r) => open.add(r.key));
    render();
  });
  byId('collapse').addEventListener('click', () => {
    open.clear();
    render();
  });
  byId<HTMLSelectElement>('threshold').addEventListener('change', (ev) => {
    threshold = Number((ev.target as HTMLSelectElement).value);
    rebuild();
    render();
  });
  byId('unit').addEventListener('change', (ev) => {
    unit = (ev.target as HTMLSelectElement).value === 'pct' ? 'pct' : 'ms';
    render();
  });
  byId('showall').addEventListener('change', (ev) => {
    showAll = (ev.target as HTMLInputElement).checked;
    rebuild();
    openHeaviest();
    render();
  });

  rebuild();
  openHeaviest();
  render();
  return {
    setQuery(q: string): void {
      query = q;
      render();
    },
  };
}
