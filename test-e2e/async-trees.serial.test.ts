import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '@prof/core';
import { profiler } from '@prof/express';
// @ts-expect-error plain JS shared layers
import { startArticlesDatabase } from '../examples/shared/articles.mjs';
import { layeredApps } from './apps/layered.js';
import { expectAsyncTrees, walk } from './async-shares.js';
import type { RunningApp } from './apps/types.js';
import { get, listen, reportSink } from './helpers.js';

// Issue 13: a real app's report is one tree rooted at the framework entry and the app's handler,
// each continuation under the async chain that awaited it, [await] under the frame that waited.

describe.each(layeredApps)('async call trees: layered app on $name', (factory) => {
  const sink = reportSink();
  let app: RunningApp;
  let database: { close(): Promise<void>; db: never };

  beforeAll(async () => {
    database = await startArticlesDatabase({ latency: 2 });
    app = await factory.start({ printEachRequest: false, onReport: sink.onReport, interval: 250 }, database.db);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('puts the repository, the driver and the waits under the handler, in one tree', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await get(`${app.url}/articles?limit=20`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).count).toBe(20);
    }
    const reports = (await sink.waitFor(10)).filter((r) => r.meta.path?.includes('/articles'));
    expect(reports).toHaveLength(10);
    expectAsyncTrees(reports, factory.name);
  });

  it('names the handler in the header', async () => {
    // A report that waited (a loaded machine may record a request with no sample at all).
    const r = sink.reports.find((x) => x.meta.path?.includes('/articles') && x.text().includes('[await'))!;
    expect(r, 'a report of GET /articles with [await]').toBeDefined();
    expect(r.text({ color: false })).toMatch(/Samples:\s+\d+ \(\d+ on CPU\)/);
  });
});

describe('a request that mostly waits', () => {
  const sink = reportSink();
  let url = '';
  let close: () => void = () => {};

  function computeTotals(ms: number): number {
    const end = performance.now() + ms;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    return x;
  }

  beforeAll(async () => {
    const app = express();
    app.use(profiler({ printEachRequest: false, onReport: sink.onReport, interval: 250 }));
    app.get('/wait-then-compute', async function waitThenCompute(_req, res) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      res.json({ x: computeTotals(2) });
    });
    const server = createServer(app);
    url = await listen(server);
    close = () => server.close();
  });
  afterAll(() => close());

  it('still shows the function that computed 2 ms after waiting 400 ms', async () => {
    // 2 ms is 0.5 % of the wall time, under the 1 % filterThreshold were it taken of wall time.
    // A loaded machine may take no sample in 2 ms: the first report that sampled it must show it.
    let r: Report | undefined;
    for (let i = 0; i < 5 && !r; i++) {
      expect((await get(`${url}/wait-then-compute`)).status).toBe(200);
      const [last] = (await sink.waitFor(i + 1)).slice(-1);
      let sampled = false;
      walk(last!.tree(), (n) => {
        if (n.frame.name === 'computeTotals') sampled = true;
      });
      if (sampled) r = last;
    }
    expect(r, 'computeTotals sampled in one of 5 requests').toBeDefined();
    const text = r!.text({ color: false });
    expect(text).toContain('computeTotals');
    expect(text).toMatch(/waitThenCompute[^\n]*\n[\s\S]*\[await/);
  });
});
