import type { Logger, SamplerKind } from '../options.js';
import { loadNativeBackend } from './native.js';
import { loadInspectorBackend } from './inspector.js';

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
}

/**
 * One V8 profiling backend with two slots, so that a new profile can start before the
 * old one stops and no sample falls between them.
 */
export interface Backend {
  readonly name: 'native' | 'inspector';
  setInterval(us: number): void;
  start(slot: 0 | 1): void;
  stop(slot: 0 | 1): RawProfile;
  /** Minimum milliseconds between rotations; starting and stopping is expensive on some backends. */
  readonly minRotationMs: number;
}

export class SamplerUnavailableError extends Error {}

/** The backend asked for, falling back from native to inspector under 'auto'. */
export function loadBackend(kind: SamplerKind, logger: Logger): Backend {
  if (kind !== 'inspector') {
    const native = loadNativeBackend();
    if (native.backend) return native.backend;
    if (kind === 'native') {
      throw new SamplerUnavailableError(
        `prof: sampler 'native' was asked for but v8-profiler-next could not be loaded: ${native.reason}`,
      );
    }
    logger.info(
      `prof: v8-profiler-next unavailable (${native.reason}); sampling through node:inspector, whose start/stop is slower`,
    );
  }
  const inspector = loadInspectorBackend();
  if (!inspector)
    throw new SamplerUnavailableError(
      'prof: no V8 sampler in this runtime (neither v8-profiler-next nor node:inspector)',
    );
  return inspector;
}
