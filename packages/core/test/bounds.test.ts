import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  attachToNodeResponse,
  createProfiler,
  type Logger,
  type Profiler,
  type ProfilerOptions,
  type Report,
} from '../src/index.js';
import { MANIFEST_NAME } from '../src/middleware/files.js';

// Bounds through a real server and the real sampler: maxConcurrent, maxDuration, maxPendingWrites, maxFiles.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function quietLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info() {}, warn: (m) => void errors.push(m), error: (m) => void errors.push(m) };
}

async function routes(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/slow') {
    await sleep(Number(url.searchParams.get('ms')));
    res.end('slept');
  } else if (url.pathname === '/events') {
    // SSE-like: an event every 40 ms for a while, then the end.
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < 10; i++) {
      res.write(`data: ${i}\n\n`);
      await sleep(40);
    }
    res.end('data: end\n\n');
  } else {
    let x = 0;
    for (let i = 0; i < 100_000; i++) x += i % 3;
    res.end(`ok ${url.pathname} ${x}`);
  }
}

async function serve(profiler: Profiler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const handle = profiler.start({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      header: () => undefined,
      raw: req,
    });
    if (handle) attachToNodeResponse(handle, res);
    void routes(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function profilerWith(opts: ProfilerOptions): {
  profiler: Profiler;
  reports: Report[];
  logger: ReturnType<typeof quietLogger>;
} {
  const reports: Report[] = [];
  const logger = quietLogger();
  const profiler = createProfiler({ printEachRequest: false, logger, onReport: (r) => void reports.push(r), ...opts });
  return { profiler, reports, logger };
}

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'prof-bounds-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('maxConcurrent', () => {
  it('profiles at most maxConcurrent requests at once; the rest pass through unprofiled and are counted', async () => {
    const { profiler, reports } = profilerWith({ maxConcurrent: 2 });
    const app = await serve(profiler);
    try {
      // Six requests that each wait 600 ms: all six are in flight together.
      const bodies = await Promise.all(
        Array.from({ length: 6 }, () => fetch(`${app.url}/slow?ms=600`).then((r) => r.text())),
      );
      expect(bodies).toEqual(Array(6).fill('slept'));
      await until(() => reports.length >= 2, 'two reports');
      await sleep(100);
      expect(reports).toHaveLength(2);
      expect(profiler.stats.skippedConcurrency).toBe(4);
      expect(profiler.stats.profiled).toBe(2);
      // Once they are done, requests are profiled again.
      await fetch(`${app.url}/cpu`).then((r) => r.text());
      await until(() => reports.length === 3, 'a third report');
    } finally {
      await app.close();
    }
  });
});

describe('maxDuration', () => {
  it('cuts off a streaming (SSE-like) response, marks its report truncated, and leaves the stream untouched', async () => {
    const { profiler, reports } = profilerWith({ maxDuration: 100 });
    const app = await serve(profiler);
    try {
      const t0 = performance.now();
      const res = await fetch(`${app.url}/events`);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const body = await res.text();
      expect(body).toBe(`${Array.from({ length: 10 }, (_, i) => `data: ${i}\n\n`).join('')}data: end\n\n`);
      const streamMs = performance.now() - t0;
      await until(() => reports.length >= 1, 'the truncated report');
      const [report] = reports;
      expect(report!.meta.truncated).toBe(true);
      expect(report!.meta.path).toBe('/events');
      // Cut off before the stream ended, not at its end.
      expect(report!.meta.duration).toBeLessThan(streamMs);
      await sleep(100);
      // The later 'finish' of the response does not produce a second report.
      expect(reports).toHaveLength(1);
      // A short request on the same profiler is not truncated.
      await fetch(`${app.url}/cpu`).then((r) => r.text());
      await until(() => reports.length === 2, 'a second report');
      expect(reports[1]!.meta.truncated).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('maxPendingWrites', () => {
  it('skips the files of reports beyond the bound, counts them, logs once, and still calls onReport', async () => {
    const source = profilerWith({});
    const app = await serve(source.profiler);
    try {
      for (let i = 0; i < 3; i++) await fetch(`${app.url}/r${i}`).then((r) => r.text());
      await until(() => source.reports.length === 3, 'three reports');
    } finally {
      await app.close();
    }
    const outputDir = tmp();
    const got: Report[] = [];
    const logger = quietLogger();
    const sink = createProfiler({
      printEachRequest: false,
      logger,
      outputDir,
      output: ['text', 'json'],
      maxPendingWrites: 2,
      onReport: (r) => void got.push(r),
    });
    // Ten deliveries in one tick: the disk cannot have finished any of them.
    const all = Array.from({ length: 10 }, (_, i) => sink.deliver(source.reports[i % 3]!));
    await Promise.all(all);
    expect(sink.stats.droppedWrites).toBe(8);
    expect(got).toHaveLength(10);
    // Three source reports, named by their paths; two deliveries wrote text + json each.
    expect(readdirSync(outputDir).filter((f) => !f.endsWith('.tmp'))).toHaveLength(4);
    expect(logger.errors.filter((m) => m.includes('maxPendingWrites'))).toHaveLength(1);
    // Once the queue drained, writes go through again.
    await sink.deliver(source.reports[2]!);
    expect(sink.stats.droppedWrites).toBe(8);
    expect(readdirSync(outputDir)).toHaveLength(6);
  });
});

describe('maxFiles', () => {
  it('keeps the newest maxFiles report files and never touches other files', async () => {
    const outputDir = tmp();
    writeFileSync(path.join(outputDir, 'notes.txt'), 'mine');
    writeFileSync(path.join(outputDir, 'config.json'), '{}');
    const { profiler } = profilerWith({ outputDir, maxFiles: 3 });
    const app = await serve(profiler);
    const profFiles = (): string[] =>
      readdirSync(outputDir).filter((f) => f !== 'notes.txt' && f !== 'config.json' && f !== MANIFEST_NAME);
    try {
      for (let i = 0; i < 8; i++) {
        await fetch(`${app.url}/req-${i}`).then((r) => r.text());
        await until(() => profFiles().some((f) => f.includes(`req-${i}-`)), `req-${i}'s file`);
        // Sequential, so every file has a later modification time than the one before.
        await sleep(5);
      }
      await until(() => profFiles().length <= 3, 'rotation');
      expect(profFiles().sort()).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/-req-5-.*\.txt$/),
          expect.stringMatching(/-req-6-.*\.txt$/),
          expect.stringMatching(/-req-7-.*\.txt$/),
        ]),
      );
      expect(profFiles()).toHaveLength(3);
      expect(readdirSync(outputDir)).toEqual(expect.arrayContaining(['notes.txt', 'config.json']));
    } finally {
      await app.close();
    }
  });

  it('with a fileName function, removes only files this profiler wrote', async () => {
    const outputDir = tmp();
    writeFileSync(path.join(outputDir, 'r-mine.txt'), 'not prof');
    let n = 0;
    const { profiler } = profilerWith({ outputDir, maxFiles: 2, fileName: (info) => `r-${++n}.${info.ext}` });
    const app = await serve(profiler);
    try {
      for (let i = 0; i < 5; i++) {
        await fetch(`${app.url}/x${i}`).then((r) => r.text());
        await until(() => readdirSync(outputDir).includes(`r-${i + 1}.txt`) || n > i + 1, `file ${i + 1}`);
      }
      await until(() => readdirSync(outputDir).length === 4, 'rotation');
      expect(readdirSync(outputDir).sort()).toEqual([MANIFEST_NAME, 'r-4.txt', 'r-5.txt', 'r-mine.txt']);
    } finally {
      await app.close();
    }
  });

  // Files a user keeps in outputDir, some named exactly as a template could name a report.
  const USER_FILES = ['config.json', 'notes.txt', 'prof-important.json', 'x.cpuprofile', 'page.html'];
  const seedUserFiles = (dir: string): void => {
    for (const f of USER_FILES) writeFileSync(path.join(dir, f), `user data ${f}`);
  };
  const reportFiles = (dir: string): string[] =>
    readdirSync(dir).filter((f) => !USER_FILES.includes(f) && f !== MANIFEST_NAME);

  it.each(['{id}.{ext}', '{path}.{ext}', 'prof-{id}.{ext}', '{method}-{path}-{id}.{ext}'])(
    'with fileName %j, removes only reports it wrote, never a user file that matches the template',
    async (fileName) => {
      const outputDir = tmp();
      seedUserFiles(outputDir);
      const { profiler, reports } = profilerWith({ outputDir, maxFiles: 2, fileName, output: ['text', 'json'] });
      const app = await serve(profiler);
      try {
        for (let i = 0; i < 4; i++) {
          await fetch(`${app.url}/r${i}`).then((r) => r.text());
          await until(() => reports.length === i + 1, `report ${i}`);
        }
        // Reports reach onReport before their files are on disk: wait for the newest one's files.
        const newest = fileName.includes('{id}') ? reports[3]!.meta.id : 'r3';
        await until(() => reportFiles(outputDir).filter((f) => f.includes(newest)).length === 2, 'newest files');
        await until(() => reportFiles(outputDir).length === 2, 'rotation to 2 report files');
        for (const f of USER_FILES) expect(readdirSync(outputDir)).toContain(f);
        // The newest report's two files are the ones kept.
        const last = reports[3]!.meta;
        expect(reportFiles(outputDir).sort()).toEqual(
          expect.arrayContaining([expect.stringMatching(/\.txt$/), expect.stringMatching(/\.json$/)]),
        );
        expect(reportFiles(outputDir), JSON.stringify(reports.map((r) => r.meta.id))).toEqual(
          expect.arrayContaining([expect.stringContaining(fileName.includes('{id}') ? last.id : 'r3')]),
        );
      } finally {
        await app.close();
      }
    },
  );

  it('maxFiles: 1 with a constant name keeps the report it has just written', async () => {
    const outputDir = tmp();
    const { profiler, reports } = profilerWith({ outputDir, maxFiles: 1, fileName: (i) => `latest.${i.ext}` });
    const app = await serve(profiler);
    try {
      for (let i = 0; i < 3; i++) {
        await fetch(`${app.url}/c${i}`).then((r) => r.text());
        await until(() => reports.length === i + 1, `report ${i}`);
      }
      await sleep(100);
      expect(reportFiles(outputDir)).toEqual(['latest.txt']);
    } finally {
      await app.close();
    }
  });

  it('rotates the reports an earlier process wrote, through the manifest, and still no user file', async () => {
    const outputDir = tmp();
    seedUserFiles(outputDir);
    for (let round = 0; round < 2; round++) {
      // A new profiler on the same folder stands for a restarted process.
      const { profiler, reports } = profilerWith({ outputDir, maxFiles: 3, fileName: `run${round}-{id}.{ext}` });
      const app = await serve(profiler);
      try {
        for (let i = 0; i < 3; i++) {
          await fetch(`${app.url}/p${i}`).then((r) => r.text());
          await until(() => reports.length === i + 1, `report ${round}.${i}`);
        }
        await until(() => reportFiles(outputDir).every((f) => f.startsWith(`run${round}-`)), `round ${round} only`);
      } finally {
        await app.close();
      }
    }
    expect(reportFiles(outputDir)).toHaveLength(3);
    for (const f of USER_FILES) expect(readdirSync(outputDir)).toContain(f);
  });

  it('a steady stream of reports is never dropped while the disk keeps up (rotation is not a pending write)', async () => {
    const source = profilerWith({});
    const app = await serve(source.profiler);
    try {
      await fetch(`${app.url}/s`).then((r) => r.text());
      await until(() => source.reports.length === 1, 'a report');
    } finally {
      await app.close();
    }
    const outputDir = tmp();
    let k = 0;
    const sink = createProfiler({
      printEachRequest: false,
      logger: quietLogger(),
      outputDir,
      maxFiles: 3,
      maxPendingWrites: 1,
      fileName: () => `d${++k}.txt`,
    });
    for (let i = 1; i <= 60; i++) {
      // Each delivery starts once the previous one's file is on disk, while its rotation may still run.
      void sink.deliver(source.reports[0]!);
      await until(() => readdirSync(outputDir).includes(`d${i}.txt`) || sink.stats.droppedWrites > 0, `d${i}.txt`);
      await sleep(1);
    }
    expect(sink.stats.droppedWrites).toBe(0);
  });
});

describe('handle.discard()', () => {
  it('stops a recording without a report; the sampler goes on for the next request', async () => {
    const reports: Report[] = [];
    const prof = createProfiler({
      printEachRequest: false,
      logger: quietLogger(),
      onReport: (r) => void reports.push(r),
    });
    const info = (url: string) => ({ method: 'GET', url, header: () => undefined, raw: {} });
    const dropped = prof.start(info('/dropped'))!;
    expect(dropped.profiled).toBe(true);
    dropped.discard();
    dropped.finish(200); // after discard: nothing
    expect(await dropped.report()).toBeUndefined();
    const kept = prof.start(info('/kept'))!;
    kept.finish(200);
    const report = await kept.report();
    await sleep(50);
    expect(report?.meta.path).toBe('/kept');
    expect(reports.map((r) => r.meta.path)).toEqual(['/kept']);
    expect(prof.stats).toMatchObject({ profiled: 1, faults: 0 });
  });
});
