import { assembleMeta } from '../meta.js';
import type { ResolvedOptions } from '../options.js';
import { Report } from '../report.js';
import { nowUs } from '../runtime.js';
import type { Samples } from '../samples.js';
import type { Recording, SharedSampler } from '../sampler/shared.js';
import type { ReportMeta, RequestInfo } from '../types.js';
import type { Trigger } from './trigger.js';

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

/** What a profiled request needs from the profiler that admitted it. */
export interface RequestHost {
  readonly options: ResolvedOptions;
  /** A request under slowThreshold was dropped. */
  belowThreshold(): void;
  fault(kind: string, err: unknown): void;
  /** Hands a finished report to the sinks. Never rejects. */
  deliver(report: Report): Promise<void>;
}

/** A request that is timed for Server-Timing but not profiled. */
export class TimingHandle implements RequestHandle {
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

/** A request being recorded: on finish, its samples become a Report handed to the host's sinks. */
export class ProfiledRequest implements RequestHandle {
  readonly profiled = true;
  private done = false;
  private readonly meta: Partial<ReportMeta>;
  private readonly startedAt = Date.now();
  private readonly timer: ReturnType<typeof setTimeout>;
  private resolveReport!: (r: Report | undefined) => void;
  private readonly reportPromise = new Promise<Report | undefined>((resolve) => (this.resolveReport = resolve));

  constructor(
    private readonly host: RequestHost,
    private readonly sampler: SharedSampler,
    private readonly rec: Recording,
    req: RequestInfo,
    readonly trigger: Trigger | undefined = undefined,
  ) {
    this.meta = { method: req.method, path: req.url };
    // Streams, SSE and long polls would otherwise hold samples forever.
    this.timer = setTimeout(() => this.finish(undefined, { truncated: true }), host.options.maxDuration);
    this.timer.unref?.();
  }

  serverTiming(): string | undefined {
    if (!this.host.options.serverTiming) return undefined;
    return `prof;dur=${((nowUs() - this.rec.start) / 1000).toFixed(1)};desc="profiled"`;
  }

  annotate(fields: Partial<ReportMeta>): void {
    Object.assign(this.meta, fields);
  }

  report(): Promise<Report | undefined> {
    return this.reportPromise;
  }

  reportFault(kind: string, err: unknown): void {
    this.host.fault(kind, err);
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
    const host = this.host;
    if (!this.trigger && (end - this.rec.start) / 1000 < host.options.slowThreshold) {
      host.belowThreshold();
      this.sampler.discard(this.rec);
      this.resolveReport(undefined);
      return;
    }
    const fields = { ...this.meta, ...extra, status: status ?? this.meta.status };
    let pending: Promise<Samples>;
    try {
      pending = this.sampler.end(this.rec, end);
    } catch (err) {
      host.fault('sampler stop', err);
      this.resolveReport(undefined);
      return;
    }
    pending
      .then(
        (samples) => {
          let report: Report;
          try {
            report = this.toReport(samples, fields);
          } catch (err) {
            this.resolveReport(undefined);
            host.fault('building the report', err);
            return;
          }
          this.resolveReport(report);
          return host.deliver(report);
        },
        (err) => {
          this.resolveReport(undefined);
          host.fault('sampler stop', err);
        },
      )
      .catch((err) => host.fault('delivering the report', err));
  }

  private toReport(samples: Samples, fields: Partial<ReportMeta>): Report {
    const meta = assembleMeta(samples, {
      ...fields,
      startedAt: new Date(this.startedAt).toISOString(),
      truncated: fields.truncated === true,
      interval: this.sampler.interval,
      sampler: this.sampler.name,
    });
    const o = this.host.options;
    return new Report(samples, meta, o.render, false, { sourceMaps: o.sourceMaps, logger: o.logger });
  }
}
