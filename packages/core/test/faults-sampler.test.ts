import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachToNodeResponse,
  createProfiler,
  SharedSampler,
  type Logger,
  type Profiler,
  type Report,
  type SamplerKind,
} from '../src/index.js';
import type { Backend } from '../src/sampler/backend.js';
import { loadBackend } from '../src/sampler/load.js';

// Stubbed backend (unit test only): the real backend of this process, wrapped so that start or
// stop can be made to throw, as a V8 profiler refusing to start or failing to stop would.

const sampler = (process.env.PROF_TEST_SAMPLER ?? 'auto') as SamplerKind;
const real = loadBackend(sampler, 1000).backend;
const flaky = { failStart: false, failStop: false };
const backend: Backend = {
  name: real.name,
  minRotationMs: real.minRotationMs,
  setInterval: (us) => real.setInterval(us),
  start(slot) {
    if (flaky.failStart) throw new Error('injected: profiler would not start');
    real.start(slot);
  },
  stop(slot) {
    if (flaky.failStop) throw new Error('injected: profiler would not stop');
    return real.stop(slot);
  },
};

function captureLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info() {}, warn: (m) => void errors.push(m), error: (m) => void errors.push(m) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const logger = captureLogger();
const reports: Report[] = [];
// Created in the first test, once its start faults are armed (a profiler starts sampling when created).
let profiler: Profiler;
let server: Server;
let url: string;

function body(path: string): string {
  let x = 0;
  for (let i = 0; i < 5_000_000; i++) x += i % 5;
  return JSON.stringify({ path, x });
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // The shared sampler registry every copy of core consults; ours holds the wrapped backend.
  const shared = new SharedSampler(backend, 1000);
  (globalThis as Record<symbol, unknown>)[Symbol.for('prof.sharedSampler')] = {
    samplers: { [sampler]: shared, [real.name]: shared },
    announced: true,
  };
  server = createServer((req, res) => {
    const handle = profiler.start({ method: 'GET', url: req.url ?? '/', header: () => undefined, raw: req });
    if (handle) attachToNodeResponse(handle, res);
    res.end(body(req.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function requests(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/r${i}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(body(`/r${i}`));
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const logged = (kind: string): string[] => logger.errors.filter((m) => m.startsWith(`prof: ${kind} failed`));

describe('sampler faults (stubbed backend)', () => {
  it('start throws: requests pass unprofiled, one log line, profiled again once start works', async () => {
    flaky.failStart = true;
    profiler = createProfiler({ printEachRequest: false, logger, sampler, onReport: (r) => void reports.push(r) });
    expect(logged('sampler warm-up')).toHaveLength(1);
    await requests(5);
    expect(reports).toHaveLength(0);
    expect(profiler.stats.faults).toBe(6);
    expect(logged('sampler start')).toHaveLength(1);
    expect(logged('sampler start')[0]).toContain('would not start');
    flaky.failStart = false;
    await requests(3);
    await until(() => reports.length >= 3, 'three reports');
    // Sampling again: a loaded machine may starve V8's sampling thread for one 15 ms request, not all.
    expect(reports.some((r) => r.meta.sampleCount > 0)).toBe(true);
    await sleep(50);
    expect(unhandled).toEqual([]);
  });

  it('stop throws: responses unchanged, one log line, profiled again once stop works', async () => {
    const before = reports.length;
    const faults = profiler.stats.faults;
    flaky.failStop = true;
    await requests(5);
    await until(() => profiler.stats.faults >= faults + 5, 'five stop faults');
    expect(reports.length).toBe(before);
    expect(logged('sampler stop')).toHaveLength(1);
    expect(logged('sampler stop')[0]).toContain('would not stop');
    flaky.failStop = false;
    await requests(3);
    await until(() => reports.length >= before + 3, 'three reports after the fault');
    expect(reports.slice(before).some((r) => r.meta.sampleCount > 0)).toBe(true);
    expect(logged('sampler stop')).toHaveLength(1);
    await sleep(50);
    expect(unhandled).toEqual([]);
  });
});
