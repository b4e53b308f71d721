import type { ReportMeta } from '../types.js';

/** Requests whose adapter knew no route pattern: one bucket, never one per raw path. */
export const UNMATCHED_ROUTE = '(unmatched)';

export interface RouteKey {
  /** URL-safe, collision-free and portable (no Buffer on workerd): hex of `METHOD route` in UTF-8. */
  id: string;
  method: string;
  route: string;
}

/**
 * The aggregate a report belongs to: method + route pattern. Raw paths are never a key: they
 * carry ids and would make the route table grow with traffic.
 */
export function routeKeyOf(meta: Pick<ReportMeta, 'method' | 'route'>): RouteKey {
  const method = typeof meta.method === 'string' && meta.method ? meta.method.toUpperCase() : 'CALL';
  const route = typeof meta.route === 'string' && meta.route ? meta.route : UNMATCHED_ROUTE;
  return { id: routeId(method, route), method, route };
}

export function routeId(method: string, route: string): string {
  let hex = '';
  for (const byte of new TextEncoder().encode(`${method} ${route}`)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
