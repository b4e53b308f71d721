import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfilerOptions } from '@prof/core';
import { apps } from './apps/index.js';
import type { AppFactory, RunningApp } from './apps/types.js';
import { captureLogger, get, reportSink, stableHeaders } from './helpers.js';

// `?profile` and the header trigger on real servers with the real sampler: the response is the
// report only when `allow` says yes; otherwise the app's answer is untouched, byte for byte.
for (const factory of apps as AppFactory[]) {
  describe(`${factory.name}: queryParam/header triggers`, () => {
    const logger = captureLogger();
    const sink = reportSink();
    let allowed: RunningApp;
    let refused: RunningApp;
    let noAllow: RunningApp;
    let bare: RunningApp;
    const base: ProfilerOptions = {
      logger,
      printEachRequest: false,
      queryParam: 'profile',
      header: 'X-Profile',
      enabled: false,
    };

    beforeAll(async () => {
      process.env.NODE_ENV = 'production';
      allowed = await factory.start({ ...base, onReport: sink.onReport, allow: (req) => (req as object) !== null });
      refused = await factory.start({ ...base, allow: () => false });
      noAllow = await factory.start({ ...base });
      bare = await factory.start(false);
    });
    afterAll(async () => {
      for (const a of [allowed, refused, noAllow, bare]) await a?.close();
    });

    it('?profile answers with the interactive HTML report of that request, though enabled is false', async () => {
      // Up to 3 tries for the samples: a loaded machine can starve V8's sampling thread for a whole
      // 10–25 ms request.
      let names: unknown[] = [];
      for (let attempt = 0; attempt < 3 && !names.includes('getSumOfList'); attempt++) {
        const res = await get(`${allowed.url}/cpu?n=2000000&profile`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
        expect(res.body.startsWith('<!doctype html>')).toBe(true);
        expect(res.body).not.toContain('"sum"');
        const json = /<script type="application\/json" id="prof-data">([^<]*)<\/script>/.exec(res.body);
        expect(json).not.toBeNull();
        const data = JSON.parse(json![1]!);
        expect(data.meta).toMatchObject({ method: 'GET', path: '/cpu?n=2000000&profile', route: '/cpu', status: 200 });
        names = data.frames.map((f: unknown[]) => f[0]);
      }
      expect(names).toContain('getSumOfList');
    });

    it('?profile=speedscope and the header pick other formats with their content types', async () => {
      const ss = await get(`${allowed.url}/users/7?profile=speedscope`);
      expect(ss.status).toBe(200);
      expect(ss.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(ss.headers['content-disposition']).toMatch(/^attachment; filename="prof-[a-z0-9-]+\.speedscope\.json"$/);
      const file = JSON.parse(ss.body);
      expect(file.profiles[0].type).toBe('sampled');
      expect(file.name).toBe('GET /users/7?profile=speedscope (200)');

      // A stack through getSumOfList (Node 26 keeps randint and random out of it, so it may have no
      // self time of its own). A loaded machine can starve V8's sampling thread for a whole 10–25 ms
      // request (a CI run's report came back empty): up to 3 tries, here and below.
      let collapsedBody = '';
      for (let attempt = 0; attempt < 3 && !collapsedBody; attempt++) {
        const collapsed = await get(`${allowed.url}/cpu?n=2000000`, { headers: { 'X-Profile': 'collapsed' } });
        expect(collapsed.headers['content-type']).toBe('text/plain; charset=utf-8');
        collapsedBody = collapsed.body;
      }
      expect(collapsedBody).toMatch(/getSumOfList \([^)]*\)(;| \d+\n)/);

      let samples = 0;
      for (let attempt = 0; attempt < 3 && samples === 0; attempt++) {
        const res = await fetch(`${allowed.url}/cpu?n=2000000&profile=pprof`);
        expect(res.headers.get('content-type')).toBe('application/octet-stream');
        samples = Profile.decode(gunzipSync(new Uint8Array(await res.arrayBuffer()))).sample.length;
      }
      expect(samples).toBeGreaterThan(0);
    });

    it('?profile=<unknown format> answers the allowed caller with a 400 that lists the formats', async () => {
      const res = await fetch(`${allowed.url}/users/5?profile=bogus`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const body = await res.text();
      expect(body).toContain('"bogus"');
      for (const f of ['html', 'json', 'speedscope', 'cpuprofile', 'collapsed', 'pprof', 'text'])
        expect(body).toContain(f);
      // Refused callers never learn of the trigger: the app answers.
      const refusedRes = await get(`${refused.url}/users/5?profile=bogus`);
      expect(refusedRes.status).toBe(200);
    });

    it("a triggered report's status line is its own, never the app's reason phrase", async () => {
      const res = await fetch(`${allowed.url}/no-such-route?profile=json`);
      expect(res.status).toBe(200);
      expect(res.statusText).toBe('OK');
      expect(JSON.parse(await res.text()).meta.status).toBe(404);
    });

    it('an error route is still profiled and answered with the report; the report records the app status', async () => {
      const res = await get(`${allowed.url}/error?profile=json`);
      expect(res.status).toBe(200);
      const report = JSON.parse(res.body);
      expect(report.schema).toBe('prof.report/1');
      expect(report.meta.status).toBe(500);
    });

    it('a streamed response is held and replaced; a request cut at maxDuration answers with its truncated report', async () => {
      const stream = await get(`${allowed.url}/stream?profile=json`);
      expect(stream.status).toBe(200);
      expect(JSON.parse(stream.body).meta).toMatchObject({ path: '/stream?profile=json', status: 200 });
      const cut = await factory.start({ ...base, allow: () => true, maxDuration: 100 });
      try {
        const res = await get(`${cut.url}/slow?ms=400&profile=json`);
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body).meta.truncated).toBe(true);
        // The app finishing its response later is dropped quietly; the server still answers.
        await new Promise((r) => setTimeout(r, 400));
        expect((await get(`${cut.url}/users/3`)).status).toBe(200);
      } finally {
        await cut.close();
      }
    });

    it('an allow predicate that throws counts as no: the response is untouched and the fault logged once', async () => {
      const log = captureLogger();
      const app = await factory.start({
        ...base,
        logger: log,
        allow: () => {
          throw new Error('nope');
        },
      });
      try {
        for (let i = 0; i < 2; i++) {
          const [a, b] = [await get(`${app.url}/users/7?profile`), await get(`${bare.url}/users/7?profile`)];
          expect(a.body).toBe(b.body);
          expect(stableHeaders(a.headers)).toEqual(stableHeaders(b.headers));
        }
        expect(log.errors.length).toBe(1);
        expect(log.errors[0]).toMatch(/allow predicate failed: nope/);
      } finally {
        await app.close();
      }
    });

    it('without allow, or when allow says no, the app answers exactly as without prof', async () => {
      for (const app of [refused, noAllow]) {
        for (const route of ['/cpu?n=100000&profile', '/users/7?profile=speedscope', '/error?profile']) {
          const [a, b] = [await get(app.url + route), await get(bare.url + route)];
          expect(a.status, route).toBe(b.status);
          expect(a.body, route).toBe(b.body);
          expect(stableHeaders(a.headers), route).toEqual(stableHeaders(b.headers));
        }
        const h = await get(`${app.url}/cpu?n=100000`, { headers: { 'X-Profile': 'html' } });
        const hb = await get(`${bare.url}/cpu?n=100000`, { headers: { 'X-Profile': 'html' } });
        expect(h.body).toBe(hb.body);
        expect(stableHeaders(h.headers)).toEqual(stableHeaders(hb.headers));
      }
      expect(logger.errors).toEqual([]);
    });

    it('requests without the trigger are not profiled when enabled is false', async () => {
      const before = sink.reports.length;
      const res = await get(`${allowed.url}/cpu?n=100000`);
      const plain = await get(`${bare.url}/cpu?n=100000`);
      expect(res.body).toBe(plain.body);
      await new Promise((r) => setTimeout(r, 100));
      expect(sink.reports.length).toBe(before);
    });
  });
}
