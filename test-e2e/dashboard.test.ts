import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_APPS } from './apps/dashboard.js';
import { captureLogger, get, listen } from './helpers.js';

// The dashboard's JSON API on real servers with real HTTP (issue 15). One table row per adapter;
// each app has two routes and answers 404 itself for anything else.

const quiet = captureLogger();

describe.each(DASHBOARD_APPS)('dashboard API on $name', (row) => {
  let server: Server;
  let base = '';
  const admin = { headers: { 'x-admin': '1' } };

  beforeAll(async () => {
    server = await row.start(quiet);
    base = server.listening ? `http://127.0.0.1:${(server.address() as AddressInfo).port}` : await listen(server);
    for (let i = 0; i < 12; i++) await get(`${base}/items/${i}`);
    for (let i = 0; i < 5; i++) await get(`${base}/health`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const routes = async (): Promise<{ id: string; method: string; route: string; count: number }[]> => {
    // Aggregation happens in delivery, just after each response: wait for the last ones.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await get(`${base}/_prof/api/routes`, admin);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { routes: { id: string; method: string; route: string; count: number }[] };
      if (body.routes.reduce((n, r) => n + r.count, 0) >= 17 || Date.now() > deadline) return body.routes;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('lists both routes with exact counts and percentiles; its own requests are not among them', async () => {
    const list = await routes();
    expect(list.map((r) => [r.method, r.route, r.count])).toEqual([
      ['GET', '/items/:id', 12],
      ['GET', '/health', 5],
    ]);
    const items = list[0] as unknown as Record<string, number>;
    for (const k of ['p50', 'p95', 'p99', 'cpuPerRequest']) expect(typeof items[k]).toBe('number');
    expect(items.p50).toBeLessThanOrEqual(items.p99!);
  });

  it('renders the aggregate in every format through the registry', async () => {
    const [items] = await routes();
    const url = `${base}/_prof/api/routes/${items!.id}/profile`;
    const json = await get(`${url}?format=json`, admin);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(json.body).meta).toMatchObject({ requests: 12, route: '/items/:id', method: 'GET' });
    const collapsed = await get(`${url}?format=collapsed`, admin);
    expect(collapsed.body).toMatch(/dashWork/);
    const speedscope = JSON.parse((await get(`${url}?format=speedscope`, admin)).body);
    expect(speedscope.$schema).toMatch(/speedscope/);
    const pprof = await fetch(`${url}?format=pprof`, admin);
    expect(pprof.headers.get('content-disposition')).toMatch(/attachment/);
    expect(gunzipSync(Buffer.from(await pprof.arrayBuffer())).length).toBeGreaterThan(0);
    const html = await get(`${url}?format=html`, admin);
    expect(html.body).toMatch(/Content-Security-Policy/);
    expect((await get(`${url}?format=nope`, admin)).status).toBe(400);
    const slow = JSON.parse((await get(`${url}?format=json&set=slow`, admin)).body);
    const rest = JSON.parse((await get(`${url}?format=json&set=rest`, admin)).body);
    expect(slow.meta.requests + rest.meta.requests).toBe(12);
    const cmp = JSON.parse((await get(`${base}/_prof/api/routes/${items!.id}/compare`, admin)).body);
    expect(cmp.slowRequests + cmp.restRequests).toBe(12);
  });

  it('serves an exemplar, the slowest requests’ full report', async () => {
    const res = await get(`${base}/_prof/api/routes`, admin);
    const items = JSON.parse(res.body).routes[0];
    expect(items.exemplars.length).toBeGreaterThan(0);
    const ex = items.exemplars[0];
    const report = await get(`${base}/_prof/api/routes/${items.id}/exemplars/${ex.id}?format=json`, admin);
    expect(JSON.parse(report.body).meta).toMatchObject({ id: ex.id, route: '/items/:id' });
  });

  it('is gated exactly like ?profile: refused, the request goes on to the app unchanged', async () => {
    for (const path of ['/_prof', '/_prof/api/routes']) {
      const refused = await get(`${base}${path}`);
      const app404 = await get(`${base}/no-such-page`);
      expect(refused.status).toBe(404);
      expect(refused.body).toBe(app404.body.replace('/no-such-page', path));
      expect(refused.body).not.toMatch(/"routes"|prof dashboard/);
    }
    expect((await get(`${base}/_prof`, admin)).headers['content-type']).toMatch(/text\/html/);
  });
});
