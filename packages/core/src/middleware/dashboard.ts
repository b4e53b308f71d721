import type { Aggregator } from '../aggregate/aggregator.js';
import type { RequestSet } from '../aggregate/route.js';
import { FORMAT_NAMES, formatSpec, isOutputFormat } from '../formats.js';
import type { Report } from '../report.js';
import type { RequestInfo } from '../types.js';
import { renderDashboardPage } from '../render/dashboard-page.js';
import { buildHtmlData } from '../render/html/data.js';

/** What the dashboard answers, framework-free: adapters write it with their own response API. */
export interface DashboardResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** What the dashboard needs from the profiler: its path, its gate and the aggregates. */
export interface DashboardHost {
  readonly options: { dashboard: string | undefined; allow: ((req: unknown) => boolean) | undefined };
  aggregates(): Aggregator | undefined;
  fault(kind: string, err: unknown): void;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const SETS: readonly RequestSet[] = ['all', 'slow', 'rest'];

function json(status: number, value: unknown): DashboardResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: `${JSON.stringify(value)}\n` };
}

function reportResponse(report: Report, format: string | null, download: boolean): DashboardResponse {
  const name = format ?? 'json';
  if (!isOutputFormat(name)) return json(400, { error: `unknown format; use one of: ${FORMAT_NAMES.join(', ')}` });
  const spec = formatSpec(name);
  const headers: Record<string, string> = { 'Content-Type': spec.contentType };
  // The id is ours (hex route id + base36 counter): safe in a header.
  if (download || spec.binary)
    headers['Content-Disposition'] = `attachment; filename="prof-${report.meta.id}.${spec.ext}"`;
  return { status: 200, headers, body: spec.render(report) };
}

/** The path part of a request URL, or undefined when it does not parse. */
function splitUrl(url: string): { path: string; query: URLSearchParams } | undefined {
  try {
    const u = new URL(url, 'http://prof.invalid');
    return { path: u.pathname, query: u.searchParams };
  } catch {
    return undefined;
  }
}

/**
 * The dashboard's answer to `req`, or undefined when the request is not the dashboard's or `allow`
 * refuses it: then it goes on to the app unchanged (a refused caller sees the app's own 404).
 * Paths: `{d}` the page; `{d}/api/routes`; `{d}/api/routes/{id}/profile?format=&set=all|slow|rest`;
 * `{d}/api/routes/{id}/view?set=` (the page's tree data); `{d}/api/routes/{id}/compare`; `{d}/api/routes/{id}/exemplars/{reportId}?format=`.
 */
export function dashboardResponse(host: DashboardHost, req: RequestInfo): DashboardResponse | undefined {
  const { dashboard, allow } = host.options;
  if (!dashboard || !allow) return undefined;
  const parts = splitUrl(req.url);
  if (!parts) return undefined;
  const { path, query } = parts;
  if (path !== dashboard && !path.startsWith(`${dashboard}/`)) return undefined;
  let allowed = false;
  try {
    allowed = allow(req.raw) === true;
  } catch (err) {
    host.fault('allow predicate', err);
  }
  if (!allowed) return undefined;
  const response = route(host, req.method.toUpperCase(), path.slice(dashboard.length), query);
  // Reports and live data: never cached, never sniffed.
  response.headers['Cache-Control'] = 'no-store';
  response.headers['X-Content-Type-Options'] = 'nosniff';
  return response;
}

function route(host: DashboardHost, method: string, rest: string, query: URLSearchParams): DashboardResponse {
  if (method !== 'GET' && method !== 'HEAD') return json(405, { error: 'the dashboard answers GET only' });
  const agg = host.aggregates();
  if (!agg) return json(404, { error: 'aggregates are off' });
  if (rest === '' || rest === '/') {
    const page = renderDashboardPage({ mode: 'live', generatedAt: new Date().toISOString() });
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: page };
  }
  if (rest === '/api/routes') return json(200, { routes: agg.routes(), droppedReports: agg.dropped });
  const m = /^\/api\/routes\/([0-9a-f]+)\/(profile|view|compare|exemplars\/([A-Za-z0-9_-]+))$/.exec(rest);
  if (!m) return json(404, { error: 'not found' });
  const [, id, what, exemplarId] = m as unknown as [string, string, string, string | undefined];
  if (!agg.route(id)) return json(404, { error: 'no such route (it may have left the window)' });
  const download = query.get('download') === '1';
  if (what === 'compare') {
    const cmp = agg.compare(id);
    return cmp ? json(200, cmp) : json(404, { error: 'no such route (it may have left the window)' });
  }
  if (exemplarId !== undefined) {
    const report = agg.exemplar(id, exemplarId);
    return report
      ? reportResponse(report, query.get('format') ?? 'html', download)
      : json(404, { error: 'no such exemplar' });
  }
  const set = (query.get('set') ?? 'all') as RequestSet;
  if (!SETS.includes(set)) return json(400, { error: 'set must be all, slow or rest' });
  const report = agg.report(id, set);
  // Its window may have emptied since the check above (report() moves the windows to now).
  if (!report) return json(404, { error: 'no such route (it may have left the window)' });
  // The page's call tree and flame graph: the HTML report's embedded data, as JSON.
  if (what === 'view') return json(200, buildHtmlData(report.stacks(), report.meta));
  return reportResponse(report, query.get('format'), download);
}
