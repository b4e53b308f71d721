import type { RequestInfo } from '../types.js';
import type { DashboardResponse } from './dashboard.js';
import type { NodeResponseLike } from './node-response.js';

/** The parts of node:http's ServerResponse the dashboard writes with. */
export interface DashboardNodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string | Uint8Array): unknown;
}

/**
 * Serves the dashboard on a node:http response when `req` is the dashboard's and `allow` says yes;
 * returns false otherwise (and on any fault), and the adapter hands the request to the app.
 */
export function serveNodeDashboard(
  host: { dashboard(req: RequestInfo): DashboardResponse | undefined },
  req: RequestInfo,
  nodeRes: NodeResponseLike | DashboardNodeResponse,
): boolean {
  // Every node:http response has end(); NodeResponseLike only names what the profiler wraps.
  const res = nodeRes as DashboardNodeResponse;
  const response = host.dashboard(req);
  if (!response) return false;
  const body = req.method.toUpperCase() === 'HEAD' ? '' : response.body;
  res.writeHead(response.status, {
    ...response.headers,
    'Content-Length': String(
      typeof response.body === 'string' ? new TextEncoder().encode(response.body).length : response.body.length,
    ),
  });
  res.end(body);
  return true;
}
