import { byId, el } from '../viewer/dom.js';
import type { RouteSummary } from './types.js';

type SortKey = 'route' | 'count' | 'p50' | 'p95' | 'p99' | 'max' | 'cpuPerRequest' | 'slowCount';
const NUMERIC: SortKey[] = ['count', 'p50', 'p95', 'p99', 'max', 'cpuPerRequest', 'slowCount'];

export interface RoutesTable {
  update(routes: RouteSummary[]): void;
  setSelected(id: string | undefined): void;
}

/** ms with one decimal (the API's values are ms). */
export const fmtMs = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
export const routeName = (r: Pick<RouteSummary, 'method' | 'route'>): string => `${r.method} ${r.route}`;

/**
 * The routes table: one button per route (Tab to it, Enter to open), sortable by any column
 * with the buttons in its header (aria-sort says how). Rebuilt on each update; focus stays on
 * the route it was on.
 */
export function mountRoutesTable(onSelect: (r: RouteSummary) => void): RoutesTable {
  const body = byId('routes-body');
  const heads = Array.from(document.querySelectorAll<HTMLButtonElement>('#routes thead button'));
  let sortKey: SortKey = 'count';
  let descending = true;
  let selected: string | undefined;
  let routes: RouteSummary[] = [];

  const sorted = (): RouteSummary[] => {
    const k = sortKey;
    const cmp =
      k === 'route'
        ? (a: RouteSummary, b: RouteSummary): number => routeName(a).localeCompare(routeName(b))
        : (a: RouteSummary, b: RouteSummary): number => a[k] - b[k] || routeName(a).localeCompare(routeName(b));
    const out = routes.slice().sort(cmp);
    return descending ? out.reverse() : out;
  };

  const render = (): void => {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
    const frag = document.createDocumentFragment();
    for (const r of sorted()) {
      const tr = el('tr');
      tr.dataset.id = r.id;
      if (r.id === selected) {
        tr.classList.add('sel');
        tr.setAttribute('aria-current', 'true');
      }
      const th = el('th');
      th.setAttribute('scope', 'row');
      const b = el('button', 'route', routeName(r)) as HTMLButtonElement;
      b.type = 'button';
      b.dataset.id = r.id;
      b.addEventListener('click', () => onSelect(r));
      th.appendChild(b);
      tr.appendChild(th);
      tr.appendChild(el('td', undefined, String(r.count)));
      for (const k of ['p50', 'p95', 'p99', 'max', 'cpuPerRequest'] as const)
        tr.appendChild(el('td', undefined, fmtMs(r[k])));
      tr.appendChild(el('td', undefined, String(r.slowCount)));
      frag.appendChild(tr);
    }
    body.textContent = '';
    body.appendChild(frag);
    byId('no-routes').hidden = routes.length > 0;
    if (focused) body.querySelector<HTMLElement>(`button[data-id="${CSS.escape(focused)}"]`)?.focus();
    for (const h of heads) {
      const key = h.dataset.sort;
      h.parentElement!.setAttribute('aria-sort', key === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
    }
  };

  for (const h of heads) {
    h.addEventListener('click', () => {
      const key = h.dataset.sort as SortKey;
      if (key === sortKey) descending = !descending;
      else {
        sortKey = key;
        descending = NUMERIC.includes(key);
      }
      render();
    });
  }

  return {
    update(next: RouteSummary[]): void {
      routes = next;
      render();
    },
    setSelected(id: string | undefined): void {
      selected = id;
      render();
    },
  };
}
