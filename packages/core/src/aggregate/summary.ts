import type { Milliseconds } from '../types.js';
import type { Exemplar } from './exemplars.js';
import type { RouteAggregate } from './route.js';

/** A route as the dashboard's JSON API lists it (ms). */
export interface RouteSummary {
  id: string;
  method: string;
  route: string;
  /** Requests in the window. */
  count: number;
  /** Requests since the profiler started. */
  total: number;
  p50: Milliseconds;
  p90: Milliseconds;
  p95: Milliseconds;
  p99: Milliseconds;
  max: Milliseconds;
  /** Mean CPU ms per request in the window. */
  cpuPerRequest: Milliseconds;
  /** Requests above the route's p90 when they arrived. */
  slowCount: number;
  /** ISO time of the window's start and of the last request. */
  since: string;
  lastSeen: string;
  /** Recorded stacks cut short (time charged to a shallower frame) because the route's tree was full. */
  truncatedSamples: number;
  exemplars: ExemplarSummary[];
}

export interface ExemplarSummary {
  id: string;
  duration: Milliseconds;
  cpuTime: Milliseconds;
  status: number | undefined;
  /** The request's path as received: untrusted. */
  path: string | undefined;
  startedAt: string;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** A route's figures as the API lists them (ms, rounded to µs). */
export function summarize(agg: RouteAggregate, exemplars: readonly Exemplar[]): RouteSummary {
  const lat = agg.latency();
  const c = agg.counts();
  return {
    ...agg.key,
    count: c.count,
    total: agg.total,
    p50: round(lat.quantile(0.5)),
    p90: round(lat.quantile(0.9)),
    p95: round(lat.quantile(0.95)),
    p99: round(lat.quantile(0.99)),
    max: round(lat.max),
    cpuPerRequest: c.count ? round(c.cpu / c.count) : 0,
    slowCount: c.slowCount,
    since: new Date(c.since).toISOString(),
    lastSeen: new Date(agg.lastSeen).toISOString(),
    truncatedSamples: agg.table.truncated,
    exemplars: exemplars.map(({ report: { meta } }) => ({
      id: meta.id,
      duration: round(meta.duration),
      cpuTime: round(meta.cpuTime),
      status: meta.status,
      path: meta.path,
      startedAt: meta.startedAt,
    })),
  };
}
