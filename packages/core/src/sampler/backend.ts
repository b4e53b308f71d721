import type { Backend, CallFrame, Logger, RawProfile, SamplerKind } from '../types.js';
import { loadNativeBackend } from './native.js';
import { loadInspectorBackend } from './inspector.js';

export type { Backend, CallFrame, RawProfile };

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
