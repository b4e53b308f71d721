import { byId, el } from '../viewer/dom.js';
import { mountViewer } from '../viewer/mount.js';
import type { RequestSet, Source } from './source.js';
import { fmtMs, routeName } from './table.js';
import type { Comparison, RouteSummary } from './types.js';

const COMPARE_ROWS = 25;

export interface Detail {
  show(r: RouteSummary): void;
  /** The latest routes list: the shown route's figures and exemplars follow it; its tree waits for a click. */
  routesChanged(routes: RouteSummary[]): void;
  readonly current: string | undefined;
}

function metaItems(r: RouteSummary): [string, string][] {
  const items: [string, string][] = [
    ['requests in the window', String(r.count)],
    ['since start', String(r.total)],
    ['p50 / p95 / p99', `${fmtMs(r.p50)} / ${fmtMs(r.p95)} / ${fmtMs(r.p99)} ms`],
    ['CPU per request', `${fmtMs(r.cpuPerRequest)} ms`],
    ['slow (above p90)', String(r.slowCount)],
    ['window from', new Date(r.since).toLocaleTimeString()],
    ['last request', new Date(r.lastSeen).toLocaleTimeString()],
  ];
  if (r.truncatedSamples > 0) items.push(['stacks cut short (tree full)', String(r.truncatedSamples)]);
  return items;
}

/** One route: figures, downloads, its merged call tree and flame graph, slow-vs-rest, exemplars. */
export function mountDetail(source: Source): Detail {
  let current: RouteSummary | undefined;
  let loadedTotal = 0;
  let token = 0;
  let controller: AbortController | undefined;
  const setSelect = byId<HTMLSelectElement>('set');
  const status = byId('detail-status');
  const refresh = byId<HTMLButtonElement>('refresh');

  const figures = (r: RouteSummary): void => {
    const meta = byId('route-meta');
    meta.textContent = '';
    for (const [k, v] of metaItems(r)) {
      const s = el('span', undefined, `${k} `);
      s.appendChild(el('b', undefined, v));
      meta.appendChild(s);
    }
    const list = byId('exemplars');
    list.textContent = '';
    for (const x of r.exemplars) {
      const text = `${fmtMs(x.duration)} ms (CPU ${fmtMs(x.cpuTime)} ms) · ${x.status ?? '–'} · ${x.path ?? ''} · ${new Date(x.startedAt).toLocaleTimeString()}`;
      const li = el('li');
      const href = source.exemplarUrl(r.id, x.id);
      if (href) {
        const a = el('a', undefined, text) as HTMLAnchorElement;
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        li.appendChild(a);
      } else li.textContent = text;
      list.appendChild(li);
    }
    if (!r.exemplars.length) list.appendChild(el('li', 'hint', 'none in the window'));
  };

  const compareTable = (c: Comparison | undefined): void => {
    const body = byId('compare-body');
    body.textContent = '';
    const note = byId('compare-note');
    if (!c?.slowRequests || !c.restRequests) {
      note.textContent = 'Needs slow requests and the rest in the window (a route is split once it has 10 requests).';
      return;
    }
    note.textContent = `${c.slowRequests} slow requests against ${c.restRequests} others: inclusive time per request, largest growth first.`;
    for (const row of c.rows.slice(0, COMPARE_ROWS)) {
      const tr = el('tr');
      tr.appendChild(el('td', 'name', row.functionName || '(anonymous)'));
      const file = row.file || row.url;
      tr.appendChild(el('td', 'name', file && row.lineNumber > 0 ? `${file}:${row.lineNumber}` : file));
      tr.appendChild(el('td', undefined, fmtMs(row.slow)));
      tr.appendChild(el('td', undefined, fmtMs(row.rest)));
      tr.appendChild(el('td', row.delta > 0 ? 'grow' : undefined, `${row.delta > 0 ? '+' : ''}${fmtMs(row.delta)}`));
      body.appendChild(tr);
    }
  };

  const load = async (r: RouteSummary): Promise<void> => {
    const mine = ++token;
    const set = setSelect.value as RequestSet;
    status.textContent = 'loading…';
    refresh.hidden = true;
    loadedTotal = r.total;
    try {
      const [view, cmp] = await Promise.all([source.view(r.id, set), source.compare(r.id)]);
      if (mine !== token) return; // another route or set was picked meanwhile
      controller?.abort();
      controller = new AbortController();
      const host = byId('viewer');
      host.textContent = '';
      if (view) {
        host.appendChild(byId<HTMLTemplateElement>('viewer-template').content.cloneNode(true));
        mountViewer(view, controller.signal);
        status.textContent = '';
      } else {
        status.textContent = source.live ? 'This route left the window.' : 'No call tree embedded for this route.';
      }
      compareTable(cmp);
    } catch (err) {
      if (mine === token)
        status.textContent = `Could not load the route: ${err instanceof Error ? err.message : String(err)}`;
    }
  };

  setSelect.addEventListener('change', () => {
    if (current) void load(current);
  });
  refresh.addEventListener('click', () => {
    if (current) void load(current);
  });
  if (!source.live) {
    byId('downloads').hidden = true;
    setSelect.disabled = true;
  }

  return {
    get current() {
      return current?.id;
    },
    show(r: RouteSummary): void {
      current = r;
      byId('detail').hidden = false;
      byId('route-title').textContent = routeName(r);
      for (const f of ['speedscope', 'pprof', 'collapsed']) {
        const url = source.profileUrl(r.id, f);
        if (url) (byId(`dl-${f}`) as HTMLAnchorElement).href = url;
      }
      figures(r);
      void load(r);
    },
    routesChanged(routes: RouteSummary[]): void {
      if (!current) return;
      const now = routes.find((r) => r.id === current!.id);
      if (!now) return;
      current = now;
      figures(now);
      const fresh = now.total - loadedTotal;
      refresh.hidden = fresh <= 0;
      refresh.textContent = `${fresh} new request${fresh === 1 ? '' : 's'}: update the tree`;
    },
  };
}
