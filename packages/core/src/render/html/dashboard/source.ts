import type { Comparison, DashboardData, HtmlData, RouteSummary } from './types.js';

export type RequestSet = 'all' | 'slow' | 'rest';

/** Where the page's data comes from: the app's API (live) or the page itself (static). */
export interface Source {
  live: boolean;
  routes(): Promise<RouteSummary[]>;
  /** Undefined: the route left the window (or, static, its tree was not embedded). */
  view(id: string, set: RequestSet): Promise<HtmlData | undefined>;
  compare(id: string): Promise<Comparison | undefined>;
  /** Live only: links the browser follows itself (downloads, full reports). */
  profileUrl(id: string, format: string): string | undefined;
  exemplarUrl(id: string, reportId: string): string | undefined;
}

async function getJson<T>(url: string): Promise<T | undefined> {
  const res = await fetch(url, {
    cache: 'no-store',
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function sourceOf(data: DashboardData): Source {
  if (data.mode === 'static') {
    const routes = data.routes ?? [];
    return {
      live: false,
      routes: async () => routes,
      // A static page holds the whole window's tree only: slow/rest need the live API.
      view: async (id, set) => (set === 'all' ? data.views?.[id] : undefined),
      compare: async (id) => data.compares?.[id],
      profileUrl: () => undefined,
      exemplarUrl: () => undefined,
    };
  }
  // The page is served at {dashboard} or {dashboard}/: its API is below that path.
  const base = `${location.pathname.replace(/\/+$/, '')}/api/routes`;
  const route = (id: string): string => `${base}/${encodeURIComponent(id)}`;
  return {
    live: true,
    routes: async () => (await getJson<{ routes: RouteSummary[] }>(base))?.routes ?? [],
    view: (id, set) => getJson<HtmlData>(`${route(id)}/view?set=${set}`),
    compare: (id) => getJson<Comparison>(`${route(id)}/compare`),
    profileUrl: (id, format) => `${route(id)}/profile?format=${encodeURIComponent(format)}&download=1`,
    exemplarUrl: (id, reportId) => `${route(id)}/exemplars/${encodeURIComponent(reportId)}?format=html`,
  };
}
