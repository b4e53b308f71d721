import { builtin, nowUs, proc } from '../runtime.js';
import { oneBasedLines, type Backend, type RawProfile } from './backend.js';

interface CpuProfileHandle {
  /** The profile in Chrome's format, as JSON text. */
  stop(): string;
}
/** Node >= 24 (options from Node 26 on). */
type StartCpuProfile = (options?: { samplingIntervalMicros?: number }) => CpuProfileHandle;

/** V8's base sampling interval, the only one Node 24's startCpuProfile() knows. */
const V8_DEFAULT_INTERVAL = 1000;

/**
 * Node 24–26 write the call frames' strings into the profile's JSON unescaped: a RegExp frame
 * named `RegExp: "(\w+)"=\d` (quotes and backslashes raw), a Windows path as url. JSON.parse then
 * fails, so such text is repaired by the profile's structure: a callFrame is always
 * `{"functionName":…,"lineNumber":…,"columnNumber":…,"scriptId":…,"url":…}`, so a name runs to the
 * next `","lineNumber":` and a url to the next `"}`; each is re-encoded as a JSON string.
 */
export function parseV8Profile(text: string): RawProfile {
  try {
    return JSON.parse(text) as RawProfile;
  } catch {
    const repaired = text
      .replace(/"functionName":"([\s\S]*?)","lineNumber":/g, (_, name: string) => {
        return `"functionName":${JSON.stringify(name)},"lineNumber":`;
      })
      .replace(/"url":"([\s\S]*?)"\}/g, (_, url: string) => `"url":${JSON.stringify(url)}}`);
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
      const text = handle.stop();
      return oneBasedLines(fixProfileTimes(parseV8Profile(text), nowUs()));
    },
  };
  return { backend };
}
