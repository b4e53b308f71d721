import { resolveOptions, type ProfilerOptions, type RequestInfo, type ResolvedOptions } from '../options.js';
import { Report, cpuTimeOfSamples, nextReportId, type ReportMeta } from '../report.js';
import { isNode, nowUs, proc } from '../runtime.js';
import type { Samples } from '../samples.js';
import { getSharedSampler, type Recording, type SharedSampler } from '../sampler/shared.js';
import { FileRotator, writeReportFiles } from './files.js';
import { parseTrigger, type Trigger } from './trigger.js';

/** What an adapter holds for one request between start and finish. */
export interface RequestHandle {
  /** False when the request is only timed (profiling off for it, or no sampler here). */
  readonly profiled: boolean;
  /** Value for a Server-Timing header, or undefined when serverTiming is off. */
  serverTiming(): string | undefined;
  /** Extra metadata for the report (route, controller, …). */
  annotate(fields: Partial<ReportMeta>): void;
  /** The response is complete (or the client went away). Idempotent. */
  finish(status: number | undefined, extra?: Partial<ReportMeta>): void;
  /**
   * Nobody wants this request's report (e.g. a route opted out after routing): stop recording it
   * now and build nothing. Server-Timing is unaffected; finish() afterwards does nothing.
   */
  discard(): void;
  /** Set when the request asked for its report (queryParam/header) and `allow` said yes. */
  readonly trigger: Trigger | undefined;
  /** The report once finished; undefined when there is none (not profiled, below slowThreshold, fault). */
  report(): Promise<Report | undefined>;
  /** Logs a fault of the response path once per kind (never throws). */
  reportFault(kind: string, err: unknown): void;
}

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
 * Everything a middleware does, framework-free. Adapters call start() when a request arrives
 * and handle.finish() when its response is complete.
 */
export class Profiler {
  readonly options: ResolvedOptions;
  readonly stats: ProfilerStats = {
    profiled: 0,
    skippedConcurrency: 0,
    belowThreshold: 0,
    faults: 0,
    droppedWrites: 0,
  };
  private sampler: SharedSampler | null | undefined;
  private pendingWrites = 0;
  private readonly rotator: FileRotator | undefined;
  private readonly faultsSeen = new Set<string>();
  private readonly colorDefault: boolean;

  constructor(options: ProfilerOptions = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.rotator =
      o.outputDir && o.maxFiles !== undefined ? new FileRotator(o.outputDir, o.maxFiles, o.fileName) : undefined;
    this.colorDefault =
      options.logger === undefined && proc?.stdout?.isTTY === true && proc?.env?.NO_COLOR === undefined;
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
        `prof: ${kind} failed: ${message} (the request went on unchanged; further ${kind} faults are counted, not logged)`,
      );
    } catch {
      // A logger that throws is not ours to fix.
    }
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
      this.sampler = null;
      this.fault('sampler setup', err);
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
    return !o.maybeEnabled && !o.serverTiming && !(o.allow && (o.queryParam || o.header));
  }

  /** Called by adapters for every request. Undefined when there is nothing to do for it. */
  start(req: RequestInfo): RequestHandle | undefined {
    const o = this.options;
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

  /** Hands a finished report to the sinks: console, files, onReport. Never rejects. */
  async deliver(report: Report): Promise<void> {
    const o = this.options;
    this.stats.profiled++;
    if (o.printEachRequest) {
      try {
        o.logger.info(report.text());
      } catch (err) {
        this.fault('printing the report', err);
      }
    }
    const tasks: Promise<unknown>[] = [];
    if (o.outputDir) {
      if (this.pendingWrites >= o.maxPendingWrites) {
        // The disk is behind: holding every report in memory until it catches up is worse.
        this.stats.droppedWrites++;
        this.fault(
          'queueing report files',
          new Error(
            `${o.maxPendingWrites} reports already wait for outputDir (maxPendingWrites); this one's files were skipped`,
          ),
        );
      } else {
        this.pendingWrites++;
        tasks.push(
          writeReportFiles(report, o, o.output)
            .then(
              (files) => this.rotator?.written(files).catch((err) => this.fault('rotating outputDir (maxFiles)', err)),
              (err) => this.fault('writing report files', err),
            )
            .finally(() => this.pendingWrites--),
        );
      }
    }
    if (o.onReport) {
      tasks.push(
        (async () => {
          await o.onReport!(report);
        })().catch((err) => this.fault('onReport', err)),
      );
    }
    await Promise.all(tasks);
  }

  makeReport(
    samples: Samples,
    meta: Partial<ReportMeta> & Pick<ReportMeta, 'id' | 'startedAt' | 'truncated'>,
    sampler: SharedSampler,
  ): Report {
    const full: ReportMeta = {
      ...meta,
      duration: (samples.end - samples.start) / 1000,
      cpuTime: cpuTimeOfSamples(samples) / 1000,
      sampleCount: samples.stacks.length,
      interval: sampler.interval,
      sampler: sampler.name,
    };
    return new Report(samples, full, this.options.render, this.colorDefault);
  }
}

class TimingHandle implements RequestHandle {
  readonly profiled = false;
  readonly trigger = undefined;
  private readonly t0 = nowUs();
  serverTiming(): string {
    return `prof;dur=${((nowUs() - this.t0) / 1000).toFixed(1)}`;
  }
  annotate(): void {}
  finish(): void {}
  discard(): void {}
  report(): Promise<Report | undefined> {
    return Promise.resolve(undefined);
  }
  reportFault(): void {}
}

class ProfiledRequest implements RequestHandle {
  readonly profiled = true;
  private done = false;
  private readonly meta: Partial<ReportMeta>;
  private readonly startedAt = Date.now();
  private readonly timer: ReturnType<typeof setTimeout>;
  private resolveReport!: (r: Report | undefined) => void;
  private readonly reportPromise = new Promise<Report | undefined>((resolve) => (this.resolveReport = resolve));

  constructor(
    private readonly profiler: Profiler,
    private readonly sampler: SharedSampler,
    private readonly rec: Recording,
    req: RequestInfo,
    readonly trigger: Trigger | undefined = undefined,
  ) {
    this.meta = { method: req.method, path: req.url };
    // Streams, SSE and long polls would otherwise hold samples forever.
    this.timer = setTimeout(() => this.finish(undefined, { truncated: true }), profiler.options.maxDuration);
    this.timer.unref?.();
  }

  serverTiming(): string | undefined {
    if (!this.profiler.options.serverTiming) return undefined;
    return `prof;dur=${((nowUs() - this.rec.start) / 1000).toFixed(1)};desc="profiled"`;
  }

  annotate(fields: Partial<ReportMeta>): void {
    Object.assign(this.meta, fields);
  }

  report(): Promise<Report | undefined> {
    return this.reportPromise;
  }

  reportFault(kind: string, err: unknown): void {
    this.profiler.fault(kind, err);
  }

  discard(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.sampler.discard(this.rec);
    this.resolveReport(undefined);
  }

  finish(status: number | undefined, extra?: Partial<ReportMeta>): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    const end = nowUs();
    const p = this.profiler;
    if (!this.trigger && (end - this.rec.start) / 1000 < p.options.slowThreshold) {
      p.stats.belowThreshold++;
      this.sampler.discard(this.rec);
      this.resolveReport(undefined);
      return;
    }
    const meta = { ...this.meta, ...extra, status: status ?? this.meta.status };
    let pending: Promise<Samples>;
    try {
      pending = this.sampler.end(this.rec, end);
    } catch (err) {
      p.fault('sampler stop', err);
      this.resolveReport(undefined);
      return;
    }
    pending
      .then(
        (samples) => {
          let report: Report;
          try {
            report = p.makeReport(
              samples,
              {
                ...meta,
                id: nextReportId(),
                startedAt: new Date(this.startedAt).toISOString(),
                truncated: meta.truncated === true,
              },
              this.sampler,
            );
          } catch (err) {
            this.resolveReport(undefined);
            p.fault('building the report', err);
            return;
          }
          this.resolveReport(report);
          return p.deliver(report);
        },
        (err) => {
          this.resolveReport(undefined);
          p.fault('sampler stop', err);
        },
      )
      .catch((err) => p.fault('delivering the report', err));
  }
}

/** Creates the framework-free profiler; adapters wrap this. Throws a TypeError on bad options. */
export function createProfiler(options?: ProfilerOptions): Profiler {
  return new Profiler(options);
}
