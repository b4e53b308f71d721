import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS example app
import { createApp } from '../examples/express/app.mjs';
import { captureLogger, get, listen, reportSink, stableHeaders } from './helpers.js';

// A real Express 5 server on 127.0.0.1 with the real sampler, against the same app without prof.
describe('@prof/express on a real server', () => {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'prof-e2e-'));
  const logger = captureLogger();
  const sink = reportSink();
  const servers: Server[] = [];
  let profiled = '';
  let bare = '';

  beforeAll(async () => {
    // Express prints stack traces on error pages outside production; those name the middleware chain.
    process.env.NODE_ENV = 'production';
    const a = createServer(
      createApp({ logger, outputDir, output: ['text', 'json'], onReport: sink.onReport, serverTiming: true }),
    );
    const b = createServer(createApp(false));
    servers.push(a, b);
    profiled = await listen(a);
    bare = await listen(b);
  });

  afterAll(() => {
    for (const s of servers) s.close();
    rmSync(outputDir, { recursive: true, force: true });
  });

  it('prints a tree naming the route’s own functions, with library frames folded', async () => {
    const res = await get(`${profiled}/cpu?n=2000000`);
    expect(res.status).toBe(200);
    const [report] = await sink.waitFor(1);
    expect(report!.meta).toMatchObject({ method: 'GET', path: '/cpu?n=2000000', route: '/cpu', status: 200 });
    const printed = logger.lines.find((l) => l.includes('GET /cpu'));
    expect(printed).toBeDefined();
    const lines = printed!.split('\n');
    const fold = lines.findIndex((l) => /\[\d+ frames? hidden\].*express/.test(l));
    const route = lines.findIndex((l) => /\bcpuRoute\b.*examples\/express\/app\.mjs:\d+/.test(l));
    const work = lines.findIndex((l) => /\bgetSumOfList\b/.test(l));
    expect(fold).toBeGreaterThan(-1);
    expect(route).toBeGreaterThan(fold);
    expect(work).toBeGreaterThan(route);
    // No frame of prof itself.
    expect(printed).not.toMatch(/profMiddleware|packages\/(core|express)\//);
    // The route's own code dominates: getSumOfList holds most of the time.
    const root = report!.tree();
    const find = (n: typeof root, name: string): number =>
      n.frame.name === name ? n.total : n.children.reduce((s, c) => s + find(c, name), 0);
    expect(find(root, 'getSumOfList') / root.total).toBeGreaterThan(0.5);
  });

  it('answers exactly as the bare app does', async () => {
    for (const route of ['/cpu?n=100000', '/io', '/error', '/users/7', '/missing']) {
      const [a, b] = [await get(profiled + route), await get(bare + route)];
      expect(a.status, route).toBe(b.status);
      expect(a.body, route).toBe(b.body);
      expect(stableHeaders(a.headers), route).toEqual(stableHeaders(b.headers));
      expect(a.headers['server-timing'], route).toMatch(/^prof;dur=\d+(\.\d+)?/);
      expect(b.headers['server-timing']).toBeUndefined();
    }
  });

  it('reports errors, routes with params, and writes files that parse', async () => {
    sink.reports.length = 0;
    await get(`${profiled}/error`);
    await get(`${profiled}/users/42`);
    // Reports of the previous test's requests may still land here (delivery is batched): wait by path.
    const [err, user] = await sink.waitForPaths(['/error', '/users/42']);
    expect(err?.meta.status).toBe(500);
    expect(user?.meta.route).toBe('/users/:id');
    await new Promise((r) => setTimeout(r, 200));
    const files = readdirSync(outputDir);
    const json = files.filter((f) => f.endsWith('.json'));
    expect(json.length).toBeGreaterThanOrEqual(3);
    expect(files.some((f) => f.endsWith('.txt'))).toBe(true);
    for (const f of json) {
      const parsed = JSON.parse(readFileSync(path.join(outputDir, f), 'utf8'));
      expect(parsed.schema).toBe('prof.report/1');
      expect(parsed.meta.sampleCount).toBeGreaterThanOrEqual(0);
    }
    expect(files.every((f) => !f.endsWith('.tmp'))).toBe(true);
  });

  it('follows enabled (predicate) and slowThreshold', async () => {
    const local = reportSink();
    const app = createServer(
      createApp({
        printEachRequest: false,
        onReport: local.onReport,
        enabled: (req: { url: string }) => req.url.startsWith('/cpu'),
        // Far from both requests' durations, so that a busy machine cannot move either across it.
        slowThreshold: 40,
      }),
    );
    servers.push(app);
    const base = await listen(app);
    await get(`${base}/users/1`); // not enabled
    await get(`${base}/cpu?n=10`); // enabled, but far faster than 40 ms
    await get(`${base}/cpu?n=8000000`); // enabled and slow
    const [only] = await local.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(local.reports).toHaveLength(1);
    expect(only!.meta.path).toBe('/cpu?n=8000000');
    expect(only!.meta.duration).toBeGreaterThanOrEqual(40);
  });

  it('names router-mounted routes without a trailing slash', async () => {
    const { default: express } = await import('express');
    const app = express();
    app.use((await import('@prof/express')).profiler({ logger, printEachRequest: false, onReport: sink.onReport }));
    const articles = express.Router();
    articles.get('/', function listArticles(_req, res) {
      res.json([]);
    });
    articles.get('/:slug', function oneArticle(req, res) {
      res.json({ slug: req.params.slug });
    });
    app.use('/api/articles', articles);
    const server = createServer(app);
    servers.push(server);
    const url = await listen(server);
    await get(`${url}/api/articles`);
    await get(`${url}/api/articles/hello`);
    const reports = await sink.waitForPaths(['/api/articles', '/api/articles/hello']);
    expect(reports.map((r) => r.meta.route)).toEqual(['/api/articles', '/api/articles/:slug']);
  });
});
