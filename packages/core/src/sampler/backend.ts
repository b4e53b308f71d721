// The sampler's leaf module: what every backend is, with no implementation imported (load.ts
// picks one).

/** A V8 call frame with 1-based line and column (0: unknown). */
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** V8's profile in Chrome's format, as every backend returns it (line numbers already 1-based). */
export interface RawProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  /** Monotonic microseconds, the clock of nowUs(). */
  startTime: number;
  endTime: number;
}

/**
 * 'native': v8-profiler-next (a native addon, built at install). 'v8': Node >= 24's built-in
 * `v8.startCpuProfile()`. 'inspector': `node:inspector`, one same-thread session.
 */
export type BackendName = 'native' | 'v8' | 'inspector';

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
}

export class SamplerUnavailableError extends Error {}

/** V8's line and column numbers are 0-based outside v8-profiler-next; prof's are 1-based. */
export function oneBasedLines(profile: RawProfile): RawProfile {
  for (const node of profile.nodes) {
    const cf = node.callFrame;
    cf.lineNumber = cf.lineNumber >= 0 ? cf.lineNumber + 1 : 0;
    cf.columnNumber = cf.columnNumber >= 0 ? cf.columnNumber + 1 : 0;
  }
  return profile;
}
