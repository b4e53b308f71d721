// Types shared across core's layers. A leaf: it imports nothing, so every module may use it.

/** Monotonic or elapsed time in microseconds (V8's sample clock). */
export type Microseconds = number;
/** Elapsed time in milliseconds (what people read: durations, thresholds). */
export type Milliseconds = number;

// V8's profile data as both sampler backends return it (sampler/backend.ts loads them).

/** A V8 call frame with 1-based line and column (0: unknown). */
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** V8's profile in Chrome's format, as both backends return it (line numbers already 1-based). */
export interface RawProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  /** Monotonic microseconds, the clock of nowUs(). */
  startTime: number;
  endTime: number;
  /** Per sample, from a backend with `labels`: the async context it ran in (0: none). */
  sampleLabels?: number[];
}

/**
 * One V8 profiling backend with two slots, so that a new profile can start before the
 * old one stops and no sample falls between them.
 */
export interface Backend {
  readonly name: BackendName;
  /** Takes effect from the next start of a stopped profiler; call it before the first start. */
  setInterval(us: number): void;
  start(slot: 0 | 1): void;
  stop(slot: 0 | 1): RawProfile;
  /** Minimum milliseconds between rotations. */
  readonly minRotationMs: number;
  /** A profile running this long is rotated even while recordings are open (the backend's buffers are bounded). */
  readonly maxProfileMs?: number;
  /**
   * Present when the backend labels every sample with the async context it ran in (RawProfile's
   * sampleLabels): context attribution then reads the labels and needs no async hook.
   */
  readonly labels?: ContextLabels;
  /** True when the backend restarts a stuck V8 profiler itself (the sampler's stall watch then stays out). */
  readonly restartsStalled?: boolean;
}

/** How a labelling backend's contexts are opened (the id comes back in sampleLabels). */
export interface ContextLabels {
  /** Makes `id` (> 0) the context of the code running now and of everything it schedules. */
  enter(id: number): void;
  /** Runs fn in a context of its own, so that an enter() inside does not leak to the caller. */
  isolate<T>(fn: () => T): T;
}

/**
 * 'pprof': @datadog/pprof's time profiler (prebuilt binaries), on Node >= 24 where it labels each
 * sample with its AsyncContextFrame context. 'native': v8-profiler-next (a native addon, built at
 * install). 'v8': Node >= 24's built-in `v8.startCpuProfile()`. 'inspector': `node:inspector`,
 * one same-thread session.
 */
export type BackendName = 'pprof' | 'native' | 'v8' | 'inspector';

/** What a framework request looks like to core (adapters fill it in). */
export interface RequestInfo {
  method: string;
  /** The path with the query string, as received (untrusted). */
  url: string;
  /** Header lookup, lower-case names. */
  header(name: string): string | undefined;
  /** The framework's own request object, for user predicates. */
  raw: unknown;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type SamplerKind = 'auto' | BackendName;

/** Whose samples a recording keeps: its own async context's, or every sample of its window. */
export type Attribution = 'context' | 'window';

export interface RenderOptions {
  /** Show library and Node-internal frames instead of folding them. Default false. */
  showAll?: boolean;
  /** ANSI colours. Default: when stdout is a TTY and the logger is the console. */
  color?: boolean;
  /** Box-drawing characters. Default true. */
  unicode?: boolean;
  /** Times in seconds or as a percentage of the total. Default 'seconds'. */
  time?: 'seconds' | 'percent';
  /** Remove frames below this share of the total, 0..1. Default 0.01. */
  filterThreshold?: number;
  /** Globs (matched against the file path or library name) of frames to fold even if they are app code. */
  hide?: string[];
  /** Globs of frames to show even if they are library code. */
  show?: string[];
}

export type ResolvedRenderOptions = Required<RenderOptions>;

export interface ReportMeta {
  /** Unique within the process. */
  id: string;
  /** What was profiled when it is not a request (profile(), the CLI). */
  name?: string;
  method?: string;
  /** Request path with query string, as received. */
  path?: string;
  /** The framework's route pattern, e.g. `/users/:id`. */
  route?: string;
  status?: number;
  /** ISO 8601 wall-clock time the recording started. */
  startedAt: string;
  /** Wall-clock milliseconds. */
  duration: Milliseconds;
  /** Milliseconds of samples that were not idle. */
  cpuTime: Milliseconds;
  sampleCount: number;
  /** Samples that ran code: not idle, not waiting while other requests ran. */
  cpuSampleCount?: number;
  /** Sampling interval, µs. */
  interval: Microseconds;
  sampler: BackendName;
  /** The recording was cut off at maxDuration. */
  truncated: boolean;
  /** Extra fields set by adapters (e.g. NestJS controller and handler). */
  [key: string]: unknown;
}
