import type { Session } from 'node:inspector';
import { builtin } from '../runtime.js';
import type { Backend, RawProfile } from '../types.js';

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

export function loadInspectorBackend(): Backend | undefined {
  const inspector = builtin('node:inspector');
  if (!inspector) return undefined;
  // One profile per session: two sessions give the two slots.
  const sessions: [Session | undefined, Session | undefined] = [undefined, undefined];
  let interval = 1000;
  const session = (slot: 0 | 1): Session => {
    let s = sessions[slot];
    if (!s) {
      s = new inspector.Session();
      s.connect();
      post(s, 'Profiler.enable');
      post(s, 'Profiler.setSamplingInterval', { interval });
      sessions[slot] = s;
    }
    return s;
  };
  const running = [false, false];
  return {
    name: 'inspector',
    // Each start/stop through the inspector costs tens of milliseconds in a large process.
    minRotationMs: 250,
    setInterval(us) {
      interval = us;
      for (const s of sessions) if (s) post(s, 'Profiler.setSamplingInterval', { interval: us });
    },
    start(slot) {
      if (running[slot]) return;
      post(session(slot), 'Profiler.start');
      running[slot] = true;
    },
    stop(slot) {
      if (!running[slot]) throw new Error(`prof: slot ${slot} is not running`);
      running[slot] = false;
      const { profile } = post<{ profile: RawProfile }>(session(slot), 'Profiler.stop');
      // The inspector's lines and columns are 0-based, v8-profiler-next's 1-based: use 1-based.
      for (const node of profile.nodes) {
        const cf = node.callFrame;
        cf.lineNumber = cf.lineNumber >= 0 ? cf.lineNumber + 1 : 0;
        cf.columnNumber = cf.columnNumber >= 0 ? cf.columnNumber + 1 : 0;
      }
      return profile;
    },
  };
}
