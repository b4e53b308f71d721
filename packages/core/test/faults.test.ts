import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  attachToNodeResponse,
  createProfiler,
  OUTPUT_FORMATS,
  type FormatSpec,
  Report,
  type Logger,
  type Profiler,
  type ProfilerOptions,
} from '../src/index.js';

// Faults injected through real objects (a real server, the real sampler, real files); the two
// renderer cases stub one method and say so in their names.

function captureLogger(): Logger & { infos: string[]; errors: string[] } {
  const infos: string[] = [];
  const errors: string[] = [];
  return {
    infos,
    errors,
    info: (m) => void infos.push(m),
    warn: (m) => void errors.push(m),
    error: (m) => void errors.push(m),
  };
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  // A little CPU so that reports have samples; the body depends only on the request.
  let x = 0;
  for (let i = 0; i < 200_000; i++) x += i % 7;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ url: req.url, x }));
}

async function serve(profiler: Profiler | undefined): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const handle = profiler?.start({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      header: (n) => req.headers[n] as string | undefined,
      raw: req,
    });
    if (handle) attachToNodeResponse(handle, res);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const close = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every `n` requests answer exactly as the app without prof does. */
async function expectUnchanged(url: string, bare: string, paths: string[]): Promise<void> {
  for (const p of paths) {
    const [a, b] = await Promise.all([fetch(url + p), fetch(bare + p)]);
    expect(a.status).toBe(b.status);
    expect(a.headers.get('content-type')).toBe(b.headers.get('content-type'));
    expect(await a.text()).toBe(await b.text());
  }
}

/** Waits until `cond` holds (reports and faults arrive after the response). */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const logged = (logger: { errors: string[] }, kind: string): string[] =>
  logger.errors.filter((m) => m.startsWith(`prof: ${kind} failed`));

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
let bare: { url: string; server: Server };
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'prof-faults-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  bare = await serve(undefined);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await close(bare.server);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(async () => {
  await sleep(50);
  expect(unhandled).toEqual([]);
});

const paths = ['/a', '/b?x=1', '/c/d', '/e', '/f'];

async function scenario(
  opts: ProfilerOptions,
  kind: string,
  clear: () => void,
  delivered: (logger: ReturnType<typeof captureLogger>) => number,
): Promise<{ logger: ReturnType<typeof captureLogger>; profiler: Profiler }> {
  const logger = captureLogger();
  const profiler = createProfiler({ printEachRequest: false, ...opts, logger });
  const app = await serve(profiler);
  try {
    await expectUnchanged(app.url, bare.url, paths);
    await until(() => profiler.stats.faults >= paths.length, `${paths.length} ${kind} faults`);
    // One message for the kind, however many requests hit it.
    expect(logged(logger, kind)).toHaveLength(1);
    expect(logged(logger, kind)[0]).toMatch(/the request went on unchanged/);
    const before = delivered(logger);
    clear();
    await expectUnchanged(app.url, bare.url, ['/after-1', '/after-2']);
    // The fault cleared: the next requests are profiled and delivered again.
    await until(() => delivered(logger) >= before + 2, 'reports after the fault cleared');
    expect(logged(logger, kind)).toHaveLength(1);
  } finally {
    await close(app.server);
  }
  return { logger, profiler };
}

describe('fail open: injected faults leave responses unchanged, log once per kind, and clear', () => {
  it('onReport throws', async () => {
    let failing = true;
    let got = 0;
    await scenario(
      {
        onReport: () => {
          if (failing) throw new Error('sink down');
          got++;
        },
      },
      'onReport',
      () => (failing = false),
      () => got,
    );
  });

  it('onReport rejects', async () => {
    let failing = true;
    let got = 0;
    const { logger } = await scenario(
      {
        onReport: async () => {
          await sleep(1);
          if (failing) throw new Error('async sink down');
          got++;
        },
      },
      'onReport',
      () => (failing = false),
      () => got,
    );
    expect(logged(logger, 'onReport')[0]).toContain('async sink down');
  });

  it('outputDir cannot be created (a file stands where the folder should be)', async () => {
    // chmod does not stop root, so the unwritable directory is a path through a regular file.
    const root = tmp();
    const blocker = path.join(root, 'reports');
    writeFileSync(blocker, 'not a directory');
    const outputDir = path.join(blocker, 'today');
    const files = (): number => (existsSync(outputDir) ? readdirSync(outputDir).length : 0);
    const { logger } = await scenario(
      { outputDir },
      'writing report files',
      () => {
        rmSync(blocker);
        mkdirSync(blocker);
      },
      files,
    );
    expect(logged(logger, 'writing report files')[0]).toMatch(/ENOTDIR|EEXIST/);
    // A later report's write may still be in flight (its .tmp): only finished files count.
    expect(readdirSync(outputDir).filter((n) => !n.endsWith('.txt') && !n.endsWith('.tmp'))).toEqual([]);
  });

  it('a write fails midway: the text file is written, the json rename fails, no temporary file is left', async () => {
    const outputDir = tmp();
    let n = 0;
    // A directory squats the json file's name, so the write succeeds and the rename fails.
    let blocked = true;
    const { logger } = await scenario(
      {
        outputDir,
        output: ['text', 'json'],
        fileName: (info) => {
          const name = `r${++n}.${info.ext}`;
          if (info.ext === 'json' && blocked) mkdirSync(path.join(outputDir, name));
          return name;
        },
      },
      'writing report files',
      () => (blocked = false),
      () =>
        readdirSync(outputDir, { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.json')).length,
    );
    const left = readdirSync(outputDir);
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(logged(logger, 'writing report files')[0]).toMatch(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(left.filter((f) => f.endsWith('.txt')).length).toBeGreaterThanOrEqual(paths.length + 2);
  });

  it('enabled predicate throws: the request is not profiled, the response is unchanged', async () => {
    let failing = true;
    let got = 0;
    await scenario(
      {
        enabled: () => {
          if (failing) throw new Error('predicate bug');
          return true;
        },
        onReport: () => void got++,
      },
      'enabled predicate',
      () => (failing = false),
      () => got,
    );
  });

  it('a renderer throws while writing files (stubbed renderer)', async () => {
    const outputDir = tmp();
    const spec = OUTPUT_FORMATS.json as FormatSpec;
    const real = spec.render;
    const spy = vi.spyOn(spec, 'render').mockImplementation(() => {
      throw new Error('renderer bug');
    });
    try {
      const { logger } = await scenario(
        { outputDir, output: 'json' },
        'writing report files',
        () => spy.mockImplementation(real),
        () => readdirSync(outputDir).filter((f) => f.endsWith('.json')).length,
      );
      expect(logged(logger, 'writing report files')[0]).toContain('renderer bug');
      expect(readdirSync(outputDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('the text renderer throws while printing each request (stubbed renderer)', async () => {
    const real = Report.prototype.text;
    const spy = vi.spyOn(Report.prototype, 'text').mockImplementation(() => {
      throw new Error('text renderer bug');
    });
    let got = 0;
    try {
      const { logger } = await scenario(
        { printEachRequest: true, onReport: () => void got++ },
        'printing the report',
        () => spy.mockImplementation(real),
        (logger) => logger.infos.filter((m) => !m.startsWith('prof:')).length,
      );
      expect(logged(logger, 'printing the report')[0]).toContain('text renderer bug');
      // onReport kept receiving reports while printing failed.
      expect(got).toBeGreaterThanOrEqual(paths.length + 2);
    } finally {
      spy.mockRestore();
    }
  });

  it('a logger that throws is survived', async () => {
    const throwing: Logger = {
      info: () => {
        throw new Error('logger down');
      },
      warn: () => {
        throw new Error('logger down');
      },
      error: () => {
        throw new Error('logger down');
      },
    };
    const profiler = createProfiler({
      logger: throwing,
      onReport: () => {
        throw new Error('sink down');
      },
    });
    const app = await serve(profiler);
    try {
      await expectUnchanged(app.url, bare.url, paths);
      await until(() => profiler.stats.faults >= paths.length, 'faults');
    } finally {
      await close(app.server);
    }
  });
});
