import { cpuTimeOfSamples, nextReportId } from '../meta.js';
import type { AggregateSettings } from '../option-types.js';
import { Report, type ReportSourceOptions } from '../report.js';
import type { BackendName, RenderOptions, ReportMeta } from '../types.js';
import { FrameClassifier } from '../tree/frames.js';
import { compareSlowToRest, type Comparison, type FrameLens } from './compare.js';
import { ExemplarBudget, samplesBytes, type Exemplar } from './exemplars.js';
import { RouteAggregate, type RequestSet } from './route.js';
import { summarize, type RouteSummary } from './summary.js';
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
  /** Reports waiting to be merged (after a burst); past it, new ones are counted and dropped. */
  maxQueued: number;
}

export type { ExemplarSummary, RouteSummary } from './summary.js';

export const AGGREGATE_LIMITS: AggregateLimits = {
  maxRoutes: 200,
  maxStacksPerRoute: 2000,
  maxExemplarBytes: 8 * 1024 * 1024,
  slices: 10,
  maxQueued: 1000,
};

interface Entry {
  agg: RouteAggregate;
  /** Slowest first. */
  exemplars: Exemplar[];
}

const OTHER: Pick<ReportMeta, 'method' | 'route'> = { method: '*', route: '(other routes)' };

/** Merges run at most this long per turn of the event loop; the rest waits for the next one. */
const BATCH_MS = 4;
const defer: (f: () => void) => void =
  typeof setImmediate === 'function' ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);

/**
 * Every route's aggregate: fed finished reports (from delivery, never on the request's path),
 * read by the dashboard, the aggregate file and `profiler.aggregates()`.
 */
export class Aggregator {
  private readonly routesById = new Map<string, Entry>();
  private readonly exemplarBudget: ExemplarBudget;
  private sampler: BackendName = 'inspector';
  private queue: Report[] = [];
  private scheduled = false;
  private nextSweep = -Infinity;
  /** Reports not merged because maxQueued were already waiting. */
  dropped = 0;
  /** Called after queued reports were merged (aggregate.file rewrites a closed server's file). */
  onMerged: (() => void) | undefined;

  constructor(
    readonly settings: AggregateSettings,
    private readonly reportOptions: { render?: RenderOptions } & ReportSourceOptions = {},
    readonly limits: AggregateLimits = AGGREGATE_LIMITS,
    private readonly clock: () => number = Date.now,
    private readonly fault: (kind: string, err: unknown) => void = () => {},
  ) {
    this.exemplarBudget = new ExemplarBudget(settings.exemplars, limits.maxExemplarBytes);
  }

  /**
   * Queues a finished report to be merged on a later turn of the event loop, in batches of at
   * most BATCH_MS: nothing of the merge runs on the path of the response that produced it.
   */
  enqueue(report: Report): void {
    if (this.queue.length >= this.limits.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(report);
    if (!this.scheduled) {
      this.scheduled = true;
      defer(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const until = performance.now() + BATCH_MS;
    let i = 0;
    while (i < this.queue.length) {
      this.merge(this.queue[i++]!);
      if (performance.now() >= until) break;
    }
    this.queue = this.queue.slice(i);
    if (this.queue.length && !this.scheduled) {
      this.scheduled = true;
      defer(() => this.drain());
    }
    this.onMerged?.();
  }

  /** Merges what is queued now (readers call it, so they see every finished request). */
  flush(): void {
    const q = this.queue;
    this.queue = [];
    for (const r of q) this.merge(r);
  }

  private merge(report: Report): void {
    try {
      this.add(report);
    } catch (err) {
      this.fault('aggregating the report', err);
    }
  }

  /** Merges one finished report into its route, now (enqueue() defers it). */
  add(report: Report): void {
    const now = this.clock();
    const entry = this.entryFor(routeKeyOf(report.meta));
    const m = report.meta;
    this.sampler = m.sampler;
    // Only this route's window moves here; the others move at the periodic sweep.
    entry.agg.add({ samples: report.recorded, duration: m.duration, cpuTime: m.cpuTime, interval: m.interval }, now);
    this.exemplarBudget.expire(entry.exemplars, now - this.settings.window);
    const lists = (): Iterable<Exemplar[]> => Array.from(this.routesById.values(), (e) => e.exemplars);
    this.exemplarBudget.keep(entry.exemplars, report, samplesBytes(report.recorded), now, lists);
    if (now >= this.nextSweep) this.sweep(now);
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

  /**
   * Moves every route's window to `now` (at most once per slice, and before reads): drops their
   * old slices and exemplars, and forgets the routes with nothing left, freeing their slots.
   */
  private sweep(now: number): void {
    this.nextSweep = now + Math.max(1, Math.ceil(this.settings.window / this.limits.slices));
    const horizon = now - this.settings.window;
    for (const [id, entry] of this.routesById) {
      entry.agg.rotate(now);
      this.exemplarBudget.expire(entry.exemplars, horizon);
      if (entry.agg.counts().count === 0 && entry.exemplars.length === 0) {
        this.exemplarBudget.release(entry.exemplars);
        this.routesById.delete(id);
      }
    }
  }

  /** Brings readers up to date: queued reports merged, windows moved to now. */
  private settle(): void {
    this.flush();
    this.sweep(this.clock());
  }

  /** Every route, busiest first. */
  routes(): RouteSummary[] {
    this.settle();
    const out: RouteSummary[] = [];
    for (const entry of this.routesById.values()) out.push(summarize(entry.agg, entry.exemplars));
    return out.sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
  }

  route(id: string): RouteSummary | undefined {
    this.flush();
    const entry = this.routesById.get(id);
    return entry && summarize(entry.agg, entry.exemplars);
  }

  /**
   * The route's merged profile as a Report (every format renders it); `meta.requests` is the
   * number of requests merged. `set` picks the slow requests, the rest, or all.
   */
  report(id: string, set: RequestSet = 'all'): Report | undefined {
    this.settle();
    const entry = this.routesById.get(id);
    if (!entry) return undefined;
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
    this.flush();
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
    let b = this.exemplarBudget.bytes;
    for (const e of this.routesById.values()) b += e.agg.bytes();
    return b;
  }

  get routeCount(): number {
    return this.routesById.size;
  }
}
