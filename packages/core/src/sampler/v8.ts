import { builtin, proc } from '../runtime.js';
import { oneBasedLines, type Backend, type RawProfile } from './backend.js';

interface CpuProfileHandle {
  /** The profile in Chrome's format, as JSON text. */
  stop(): string;
}
/** Node >= 24 (options from Node 26 on). */
type StartCpuProfile = (options?: { samplingIntervalMicros?: number }) => CpuProfileHandle;

/** V8's base sampling interval, the only one Node 24's startCpuProfile() knows. */
const V8_DEFAULT_INTERVAL = 1000;

/** Node's built-in `v8.startCpuProfile()`: no addon, no install script, one CpuProfiler kept warm. */
export function loadV8Backend(interval: number): { backend?: Backend; reason?: string } {
  const v8 = builtin('node:v8') as { startCpuProfile?: StartCpuProfile } | undefined;
  const startCpuProfile = v8?.startCpuProfile;
  if (typeof startCpuProfile !== 'function') {
    return { reason: `node:v8 has no startCpuProfile() before Node 24 (this is Node ${proc?.versions?.node})` };
  }
  // Node 24 declares no parameter and ignores options; Node 26 takes { samplingIntervalMicros }.
  const takesOptions = startCpuProfile.length > 0;
  if (!takesOptions && interval !== V8_DEFAULT_INTERVAL) {
    return {
      reason: `Node ${proc?.versions?.node}'s v8.startCpuProfile() samples every ${V8_DEFAULT_INTERVAL}µs only (interval ${interval}µs asked)`,
    };
  }
  let us = interval;
  const handles: [CpuProfileHandle | undefined, CpuProfileHandle | undefined] = [undefined, undefined];
  const backend: Backend = {
    name: 'v8',
    // Like native: a rotation with another profile running costs well under a millisecond.
    minRotationMs: 10,
    setInterval(value) {
      us = value;
    },
    start(slot) {
      if (handles[slot]) return;
      handles[slot] = takesOptions ? startCpuProfile({ samplingIntervalMicros: us }) : startCpuProfile();
    },
    stop(slot) {
      const handle = handles[slot];
      if (!handle) throw new Error(`prof: slot ${slot} is not running`);
      handles[slot] = undefined;
      return oneBasedLines(JSON.parse(handle.stop()) as RawProfile);
    },
  };
  return { backend };
}
