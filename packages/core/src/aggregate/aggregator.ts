import { cpuTimeOfSamples, nextReportId } from '../meta.js';
import type { AggregateSettings } from '../option-types.js';
import { Report, type ReportSourceOptions } from '../report.js';
import type { Samples } from '../samples.js';
import type { BackendName, Milliseconds, RenderOptions, ReportMeta } from '../types.js';
import { FrameClassifier } from '../tree/frames.js';
import { compareSlowToRest, type Comparison, type FrameLens } from './compare.js';
import { RouteAggregate, type RequestSet } from './route.js';
import { routeKeyOf, type RouteKey } from './route-key.js';

/** Memory bounds (internal; DESIGN.md's contract names only the options above). */
export interface AggregateLimits {
  /** Routes kept apart; the rest share one `(other routes)` aggregate. */
  maxRoutes: number;
  /** Call-stack nodes per route (frames of its merged tree). */
  maxStacksPerRoute: number;
  /** Bytes of exemplar reports, all routes together. */
  maxExemplarBytes: number;
  /** Slices the window is cut into: it slides by window / slices. */
  slices: number;
}

export const AGGREGATE_LIMITS: AggregateLimits = {
  maxRoutes: 200,
  maxStacksPerRoute: 4000,
  maxExemplarBytes: 16 * 1024 * 1024,
  slices: 10,
};

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

interface Exemplar {
  report: Report;
  bytes: number;
  /** Wall-clock ms it was added. */
  at: number;
}

interface Entry {
  agg: RouteAggregate;
  /** Slowest first. */
  exemplars: Exemplar[];
}

const OTHER: Pick<ReportMeta, 'method' | 'route'> = { method: '*', route: '(other routes)' };
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Rough bytes a report's samples hold. */
function samplesBytes(s: Samples): number {
  return s.stacks.length * 20 + s.stackParent.length * 24 + s.frames.length * 160;
}

/**
 * Every route's aggregate: fed finished reports (from delivery, never on the request's path),
 * read by the dashboard, the aggregate file and `profiler.aggregates()`.
 */
export class Aggregator {
  private readonly routesById = new Map<string, Entry>();
  private exemplarBytes = 0;
  private sampler: BackendName = 'inspector';

  constructor(
    readonly settings: AggregateSettings,
    private readonly reportOptions: { render?: RenderOptions } & ReportSourceOptions = {},
    readonly limits: AggregateLimits = AGGREGATE_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Merges one finished report into its route. */
  add(report: Report): void {
    const now = this.clock();
    const entry = this.entryFor(routeKeyOf(report.meta));
    const m = report.meta;
    this.sampler = m.sampler;
    entry.agg.add({ samples: report.recorded, duration: m.duration, cpuTime: m.cpuTime, interval: m.interval }, now);
    this.expire(now);
    this.keepExemplar(entry, report, now);
  }

  private entryFor(key: RouteKey): Entry {
    let entry = this.routesById.get(key.id);
    if (entry) return entry;
    if (this.routesById.size >= this.limits.maxRoutes) {
      // Past the bound every new route shares one aggregate: memory stays bounded, totals right.
      const other = routeKeyOf(OTHER);
      entry = this.routesById.get(other.id);
      if (entry) return entry;
      key = other;
    }
    const { window } = this.settings;
    const slices = this.limits.slices;
    entry = {
      agg: new RouteAggregate(key, Math.max(1, Math.ceil(window / slices)), slices, this.limits.maxStacksPerRoute),
      exemplars: [],
    };
    this.routesById.set(key.id, entry);
    return entry;
  }

  private expire(now: number): void {
    const horizon = now - this.settings.window;
    for (const entry of this.routesById.values()) {
      entry.agg.rotate(now);
      while (entry.exemplars.length && entry.exemplars.some((e) => e.at < horizon)) {
        const i = entry.exemplars.findIndex((e) => e.at < horizon);
        this.exemplarBytes -= entry.exemplars[i]!.bytes;
        entry.exemplars.splice(i, 1);
      }
    }
  }

  private keepExemplar(entry: Entry, report: Report, now: number): void {
    const n = this.settings.exemplars;
    if (n <= 0) return;
    const list = entry.exemplars;
    const d = report.meta.duration;
    if (list.length >= n && d <= list[list.length - 1]!.report.meta.duration) return;
    const bytes = samplesBytes(report.recorded);
    // One huge report must not evict every route's exemplars.
    if (bytes > this.limits.maxExemplarBytes / 8) return;
    const at = list.findIndex((e) => e.report.meta.duration < d);
    list.splice(at < 0 ? list.length : at, 0, { report, bytes, at: now });
    this.exemplarBytes += bytes;
    if (list.length > n) this.exemplarBytes -= list.pop()!.bytes;
    while (this.exemplarBytes > this.limits.maxExemplarBytes) this.evictFastestExemplar();
  }

  private evictFastestExemplar(): void {
    let from: Entry | undefined;
    for (const e of this.routesById.values()) {
      const last = e.exemplars[e.exemplars.length - 1];
      if (
        last &&
        (!from || last.report.meta.duration < from.exemplars[from.exemplars.length - 1]!.report.meta.duration)
      )
        from = e;
    }
    if (!from) {
      this.exemplarBytes = 0;
      return;
    }
    this.exemplarBytes -= from.exemplars.pop()!.bytes;
  }

  /** Every route, busiest first. */
  routes(): RouteSummary[] {
    this.expire(this.clock());
    const out: RouteSummary[] = [];
    for (const entry of this.routesById.values()) out.push(this.summarize(entry));
    return out.sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
  }

  route(id: string): RouteSummary | undefined {
    const entry = this.routesById.get(id);
    return entry && this.summarize(entry);
  }

  private summarize(entry: Entry): RouteSummary {
    const { agg } = entry;
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
      exemplars: entry.exemplars.map(({ report: { meta } }) => ({
        id: meta.id,
        duration: round(meta.duration),
        cpuTime: round(meta.cpuTime),
        status: meta.status,
        path: meta.path,
        startedAt: meta.startedAt,
      })),
    };
  }

  /**
   * The route's merged profile as a Report (every format renders it); `meta.requests` is the
   * number of requests merged. `set` picks the slow requests, the rest, or all.
   */
  report(id: string, set: RequestSet = 'all'): Report | undefined {
    const entry = this.routesById.get(id);
    if (!entry) return undefined;
    this.expire(this.clock());
    const { agg } = entry;
    const c = agg.counts();
    const samples = agg.samples(set);
    const requests = set === 'all' ? c.count : set === 'slow' ? c.slowCount : c.count - c.slowCount;
    const meta: ReportMeta = {
      id: `route-${id}-${nextReportId()}`,
      name: `${agg.key.method} ${agg.key.route}`,
      method: agg.key.method,
      route: agg.key.route,
      path: agg.key.route,
      startedAt: new Date(c.since).toISOString(),
      duration: samples.end / 1000,
      cpuTime: cpuTimeOfSamples(samples) / 1000,
      sampleCount: samples.stacks.length,
      interval: agg.interval,
      sampler: this.sampler,
      truncated: agg.table.truncated > 0,
      requests,
      aggregate: set,
    };
    const o = this.reportOptions;
    return new Report(samples, meta, o.render, false, { sourceMaps: o.sourceMaps, logger: o.logger });
  }

  /** A kept exemplar's full report. */
  exemplar(routeId: string, reportId: string): Report | undefined {
    return this.routesById.get(routeId)?.exemplars.find((e) => e.report.meta.id === reportId)?.report;
  }

  /** Which functions grow in the route's slow requests (above its p90) against the rest. */
  compare(id: string): Comparison | undefined {
    const slow = this.report(id, 'slow');
    const rest = this.report(id, 'rest');
    if (!slow || !rest) return undefined;
    const classifier = new FrameClassifier();
    const lens: FrameLens = (f) => {
      const info = classifier.info(f);
      return { file: info.file, app: info.kind === 'app' };
    };
    return compareSlowToRest(
      slow.samples,
      slow.meta.requests as number,
      rest.samples,
      rest.meta.requests as number,
      lens,
    );
  }

  /** Rough bytes held by every route and exemplar (the bench reads the heap too). */
  bytes(): number {
    let b = this.exemplarBytes;
    for (const e of this.routesById.values()) b += e.agg.bytes();
    return b;
  }

  get routeCount(): number {
    return this.routesById.size;
  }
}
