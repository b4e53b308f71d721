import { builtin, nowUs, proc } from '../runtime.js';
import { oneBasedLines, type Backend, type RawProfile } from './backend.js';

interface CpuProfileHandle {
  /** The profile in Chrome's format, as JSON text. */
  stop(): string;
}
/** Node >= 24; Node 26 declares options but samples at the CpuProfiler's base interval whatever they say. */
type StartCpuProfile = (options?: { samplingIntervalMicros?: number }) => CpuProfileHandle;

/**
 * Node 24–26 write the call frames' strings into the profile's JSON unescaped: a RegExp frame
 * named `RegExp: "(\w+)"=\d` (quotes and backslashes raw), a Windows path as url. JSON.parse then
 * fails, so such text is repaired by the profile's structure: a callFrame is always
 * `{"functionName":…,"lineNumber":…,"columnNumber":…,"scriptId":…,"url":…}` and is followed by
 * `}`, `,"children":` or `,"positionTicks":`. A name runs to the `","lineNumber":` that numbers
 * follow, a url to the `"}` that one of those follows (not the first: a RegExp's source may hold
 * `","lineNumber":` — prof's own repair patterns did, found on Node 24); each is re-encoded.
 */
const RAW_NAME = /"functionName":"([\s\S]*?)","lineNumber":(?=-?\d+,"columnNumber":-?\d+,"scriptId":)/g;
const RAW_URL = /"url":"([\s\S]*?)"\}(?=\}|,"children":|,"positionTicks":)/g;

export function parseV8Profile(text: string): RawProfile {
  try {
    return JSON.parse(text) as RawProfile;
  } catch {
    const repaired = text
      .replace(RAW_NAME, (_, name: string) => `"functionName":${JSON.stringify(name)},"lineNumber":`)
      .replace(RAW_URL, (_, url: string) => `"url":${JSON.stringify(url)}}`);
    return JSON.parse(repaired) as RawProfile;
  }
}

const WRAP = 2 ** 32;

/**
 * Node 24–26 write the profile's startTime and endTime truncated to 32 bits (µs: they wrap every
 * 71.6 minutes of uptime), while the timeDeltas are right. A profile is stopped within minutes of
 * its start, so each time is the latest value at or before `now` with the same low 32 bits.
 */
export function unwrapTime(written: number, now: number): number {
  return now - ((((now - written) % WRAP) + WRAP) % WRAP);
}

/** Puts a stopped profile's start and end back on nowUs()'s clock. */
export function fixProfileTimes(profile: RawProfile, now: number): RawProfile {
  if (Math.abs(now - profile.endTime) < WRAP / 2) return profile;
  profile.startTime = unwrapTime(profile.startTime, now);
  profile.endTime = unwrapTime(profile.endTime, now);
  return profile;
}

/** Node's built-in `v8.startCpuProfile()`: no addon, no install script, one CpuProfiler kept warm. */
export function loadV8Backend(interval: number): { backend?: Backend; reason?: string } {
  const v8 = builtin('node:v8') as
    | { startCpuProfile?: StartCpuProfile; setFlagsFromString?: (flags: string) => void }
    | undefined;
  const startCpuProfile = v8?.startCpuProfile;
  if (typeof startCpuProfile !== 'function') {
    return { reason: `node:v8 has no startCpuProfile() before Node 24 (this is Node ${proc?.versions?.node})` };
  }
  // Node 24 ignores startCpuProfile()'s options and Node 26 accepts them but still samples every
  // 1000µs (measured: 170–180 samples per 200 ms busy whether 100 or 5000µs is asked). The isolate's
  // CpuProfiler is created at the first start and reads its base interval from this V8 flag then:
  // set before any profile, it is honoured on both (measured: 250µs → 4 samples per ms busy).
  let us = interval;
  let started = false;
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
      if (!started) {
        started = true;
        v8?.setFlagsFromString?.(`--cpu-profiler-sampling-interval=${Math.round(us)}`);
      }
      handles[slot] = startCpuProfile({ samplingIntervalMicros: us });
    },
    stop(slot) {
      const handle = handles[slot];
      if (!handle) throw new Error(`prof: slot ${slot} is not running`);
      handles[slot] = undefined;
      const text = handle.stop();
      return oneBasedLines(fixProfileTimes(parseV8Profile(text), nowUs()));
    },
  };
  return { backend };
}
