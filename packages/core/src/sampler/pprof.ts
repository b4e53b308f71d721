import { builtin, nowUs, proc } from '../runtime.js';
import type { Backend, CallFrame, ContextLabels, RawProfile } from './backend.js';

/** @datadog/pprof's TimeProfiler binding (out/src/time-profiler-bindings.js), as far as prof uses it. */
interface TimeProfilerOptions {
  intervalMicros: number;
  durationMillis: number;
  lineNumbers: boolean;
  withContexts: boolean;
  workaroundV8Bug: boolean;
  collectCpuTime: boolean;
  collectAsyncId: boolean;
  useCPED: boolean;
  CPEDKey: object;
  isMainThread: boolean;
}
interface TimeProfiler {
  start(): void;
  /** restart: the next profile starts before this one stops (one CpuProfiler, never disposed). */
  stop(restart: boolean): TimeProfile;
  /** After a stop: 2 when V8's profiler thread got stuck (the profile has no hits at all), 1 maybe, 0 no. */
  v8ProfilerStuckEventLoopDetected(): number;
  /** The sample context of the running code (read back through AsyncContextFrame with useCPED). */
  readonly context: unknown;
  /** The value to store under CPEDKey in AsyncContextFrame for `context` to label samples. */
  createContextHolder(context: unknown): object;
}
interface TimeProfileNode {
  name: string;
  scriptName: string;
  scriptId: number;
  /** 1-based, like v8-profiler-next's. */
  lineNumber: number;
  columnNumber: number;
  children: TimeProfileNode[];
  /** One per sample of this node: epoch µs (bigint) and the context current at the signal. */
  contexts?: { timestamp: bigint; context?: unknown }[];
}
interface TimeProfile {
  topDownRoot: TimeProfileNode;
  /** V8's monotonic clock, µs (the clock of nowUs()). */
  startTime: number;
  endTime: number;
}

/**
 * The binding keeps at most durationMillis × 2 / interval samples' timestamps per profile (it
 * reserves that much, 48 bytes each): 60,000 samples, one minute at 1000 µs. Longer profiles lose
 * timestamps, so the backend asks for a rotation after half that time (maxProfileMs).
 */
const MAX_SAMPLES = 60_000;
/** Profiles with no sample at all for this long mean V8's profiler thread is stuck. */
const STUCK_MS = 2000;

/** In the reason given on Node < 24 (describeBackend then has no advice to add). */
export const NEEDS_ASYNC_CONTEXT_FRAME = 'AsyncContextFrame, on by default from Node 24';

/** Where this module lives, to resolve the optional dependency from core's own location. */
function here(): string {
  return typeof __filename === 'string' ? __filename : import.meta.url;
}

/**
 * Epoch µs (the binding's sample timestamps) to nowUs()'s monotonic µs. The offset is measured
 * once at a millisecond boundary of Date.now() (at most 1 ms, when the backend loads, off any
 * request), then kept within each later (Date.now(), nowUs()) reading's 1 ms window, which follows
 * a clock step or slew.
 */
class EpochClock {
  offset: number;

  constructor() {
    const d0 = Date.now();
    let before = nowUs();
    let d = Date.now();
    while (d === d0) {
      before = nowUs();
      d = Date.now();
    }
    const after = nowUs();
    this.offset = d * 1000 - (before + after) / 2;
  }

  /** Keeps the offset consistent with the clocks now; called at each stop. */
  check(): void {
    const u0 = nowUs();
    const d = Date.now() * 1000;
    const u1 = nowUs();
    const lo = d - u1;
    const hi = d + 1000 - u0;
    if (this.offset < lo) this.offset = lo;
    else if (this.offset > hi) this.offset = hi;
  }
}

/** One profile's tree, flattened to Chrome's shape with the samples in time order and their labels. */
export function flattenTimeProfile(profile: TimeProfile, epochOffset: number): RawProfile {
  const nodes: RawProfile['nodes'] = [];
  const times: number[] = [];
  const ids: number[] = [];
  const labels: number[] = [];
  const visit = (node: TimeProfileNode): number => {
    const id = nodes.length + 1;
    const callFrame: CallFrame = {
      functionName: node.name,
      url: node.scriptName,
      lineNumber: node.lineNumber,
      columnNumber: node.columnNumber,
    };
    const entry = { id, callFrame, children: [] as number[] };
    nodes.push(entry);
    for (const c of node.contexts ?? []) {
      times.push(Number(c.timestamp) - epochOffset);
      ids.push(id);
      labels.push(typeof c.context === 'number' ? c.context : 0);
    }
    for (const child of node.children) entry.children.push(visit(child));
    return id;
  };
  visit(profile.topDownRoot);
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const samples: number[] = new Array(order.length);
  const timeDeltas: number[] = new Array(order.length);
  const sampleLabels: number[] = new Array(order.length);
  let prev = profile.startTime;
  order.forEach((i, k) => {
    // A timestamp converted to a hair before the start (clock offset) still belongs to this profile.
    const t = Math.max(times[i]!, prev);
    samples[k] = ids[i]!;
    timeDeltas[k] = t - prev;
    sampleLabels[k] = labels[i]!;
    prev = t;
  });
  return {
    nodes,
    samples,
    timeDeltas,
    startTime: profile.startTime,
    endTime: Math.max(profile.endTime, prev),
    sampleLabels,
  };
}

/**
 * @datadog/pprof's time profiler with per-sample contexts read from Node's AsyncContextFrame
 * (`useCPED`): a request's context is opened once (an AsyncLocalStorage store holding its label),
 * Node carries it through every callback and continuation, and the SIGPROF handler records which
 * label was current at each sample. `attribution: 'context'` then needs no async hook: measured on
 * 200 async calls per request (Node 24), the hook timeline cost 0.47× bare, the labels 0.97×
 * (bench/labels-probe.mjs). Only where AsyncContextFrame is on (Node >= 24 by default): before,
 * labelling would need a hook per continuation again.
 *
 * One TimeProfiler (one V8 CpuProfiler) for the process, never disposed while prof runs: a rotation
 * is `stop(true)`, which starts the next profile before it stops the last one. workaroundV8Bug is
 * on: without it, under load, whole rotations came back with no sample at all (a V8 race when a
 * profile starts while another runs; 1 in 3 runs of faults-sampler.test.ts, 3 of 4 loaded runs of
 * adapters.test.ts had a request with an empty report; none in 6 and 4 runs with it). It waits
 * for a sampling signal before and after the new profile starts (nanosleep, at most two intervals
 * each): ~1–2 ms of the main thread per rotation at 1000 µs, which SharedSampler spaces out to ~2 %.
 */
export function loadPprofBackend(interval: number): { backend?: Backend; reason?: string } {
  const version = proc?.versions?.node ?? '';
  const major = Number(version.split('.')[0]);
  if (!(major >= 24)) {
    return {
      reason: `its per-sample async contexts need ${NEEDS_ASYNC_CONTEXT_FRAME} (this is Node ${version})`,
    };
  }
  const mod = builtin('node:module');
  const hooks = builtin('node:async_hooks');
  if (!mod || !hooks) return { reason: 'not running on Node.js' };
  let binding: { TimeProfiler: new (o: TimeProfilerOptions) => TimeProfiler };
  try {
    binding = mod.createRequire(here())('@datadog/pprof/out/src/time-profiler-bindings.js');
  } catch (err) {
    return { reason: (err as Error).message.split('\n')[0] ?? String(err) };
  }
  const als = new hooks.AsyncLocalStorage<object>();
  const isMainThread = (proc as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.(
    'node:worker_threads',
  ) as { isMainThread?: boolean } | undefined;
  let us = interval;
  const durationMs = (): number => Math.ceil((MAX_SAMPLES * us) / 2000);
  let profiler: TimeProfiler | undefined;
  let clock: EpochClock | undefined;
  const create = (): TimeProfiler => {
    const p = new binding.TimeProfiler({
      intervalMicros: us,
      durationMillis: durationMs(),
      lineNumbers: false,
      withContexts: true,
      workaroundV8Bug: true,
      collectCpuTime: false,
      collectAsyncId: false,
      useCPED: true,
      CPEDKey: als,
      isMainThread: isMainThread?.isMainThread ?? true,
    });
    // Node 24 run with --no-async-context-frame: the binding finds no context; better another backend.
    if (als.run(p.createContextHolder(-1), () => p.context) !== -1) {
      throw new Error('AsyncContextFrame is off (--no-async-context-frame?): samples would carry no context');
    }
    return p;
  };
  try {
    profiler = create();
  } catch (err) {
    return { reason: (err as Error).message.split('\n')[0] ?? String(err) };
  }
  // One profile runs while either slot is started; stopping a slot while the other is started
  // is a rotation (the binding starts the next profile before it stops this one).
  const started = [false, false];
  let running = false;
  // V8's profiler thread can get stuck and leave every later profile empty (why @datadog/pprof has
  // workaroundV8Bug). A single empty profile is no proof: under load, that thread lags and a
  // rotation soon after the last one may find none of its ticks processed yet (seen here, then
  // the next profile held them). So only empty profiles for STUCK_MS in a row restart it, cold.
  let emptySince = 0;
  const unstick = (p: TimeProfiler): void => {
    if (p.v8ProfilerStuckEventLoopDetected() < 2) {
      emptySince = 0;
      return;
    }
    const now = Date.now();
    if (!emptySince) emptySince = now;
    else if (now - emptySince >= STUCK_MS) {
      emptySince = 0;
      p.stop(false);
      p.start();
    }
  };
  const labels: ContextLabels = {
    enter(id) {
      const p = profiler;
      if (p) als.enterWith(p.createContextHolder(id));
    },
    isolate(fn) {
      return als.run(undefined as unknown as object, fn);
    },
  };
  const backend: Backend = {
    name: 'pprof',
    minRotationMs: 10,
    get maxProfileMs() {
      return durationMs() / 2;
    },
    labels,
    // unstick() below restarts V8's profiler after STUCK_MS of empty profiles.
    restartsStalled: true,
    setInterval(value) {
      if (value !== us) {
        us = value;
        // The interval is fixed at construction; nothing has sampled yet when SharedSampler sets it.
        if (!running) profiler = create();
      }
    },
    start(slot) {
      if (started[slot]) return;
      if (!running) {
        profiler ??= create();
        clock ??= new EpochClock();
        profiler.start();
        running = true;
      }
      started[slot] = true;
    },
    stop(slot) {
      if (!started[slot] || !profiler) throw new Error(`prof: slot ${slot} is not running`);
      started[slot] = false;
      const restart = started[slot === 0 ? 1 : 0]!;
      let profile: TimeProfile;
      try {
        profile = profiler.stop(restart);
      } catch (err) {
        if (!restart) running = false;
        throw err;
      }
      if (!restart) running = false;
      if (restart) unstick(profiler);
      const c = clock ?? (clock = new EpochClock());
      c.check();
      return flattenTimeProfile(profile, c.offset);
    },
  };
  return { backend };
}
