import type { OutputFormat } from './formats.js';
import type { Report } from './report.js';
import type { Attribution, Logger, RenderOptions, ResolvedRenderOptions, SamplerKind } from './types.js';

export interface FileNameInfo {
  timestamp: string;
  method: string;
  path: string;
  status: string;
  duration: string;
  id: string;
  ext: string;
  report: Report;
}

/**
 * A predicate on the framework's request. Declared as a method so that options typed for one
 * framework (`ProfilerOptions<FastifyRequest>`) are still accepted where any request may come.
 */
export type RequestPredicate<Req> = { check(req: Req): boolean }['check'];

/**
 * The options of every adapter's `profiler(opts)` (defaults: DEFAULTS in defaults.ts). `Req` is
 * what the adapter hands `enabled` and `allow`: Express's `Request`, Fastify's `FastifyRequest`,
 * Koa's and Hono's `Context`, Node's `IncomingMessage` under NestJS.
 */
export interface ProfilerOptions<Req = unknown> {
  /** Sampling interval in microseconds. Default 1000. */
  interval?: number;
  /** true, false, a sampling rate in 0..1, or a predicate. Default true. */
  enabled?: boolean | number | RequestPredicate<Req>;
  /** One or several report formats written to outputDir / returned on trigger. Default 'text'. */
  output?: OutputFormat | OutputFormat[];
  /** Print each profiled request's text tree through logger.info. Default true. */
  printEachRequest?: boolean;
  /** Write each report there. */
  outputDir?: string;
  /** Template or function for file names inside outputDir. */
  fileName?: string | ((info: FileNameInfo) => string);
  /** Query parameter that returns the report instead of the response (needs `allow`). */
  queryParam?: string;
  /** Header that returns the report instead of the response (needs `allow`). */
  header?: string;
  /** Who may trigger reports by query parameter or header. */
  allow?: RequestPredicate<Req>;
  /** Keep only requests slower than this many milliseconds. Default 0. */
  slowThreshold?: number;
  /** How the tree is rendered. */
  render?: RenderOptions;
  /** Receives every kept report. */
  onReport?: (report: Report) => void | Promise<void>;
  /** Add a Server-Timing header. Default false. */
  serverTiming?: boolean;
  /** Where messages go. Default console. */
  logger?: Logger;
  /**
   * Sampler backend. Default 'auto': @datadog/pprof on Node >= 24 (its samples carry their async
   * context, so `attribution: 'context'` needs no async hook), else v8-profiler-next when built,
   * else Node >= 24's built-in profiler, else node:inspector.
   */
  sampler?: SamplerKind;
  /** At most this many requests profiled at once; the rest pass through unprofiled. Default 32. */
  maxConcurrent?: number;
  /** A request profiled longer than this many milliseconds is cut off and marked truncated. Default 30000. */
  maxDuration?: number;
  /**
   * 'context' (default): a report holds only the samples taken while its request's own async
   * context ran; the rest of its wall time is `[await]`. 'window': every sample between the
   * request's start and end, whoever's work it was.
   */
  attribution?: Attribution;
  /**
   * Keep at most this many report files in outputDir: after each write, the oldest files named
   * by prof's `fileName` template (or, for a fileName function, written by this profiler) are
   * removed. Default: no limit.
   */
  maxFiles?: number;
  /**
   * At most this many reports waiting to be written to outputDir; when the disk falls behind,
   * further reports skip their files (counted in stats.droppedWrites). Default 64.
   */
  maxPendingWrites?: number;
  /**
   * Report frames of compiled or bundled code at their sources (file, line, original name) through
   * the scripts' source maps, read when a kept report is first rendered. Default true.
   */
  sourceMaps?: boolean;
  /**
   * Serve the dashboard at this path (e.g. '/_prof'), gated by `allow`; a refused request goes on
   * to the app unchanged. Implies `aggregate`. Default off.
   */
  dashboard?: string;
  /** Keep per-route aggregates (`true`, or settings). Default off. */
  aggregate?: AggregateOption;
}

/** The `aggregate` option: `true` or its settings. */
export type AggregateOption =
  | boolean
  | {
      /** Rolling window, ms. Default 600000 (ten minutes). */
      window?: number;
      /** Slowest requests kept per route as full reports. Default 5. */
      exemplars?: number;
      /** One aggregated HTML of the run, inside outputDir, e.g. 'profiling.html'. */
      file?: string;
      /** ms between rewrites of `file`. Default 10000. */
      every?: number;
    };

/** The `aggregate` option once resolved. */
export interface AggregateSettings {
  /** Rolling window, ms. */
  window: number;
  /** Slowest requests kept per route, as full reports. */
  exemplars: number;
  /** File name inside outputDir rewritten with the aggregated HTML; undefined: none. */
  file: string | undefined;
  /** ms between rewrites of `file`. */
  every: number;
}

export interface ResolvedOptions {
  interval: number;
  enabled: (req: unknown) => boolean;
  /** True unless `enabled` is the constant false (lets adapters skip all work). */
  maybeEnabled: boolean;
  output: OutputFormat[];
  printEachRequest: boolean;
  outputDir: string | undefined;
  fileName: string | ((info: FileNameInfo) => string);
  queryParam: string | undefined;
  header: string | undefined;
  allow: ((req: unknown) => boolean) | undefined;
  slowThreshold: number;
  /** Resolved once: every report of this profiler renders with these unless told otherwise. */
  render: ResolvedRenderOptions;
  onReport: ((report: Report) => void | Promise<void>) | undefined;
  serverTiming: boolean;
  logger: Logger;
  sampler: SamplerKind;
  maxConcurrent: number;
  maxDuration: number;
  attribution: Attribution;
  maxFiles: number | undefined;
  maxPendingWrites: number;
  sourceMaps: boolean;
  /** The dashboard's path, or undefined. */
  dashboard: string | undefined;
  /** Aggregation settings, or undefined when off. */
  aggregate: AggregateSettings | undefined;
}

/** What `profile(fn, opts)` takes. */
export interface ProfileOptions {
  /** Sampling interval, µs. Default 1000. */
  interval?: number;
  sampler?: SamplerKind;
  /** Default render options of the report. */
  render?: RenderOptions;
  /** Shown in the report header as `Program:`. Default: the function's name. */
  name?: string;
  logger?: Logger;
  /** 'context' (default): only fn's own async context; 'window': everything the thread ran meanwhile. */
  attribution?: Attribution;
  /** Frames of compiled or bundled code at their sources, through source maps. Default true. */
  sourceMaps?: boolean;
}
