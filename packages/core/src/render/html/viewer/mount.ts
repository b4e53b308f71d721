import type { HtmlData } from '../data.js';
import { byId } from './dom.js';
import { mountFlame } from './flame.js';
import { callTree } from './tree-model.js';
import { mountTreeView } from './tree-view.js';

/**
 * Mounts the call tree, the flame graph and their controls on the viewer's markup (markup.ts).
 * `signal`: aborting it detaches the listeners on document and window (the dashboard mounts a
 * fresh copy per route; the elements' own listeners go with the elements).
 */
export function mountViewer(data: HtmlData, signal?: AbortSignal): void {
  const total = Math.max(data.total, 1);
  let view: 'tree' | 'flame' = 'tree';
  const tree = mountTreeView(callTree(data), total, () => view === 'tree', signal);
  const flame = mountFlame(data, total);
  const show = (v: 'tree' | 'flame'): void => {
    view = v;
    byId('tab-tree').setAttribute('aria-selected', String(v === 'tree'));
    byId('tab-flame').setAttribute('aria-selected', String(v === 'flame'));
    byId('tree-view').hidden = v !== 'tree';
    byId('flame-view').hidden = v !== 'flame';
    for (const e of Array.from(document.querySelectorAll<HTMLElement>('.tree-only'))) e.hidden = v !== 'tree';
    if (v === 'flame') flame.draw();
  };
  byId('tab-tree').addEventListener('click', () => show('tree'));
  byId('tab-flame').addEventListener('click', () => show('flame'));
  window.addEventListener(
    'resize',
    () => {
      if (view === 'flame') flame.draw();
    },
    { signal },
  );
  byId('search').addEventListener('input', (ev) => {
    const q = (ev.target as HTMLInputElement).value.trim().toLowerCase();
    tree.setQuery(q);
    flame.setQuery(q);
    // The flame view redraws when shown; drawing a hidden 60 s timeline would cost seconds per key.
    if (view === 'flame') flame.draw();
  });
  show('tree');
}
