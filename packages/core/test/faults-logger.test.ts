// A logger that throws at the first line it is given (the sampler's startup line, in a fresh
// process: vitest runs each test file in a process of its own) must not cost the process its
// profiling. Real sampler, real server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { attachToNodeResponse, createProfiler, type Report } from '../src/index.js';

describe('a logger that throws once, at the first line', () => {
  it('leaves profiling on for the life of the process, and blames nothing on the sampler', async () => {
    const errors: string[] = [];
    let thrown = 0;
    const logger = {
      info(): void {
        if (thrown++ === 0) throw new Error('log sink down');
      },
      warn: (m: string) => void errors.push(m),
      error: (m: string) => void errors.push(m),
    };
    const reports: Report[] = [];
    const profiler = createProfiler({ logger, onReport: (r) => void reports.push(r) });
    const server = createServer((req, res) => {
      const handle = profiler.start({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        header: () => undefined,
        raw: req,
      });
      if (handle) attachToNodeResponse(handle, res);
      let x = 0;
      for (let i = 0; i < 200_000; i++) x += i % 7;
      res.end(String(x));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 3; i++) await fetch(`${url}/r${i}`).then((r) => r.text());
      const deadline = Date.now() + 10_000;
      while (reports.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(thrown).toBeGreaterThan(0);
    expect(reports.map((r) => r.meta.path)).toEqual(['/r0', '/r1', '/r2']);
    expect(errors.filter((m) => m.includes('sampler'))).toEqual([]);
  });
});
