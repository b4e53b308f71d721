import { Agent, get as httpGet } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import type { SamplerKind } from '@prof/core';
import { apps } from './apps/index.js';
import type { AppFactory, RunningApp } from './apps/types.js';
import { captureLogger, TEST_SAMPLER } from './helpers.js';

// Load through every adapter's real server: 10,000 requests at concurrency 50, every one of them
// profiled, then a bounded soak mixing routes, errors and client aborts. Bodies are compared with
// the bare app's; memory is bounded (a size, not a timing). Runs alone, in the serial pass.

process.env.NODE_ENV = 'production';
const sampler: SamplerKind = TEST_SAMPLER;
const REQUESTS = Number(process.env.PROF_LOAD_REQUESTS ?? 10_000);
const CONCURRENCY = 50;
const WARMUP = 2_000;
/** Soak per adapter; about two minutes over the six. */
const SOAK_MS = Number(process.env.PROF_SOAK_MS ?? 20_000);
// RSS keeps what the allocator held at the peaks (seen: +84 MB once over a steady 30 MB heap), so
// it bounds native leaks loosely; the JS heap, compared after full collections, bounds the rest.
const RSS_GROWTH_LIMIT = 100 * 1024 * 1024;
const HEAP_GROWTH_LIMIT = 20 * 1024 * 1024;

// Memory is compared after full collections, so that it measures what is kept, not what the
// collector has not got round to yet (without this, RSS grows ~100 MB before V8 collects).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function settledMemory(): NodeJS.MemoryUsage {
  gc();
  gc();
  return process.memoryUsage();
}

// The frameworks log every /error's stack through console.error: thousands of them. Count instead.
let consoleErrors = 0;
const consoleError = console.error;
console.error = (): void => void consoleErrors++;

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => void unhandled.push(reason));

interface Answer {
  status: number;
  body: string;
}

/** One GET on a keep-alive agent; `abortAfter` destroys the request from the client side. */
function request(agent: Agent, url: string, abortAfter?: number): Promise<Answer | 'aborted'> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => (abortAfter === undefined ? reject(err) : resolve('aborted')));
    });
    req.on('error', (err) => (abortAfter === undefined ? reject(err) : resolve('aborted')));
    if (abortAfter !== undefined) setTimeout(() => req.destroy(), abortAfter);
  });
}

/** Routes of the load mix: deterministic bodies, every kind of response. */
const LOAD_ROUTES = ['/cpu?n=2000', '/users/7', '/users/42', '/error', '/missing', '/slow?ms=2', '/cpu?n=20000'];
const SOAK_ROUTES = [...LOAD_ROUTES, '/io', '/stream', '/slow?ms=30'];

async function expectedBodies(bare: RunningApp, routes: string[]): Promise<Map<string, Answer>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const map = new Map<string, Answer>();
  for (const r of routes) map.set(r, (await request(agent, bare.url + r)) as Answer);
  agent.destroy();
  return map;
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const figures: string[] = [];
afterAll(() => {
  console.error = consoleError;
  // The figures the hardening note quotes.
  console.log(`(${consoleErrors} lines the frameworks wrote to console.error for /error were counted, not shown)`);
  console.log(`load/soak figures (${process.version}, sampler ${sampler}):\n${figures.join('\n')}`);
});

/** PROF_LOAD_APPS=express,koa narrows the run while iterating; CI runs all. */
const only = process.env.PROF_LOAD_APPS?.split(',');
const selected = only ? apps.filter((a) => only.includes(a.name)) : apps;

describe.each(selected)('$name under load', (factory: AppFactory) => {
  const running: RunningApp[] = [];

  /** The app with every request profiled, counting its reports (and those marked aborted). */
  async function startProfiled(): Promise<{
    app: RunningApp;
    logger: ReturnType<typeof captureLogger>;
    counts: { reports: number; aborted: number };
  }> {
    const counts = { reports: 0, aborted: 0 };
    const logger = captureLogger();
    const app = await factory.start({
      sampler,
      printEachRequest: false,
      logger,
      maxConcurrent: 64,
      onReport: (r) => {
        counts.reports++;
        if (r.meta.aborted) counts.aborted++;
      },
    });
    running.push(app);
    return { app, logger, counts };
  }
  afterAll(async () => {
    await Promise.all(running.map((a) => a.close()));
  });

  it(`${REQUESTS} requests at concurrency ${CONCURRENCY}, every one profiled: no failure, every body the bare app's, memory bounded`, async () => {
    const bare = await factory.start(false);
    running.push(bare);
    const expected = await expectedBodies(bare, LOAD_ROUTES);
    const { app, logger, counts } = await startProfiled();
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let next = 0;
    let failures = 0;
    let mismatches = 0;
    let rssAfterWarmup = 0;
    let heapAfterWarmup = 0;
    let rssMax = 0;
    const t0 = Date.now();
    const worker = async (): Promise<void> => {
      while (next < REQUESTS) {
        const i = next++;
        if (i === WARMUP) ({ rss: rssAfterWarmup, heapUsed: heapAfterWarmup } = settledMemory());
        const route = LOAD_ROUTES[i % LOAD_ROUTES.length]!;
        try {
          const got = (await request(agent, app.url + route)) as Answer;
          const want = expected.get(route)!;
          if (got.status !== want.status || got.body !== want.body) mismatches++;
        } catch {
          failures++;
        }
        if (i % 500 === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsed = Date.now() - t0;
    agent.destroy();
    // Every request was profiled: one report each.
    const deadline = Date.now() + 30_000;
    while (counts.reports < REQUESTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const { rss: rssEnd, heapUsed: heapEnd } = settledMemory();
    figures.push(
      `${factory.name}: ${REQUESTS} req / c${CONCURRENCY} in ${(elapsed / 1000).toFixed(1)} s (${Math.round((REQUESTS * 1000) / elapsed)} req/s), ` +
        `${failures} failed, ${mismatches} bodies differing, ${counts.reports} reports, RSS after warm-up ${mib(rssAfterWarmup)} (heap ${mib(heapAfterWarmup)}), ` +
        `end ${mib(rssEnd)} (heap ${mib(heapEnd)}), max uncollected ${mib(rssMax)}`,
    );
    expect(failures).toBe(0);
    expect(mismatches).toBe(0);
    expect(counts.reports).toBe(REQUESTS);
    expect(counts.aborted).toBe(0);
    expect(logger.errors).toEqual([]);
    expect(rssEnd - rssAfterWarmup).toBeLessThanOrEqual(RSS_GROWTH_LIMIT);
    expect(heapEnd - heapAfterWarmup).toBeLessThanOrEqual(HEAP_GROWTH_LIMIT);
    expect(unhandled).toEqual([]);
  }, 300_000);

  it(`soak (${SOAK_MS / 1000} s): routes, errors and client aborts mixed; all answers right and the app healthy after`, async () => {
    const bare = running[0]!;
    const expected = await expectedBodies(bare, SOAK_ROUTES);
    const { app, logger, counts } = await startProfiled();
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    let sent = 0;
    let aborts = 0;
    let failures = 0;
    let mismatches = 0;
    // The baseline is taken after a warm-up share of the soak, as in the load test.
    let rssStart = 0;
    let heapStart = 0;
    const warmup = setTimeout(
      () => ({ rss: rssStart, heapUsed: heapStart } = settledMemory()),
      Math.min(3_000, SOAK_MS / 4),
    );
    let rssMax = 0;
    const end = Date.now() + SOAK_MS;
    const worker = async (w: number): Promise<void> => {
      for (let i = w; Date.now() < end; i += 20) {
        sent++;
        if (i % 9 === 4) {
          // A client that gives up mid-request.
          aborts++;
          await request(agent, `${app.url}/slow?ms=200`, 5 + (i % 20));
          continue;
        }
        const route = SOAK_ROUTES[i % SOAK_ROUTES.length]!;
        try {
          const got = (await request(agent, app.url + route)) as Answer;
          const want = expected.get(route)!;
          if (got.status !== want.status || got.body !== want.body) mismatches++;
        } catch {
          failures++;
        }
        if (i % 200 === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, w) => worker(w)));
    clearTimeout(warmup);
    agent.destroy();
    // Healthy after: a fresh request is answered and profiled.
    const before = counts.reports;
    const after = (await request(new Agent(), `${app.url}/users/1`)) as Answer;
    expect(after.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (counts.reports <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const { rss: rssEnd, heapUsed: heapEnd } = settledMemory();
    figures.push(
      `${factory.name} soak: ${sent} requests in ${SOAK_MS / 1000} s (${aborts} aborted by the client, ${counts.aborted} reports marked aborted), ` +
        `${failures} failed, ${mismatches} differing, RSS after warm-up ${mib(rssStart)} (heap ${mib(heapStart)}), end ${mib(rssEnd)} (heap ${mib(heapEnd)}), max uncollected ${mib(rssMax)}`,
    );
    expect(counts.reports).toBeGreaterThan(before);
    expect(failures).toBe(0);
    expect(mismatches).toBe(0);
    expect(aborts).toBeGreaterThan(0);
    expect(counts.aborted).toBeGreaterThan(0);
    expect(logger.errors).toEqual([]);
    expect(rssStart).toBeGreaterThan(0);
    expect(rssEnd - rssStart).toBeLessThanOrEqual(RSS_GROWTH_LIMIT);
    expect(heapEnd - heapStart).toBeLessThanOrEqual(HEAP_GROWTH_LIMIT);
    expect(unhandled).toEqual([]);
  }, 120_000);
});
