// The sampler's leaf module: what every backend is (the types live in core's leaf types.ts), with
// no implementation imported (load.ts picks one).
import type { RawProfile } from '../types.js';

export type { Backend, BackendName, CallFrame, ContextLabels, RawProfile } from '../types.js';

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
