import type { Session } from 'node:inspector';
import { builtin } from '../runtime.js';
import { oneBasedLines, type Backend, type RawProfile } from './backend.js';

/** Same-thread inspector sessions answer synchronously; this keeps the call synchronous. */
function post<T>(session: Session, method: string, params?: object): T {
  let result: T | undefined;
  let error: Error | null = null;
  let answered = false;
  session.post(method, params ?? {}, (err, res) => {
    error = err;
    result = res as T;
    answered = true;
  });
  if (!answered) throw new Error(`prof: inspector ${method} did not answer synchronously`);
  if (error) throw error;
  return result as T;
}

interface VmConsole {
  profile(title: string): void;
  profileEnd(title: string): void;
}

const TITLES = ['prof-slot-0', 'prof-slot-1'] as const;

/**
 * `node:inspector` through one same-thread session whose two slots are console profiles.
 *
 * Each session's profiler agent owns one V8 CpuProfiler, created when its first profile starts
 * and disposed when its last one stops; re-creating it walks all compiled code (hundreds of ms in
 * a large app). Two sessions (or Profiler.start/stop on one) therefore made every rotation two
 * cold starts. Console profiles on one session share its CpuProfiler: with the next slot started
 * before the last one ends it never stops, and a rotation costs what native's does. V8 delivers
 * each finished profile synchronously as a `Profiler.consoleProfileFinished` event.
 */
export function loadInspectorBackend(): { backend?: Backend; reason?: string } {
  const inspector = builtin('node:inspector');
  if (!inspector) return { reason: 'node:inspector is not available' };
  // The VM's own console: the app may have replaced globalThis.console's methods.
  const vmConsole = inspector.console as unknown as Partial<VmConsole>;
  if (typeof vmConsole.profile !== 'function' || typeof vmConsole.profileEnd !== 'function') {
    return { reason: 'node:inspector has no console.profile()' };
  }
  const { profile, profileEnd } = vmConsole as VmConsole;
  let session: Session;
  try {
    session = new inspector.Session();
    session.connect();
    post(session, 'Profiler.enable');
  } catch (err) {
    // e.g. the permission model without --allow-inspector.
    return { reason: `node:inspector session refused: ${(err as Error).message}` };
  }
  let interval = 1000;
  let delivered: RawProfile | undefined;
  let expecting: string | undefined;
  session.on('Profiler.consoleProfileFinished', (message) => {
    const params = message.params as { title?: string; profile: RawProfile };
    if (expecting !== undefined && params.title === expecting) delivered = params.profile;
  });
  const running = [false, false];
  const backend: Backend = {
    name: 'inspector',
    // V8's inspector gives every profile a new id that it keeps until the profiler is disposed
    // (~110 bytes per rotation, measured): rotate at most 10 times a second.
    minRotationMs: 100,
    setInterval(us) {
      interval = us;
      // Refused while a profile runs (V8 fixes the interval when its profiler is created).
      if (!running[0] && !running[1]) post(session, 'Profiler.setSamplingInterval', { interval });
    },
    start(slot) {
      if (running[slot]) return;
      if (!running[0] && !running[1]) post(session, 'Profiler.setSamplingInterval', { interval });
      profile.call(inspector.console, TITLES[slot]);
      running[slot] = true;
    },
    stop(slot) {
      if (!running[slot]) throw new Error(`prof: slot ${slot} is not running`);
      running[slot] = false;
      delivered = undefined;
      expecting = TITLES[slot];
      try {
        profileEnd.call(inspector.console, TITLES[slot]);
      } finally {
        expecting = undefined;
      }
      const result = delivered as RawProfile | undefined;
      delivered = undefined;
      if (!result) throw new Error('prof: node:inspector did not deliver the console profile synchronously');
      return oneBasedLines(result);
    },
  };
  return { backend };
}
