import { AGGREGATE_LIMITS, Aggregator } from '../aggregate/aggregator.js';
import { resolveOptions, type ProfilerOptions, type ResolvedOptions } from '../options.js';
import type { Report } from '../report.js';
import { isNode } from '../runtime.js';
import { SamplerUnavailableError } from '../sampler/backend.js';
import { getSharedSampler } from '../sampler/registry.js';
import type { Recording, SharedSampler } from '../sampler/shared.js';
import type { RequestInfo } from '../types.js';
import { AggregateFile } from './aggregate-file.js';
import { dashboardResponse, type DashboardResponse } from './dashboard.js';
import { Delivery } from './deliver.js';
import { ProfiledRequest, TimingHandle, type RequestHandle, type RequestHost } from './request.js';
import { parseTrigger } from './trigger.js';

/** Stats an operator may read (e.g. expose on a health endpoint). */
export interface ProfilerStats {
  profiled: number;
  skippedConcurrency: number;
  belowThreshold: number;
  faults: number;
  /** Reports whose files were skipped because maxPendingWrites reports were already waiting for the disk. */
  droppedWrites: number;
}

/**
 * Everything a middleware does, framework-free: admission (trigger, `enabled`, maxConcurrent),
 * then a RequestHandle per admitted request, whose report goes to the sinks (deliver.ts).
 * Adapters call start() when a request arrives and handle.finish() when its response is complete.
 */
export class RequestProfiler implements RequestHost {
  readonly options: ResolvedOptions;
  readonly stats: ProfilerStats = {
    profiled: 0,
    skippedConcurrency: 0,
    belowThreshold: 0,
    faults: 0,
    droppedWrites: 0,
  };
  private sampler: SharedSampler | null | undefined;
  private readonly faultsSeen = new Set<string>();
  private readonly delivery: Delivery;
  private readonly aggregator: Aggregator | undefined;
  private readonly file: AggregateFile | undefined;
  private serverHooked = false;
  private readonly given: ProfilerOptions;
  private readonly derived = new Map<object, RequestProfiler>();

  constructor(options: ProfilerOptions = {}) {
    this.options = resolveOptions(options);
    this.given = options;
    const o = this.options;
    this.aggregator = o.aggregate
      ? new Aggregator(
          o.aggregate,
          { render: o.render, sourceMaps: o.sourceMaps, logger: o.logger },
          AGGREGATE_LIMITS,
          Date.now,
          (kind, err) => this.fault(kind, err),
        )
      : undefined;
    this.delivery = new Delivery(o, this.stats, (kind, err) => this.fault(kind, err), this.aggregator);
    if (this.aggregator && o.aggregate?.file && o.outputDir) {
      try {
        const fault = (kind: string, err: unknown): void => this.fault(kind, err);
        this.file = new AggregateFile(this.aggregator, o.outputDir, o.aggregate.file, o.aggregate.every, fault);
      } catch (err) {
        this.fault('aggregate file setup', err);
      }
    }
    // The sampler starts now, off any request (issue 12; SharedSampler.warmUp says why).
    if (o.maybeEnabled || (o.allow && (o.queryParam || o.header))) this.warmSampler();
  }

  private warmSampler(): void {
    const sampler = this.getSampler();
    try {
      sampler?.warmUp();
    } catch (err) {
      this.fault('sampler warm-up', err);
    }
  }

  /** Logs one message per kind of fault, never throws. */
  fault(kind: string, err: unknown): void {
    this.stats.faults++;
    if (this.faultsSeen.has(kind)) return;
    this.faultsSeen.add(kind);
    const message = err instanceof Error ? err.message : String(err);
    try {
      this.options.logger.error(
        `prof: ${kind} failed: ${message} ` +
          `(the request went on unchanged; further ${kind} faults are counted, not logged)`,
      );
    } catch {
      // A logger that throws is not ours to fix.
    }
  }

  /** Per-route aggregates (options `aggregate` or `dashboard`); undefined when off. */
  aggregates(): Aggregator | undefined {
    return this.aggregator;
  }

  /**
   * The dashboard's answer when `req` is for it and `allow` says yes; undefined otherwise (and on
   * a fault, logged): the adapter then hands the request to the app unchanged.
   */
  dashboard(req: RequestInfo): DashboardResponse | undefined {
    if (!this.options.dashboard) return undefined;
    try {
      return dashboardResponse(this, req);
    } catch (err) {
      this.fault('serving the dashboard', err);
      return undefined;
    }
  }

  /**
   * Writes `aggregate.file` a last time and stops its timer. Called by itself when the node:http
   * server of the first request closes (and NestJS's module on app.close()); call it yourself on
   * other shutdowns. The file is also written at process exit.
   */
  close(): Promise<void> {
    return this.file?.close() ?? Promise.resolve();
  }

  private hookServer(raw: unknown): void {
    this.serverHooked = true;
    try {
      const server = serverOf(raw);
      server?.once('close', () => void this.close());
    } catch (err) {
      this.fault('aggregate file setup', err);
    }
  }

  belowThreshold(): void {
    this.stats.belowThreshold++;
  }

  /**
   * Merges a report into its route's aggregate only (no other sink): for reports another
   * profiler delivered (NestJS's per-handler settings). No-op when aggregates are off.
   */
  aggregate(report: Report): void {
    this.delivery.aggregate(report);
  }

  /**
   * A profiler for one route's own settings (NestJS's `@Profile({...})`), made once per settings
   * object and always enabled: these options, then `base`, then the settings. Its reports go to
   * this profiler's aggregates, then to these options' onReport; it keeps no aggregates of its own.
   */
  derive(settings: ProfilerOptions, base: ProfilerOptions = {}): RequestProfiler {
    let p = this.derived.get(settings);
    if (!p) {
      const onReport = this.given.onReport;
      p = new RequestProfiler({
        ...this.given,
        ...base,
        enabled: true,
        ...settings,
        aggregate: undefined,
        dashboard: undefined,
        onReport: (r) => {
          this.aggregate(r);
          return onReport?.(r);
        },
      });
      this.derived.set(settings, p);
    }
    return p;
  }

  /** Hands a finished report to the sinks: console, files, onReport. Never rejects. */
  deliver(report: Report): Promise<void> {
    return this.delivery.deliver(report);
  }

  private getSampler(): SharedSampler | null {
    if (this.sampler !== undefined) return this.sampler;
    if (!isNode) {
      this.sampler = null;
      this.options.logger.warn(
        'prof: CPU sampling is unavailable in this runtime; requests pass through with timing only',
      );
      return null;
    }
    try {
      this.sampler = getSharedSampler(this.options.sampler, this.options.interval, this.options.logger);
    } catch (err) {
      this.fault('sampler setup', err);
      // No sampler in this runtime is final; anything else is tried again at a later request.
      if (err instanceof SamplerUnavailableError) this.sampler = null;
      return null;
    }
    return this.sampler;
  }

  /**
   * True when start() can only ever return undefined: `enabled: false`, no allowed trigger and no
   * Server-Timing. Adapters then install a plain pass-through (or nothing), so a disabled
   * profiler costs what an empty middleware costs.
   */
  get inert(): boolean {
    const o = this.options;
    return !o.maybeEnabled && !o.serverTiming && !(o.allow && (o.queryParam || o.header || o.dashboard));
  }

  /** Called by adapters for every request. Undefined when there is nothing to do for it. */
  start(req: RequestInfo): RequestHandle | undefined {
    const o = this.options;
    if (this.file && !this.serverHooked) this.hookServer(req.raw);
    // An allowed trigger profiles the request whatever `enabled` says.
    const trigger = parseTrigger(req, o, (kind, err) => this.fault(kind, err));
    if (!trigger && !o.maybeEnabled && !o.serverTiming) return undefined;
    let wanted = trigger !== undefined;
    if (!wanted && o.maybeEnabled) {
      try {
        wanted = o.enabled(req.raw);
      } catch (err) {
        this.fault('enabled predicate', err);
      }
    }
    const sampler = wanted ? this.getSampler() : null;
    if (sampler && !trigger && sampler.active >= o.maxConcurrent) {
      this.stats.skippedConcurrency++;
      return o.serverTiming ? new TimingHandle() : undefined;
    }
    let rec: Recording | undefined;
    if (sampler) {
      try {
        rec = sampler.begin(o.attribution === 'context');
      } catch (err) {
        this.fault('sampler start', err);
      }
    }
    if (!sampler || !rec) return o.serverTiming ? new TimingHandle() : undefined;
    return new ProfiledRequest(this, sampler, rec, req, trigger);
  }
}

/** @deprecated Renamed RequestProfiler (next to NestJS's controllers, "Profiler" read as one). */
export const Profiler: typeof RequestProfiler = RequestProfiler;
/** @deprecated Renamed RequestProfiler. */
export type Profiler = RequestProfiler;

/** Creates the framework-free profiler; adapters wrap this. Throws a TypeError on bad options. */
export function createProfiler(options?: ProfilerOptions): RequestProfiler {
  return new RequestProfiler(options);
}

/** The node:http server a request came through, where the framework's request object shows it. */
function serverOf(raw: unknown): { once(event: 'close', f: () => void): unknown } | undefined {
  type Maybe = { socket?: { server?: { once?: unknown } } } | undefined;
  const r = raw as (Maybe & { raw?: Maybe; req?: Maybe; env?: { incoming?: Maybe } }) | undefined;
  // Express and NestJS: the IncomingMessage; Fastify: request.raw; Koa: ctx.req; Hono on Node: c.env.incoming.
  for (const c of [r, r?.raw, r?.req, r?.env?.incoming]) {
    const server = c?.socket?.server;
    if (server && typeof server.once === 'function') return server as ReturnType<typeof serverOf>;
  }
  return undefined;
}
