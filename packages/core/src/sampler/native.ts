import { builtin } from '../runtime.js';
import type { Backend, RawProfile } from '../types.js';

interface V8ProfilerNext {
  setGenerateType(type: 0 | 1): void;
  setProfilesCleanupLimit(limit: number): void;
  setSamplingInterval(us: number): void;
  startProfiling(title: string, recordSamples: boolean, mode: 0 | 1): void;
  stopProfiling(title: string): RawProfile & { delete(): void };
}

const TITLES = ['prof-slot-0', 'prof-slot-1'] as const;

/** Where this module lives, to resolve the optional dependency from core's own location. */
function here(): string {
  return typeof __filename === 'string' ? __filename : import.meta.url;
}

/** The addon, or why not; `unbuilt` when the package is installed but its build never ran. */
export function loadNativeBackend(): { backend?: Backend; reason?: string; unbuilt?: boolean } {
  const mod = builtin('node:module');
  if (!mod) return { reason: 'not running on Node.js' };
  let v8p: V8ProfilerNext;
  try {
    v8p = mod.createRequire(here())('v8-profiler-next') as V8ProfilerNext;
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? String(err);
    // Installed without its build (pnpm 10, Yarn 4, --ignore-scripts): the package resolves, its binary does not.
    return { reason, unbuilt: /\.node'|build[/\\]/.test(reason) };
  }
  // Chrome's format (nodes + timeDeltas); never dispose the CpuProfiler between profiles, since
  // re-creating it walks all compiled code (hundreds of ms in a large app). The addon keeps the
  // limit in a C int: 2 ** 31 wrapped to INT_MIN and disposed the profiler after every idle.
  v8p.setGenerateType(1);
  v8p.setProfilesCleanupLimit(2 ** 31 - 1);
  const running = [false, false];
  const backend: Backend = {
    name: 'native',
    // Batch rotations: under load, rotating after every request (start + stop of a V8 profile
    // each time) was the largest per-request cost of the sampler; reports arrive 10–50 ms later
    // (SharedSampler stretches the wait to keep rotations near 1 % of the main thread).
    minRotationMs: 10,
    setInterval(us) {
      v8p.setSamplingInterval(us);
    },
    start(slot) {
      if (running[slot]) return;
      // Eager logging (mode 1) keeps code events logged, so a start does not walk the heap.
      v8p.startProfiling(TITLES[slot], true, 1);
      running[slot] = true;
    },
    stop(slot) {
      // stopProfiling() on a title that is not running crashes the process: guard it.
      if (!running[slot]) throw new Error(`prof: slot ${slot} is not running`);
      running[slot] = false;
      const profile = v8p.stopProfiling(TITLES[slot]);
      const result: RawProfile = {
        nodes: profile.nodes,
        samples: profile.samples,
        timeDeltas: profile.timeDeltas,
        startTime: profile.startTime,
        endTime: profile.endTime,
      };
      profile.delete();
      return result;
    },
  };
  return { backend };
}
