// Loaded into the profiled program with `node --require`: samples the main thread from the
// program's first line and writes a Chrome .cpuprofile when the program ends, however it ends.
// It talks to node:inspector directly rather than through core's shared sampler so that a
// program which itself uses prof (a server with @prof/express) keeps its own sampler untouched.
import dc from 'node:diagnostics_channel';
import fs from 'node:fs';
import { Session } from 'node:inspector';
import { isMainThread } from 'node:worker_threads';

import { ENV_INTERVAL, ENV_OUT, type ChildResult } from './protocol.js';
import { remapFrames } from './sourcemaps.js';

function post<T>(session: Session, method: string, params: object = {}): T {
  let result: T | undefined;
  let error: Error | null = null;
  let answered = false;
  session.post(method, params, (err, res) => {
    error = err;
    result = res as T;
    answered = true;
  });
  if (!answered) throw new Error(`prof: inspector ${method} did not answer synchronously`);
  if (error) throw error;
  return result as T;
}

/** The clock of the profile's timestamps (CLOCK_MONOTONIC, as core's nowUs). */
function nowUs(): number {
  const [sec, ns] = process.hrtime();
  return sec * 1e6 + ns / 1e3;
}

function start(out: string, interval: number): void {
  const session = new Session();
  session.connect();
  post(session, 'Profiler.enable');
  post(session, 'Profiler.setSamplingInterval', { interval });
  const startedAt = new Date().toISOString();
  post(session, 'Profiler.start');
  const beganAt = nowUs();

  let workers = 0;
  let children = 0;
  // Node announces the module-hooks thread of a loader (tsx through --import or --loader) as a
  // worker too: an InternalWorker on Node 20, a plain Worker from Node 22 on. It is not the
  // program's, and it is the first worker of a process started with a loader.
  let loaderThreads = process.execArgv.some((a) => /^--(?:import|loader|experimental-loader)\b/.test(a)) ? 1 : 0;
  process.on('worker', (w: object) => {
    if (w.constructor.name === 'InternalWorker' || loaderThreads > 0) loaderThreads = 0;
    else workers++;
  });
  const onChild = (): void => void children++;
  dc.subscribe('child_process', onChild);

  let written = false;
  const write = (reason: string): void => {
    if (written) return;
    written = true;
    const endedAt = nowUs();
    try {
      const { profile } = post<{ profile: { nodes?: [] } }>(session, 'Profiler.stop');
      remapFrames(profile);
      const result: ChildResult = { profile, startedAt, beganAt, endedAt, workers, children, reason };
      fs.writeFileSync(out, JSON.stringify(result));
    } catch (err) {
      process.stderr.write(`prof: could not save the profile: ${(err as Error).message}\n`);
    }
  };

  // 'exit' covers the normal end, process.exit() and uncaught exceptions.
  process.on('exit', () => write('exit'));
  // A signal with no handler of the program's kills without 'exit': write, then die of it as before.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      if (process.listenerCount(sig) > 1) return; // the program handles it; 'exit' will follow
      write(sig);
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

const out = process.env[ENV_OUT];
// Only the main thread of the first process: worker threads and forked children inherit
// execArgv (so this file), but not the variables deleted below.
if (out && isMainThread) {
  const interval = Number(process.env[ENV_INTERVAL] ?? 1000);
  delete process.env[ENV_OUT];
  delete process.env[ENV_INTERVAL];
  start(out, Number.isInteger(interval) && interval > 0 ? interval : 1000);
}
