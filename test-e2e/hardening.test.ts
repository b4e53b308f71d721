import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfilerOptions, SamplerKind } from '@prof/core';
import { apps } from './apps/index.js';
import type { AppFactory, RunningApp } from './apps/types.js';
import { captureLogger, TEST_SAMPLER } from './helpers.js';

// Request-controlled input through every adapter's real server: hostile paths never leave
// outputDir nor make long names, and a query or header trigger never acts without `allow`.

process.env.NODE_ENV = 'production';
const sampler: SamplerKind = TEST_SAMPLER;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reports arrive after the response (node:inspector rotates at most every 250 ms): wait, bounded. */
async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await sleep(25);
}

/** Request targets sent byte for byte (fetch and node:http would normalise or refuse most). */
const HOSTILE: string[] = [
  '/../../../../etc/passwd',
  '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/%2E%2E%2F%2E%2E%2Fsecret',
  '/..%5c..%5cwindows%5csystem32',
  '/\\..\\..\\windows\\win.ini',
  '//etc/passwd',
  '/%2fetc%2fpasswd',
  '/C:%5Cboot.ini',
  '/a%00b.txt',
  '/a\u0000b',
  `/${'a'.repeat(10_000)}`,
  `/${'%2e%2e%2f'.repeat(1_200)}`,
  '/%E2%80%AE%E2%81%A6gnp.exe',
  '/%EF%BC%8E%EF%BC%8E%EF%BC%8F%EF%BC%8E%EF%BC%8E%EF%BC%8Fetc',
  '/%C0%AE%C0%AE%C0%AF%C0%AE%C0%AE',
  '/%F0%9F%98%80/%E1%BA%9B%CC%A3/%E2%80%8B',
  '/caf\u00e9/\u{1F600}',
  '/users/%2e%2e%2f%2e%2e%2fetc',
  '/?file=../../etc/passwd',
  '/.',
  '/%20%20/CON/aux.txt',
  '/%ff%fe%fd',
];

interface RawResponse {
  status: number;
  body: string;
}

/** Sends one request with the target as given and reads the whole response (Connection: close). */
function rawGet(url: string, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error(`timeout on ${target.slice(0, 60)}`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, body: rest.join('\r\n\r\n') });
    });
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    // Written, not ended: like curl, the client keeps its side open until the server, told
    // `Connection: close`, closes after the response (a half-close races the response).
    socket.write(
      Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n${extra}\r\n`, 'utf8'),
    );
  });
}

/** Every path under `root`, recursively, relative to it. */
function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const p = path.join(rel, e.name);
    out.push(e.isDirectory() ? `${p}/` : p);
    if (e.isDirectory()) out.push(...walk(root, p));
  }
  return out;
}

describe.each(apps)('$name: hostile request input', (factory: AppFactory) => {
  const running: RunningApp[] = [];
  let bare: RunningApp;
  const root = mkdtempSync(path.join(tmpdir(), 'prof-hostile-'));
  const outputDir = path.join(root, 'out');

  async function start(options: ProfilerOptions | false): Promise<RunningApp> {
    const app = await factory.start(options);
    running.push(app);
    return app;
  }

  beforeAll(async () => {
    bare = await start(false);
  });
  afterAll(async () => {
    await Promise.all(running.map((a) => a.close()));
    rmSync(root, { recursive: true, force: true });
  });

  it('hostile paths: responses unchanged, every report file inside outputDir with a short name', async () => {
    let reports = 0;
    const logger = captureLogger();
    const app = await start({ sampler, outputDir, printEachRequest: false, logger, onReport: () => void reports++ });
    for (const target of HOSTILE) {
      const [a, b] = [await rawGet(app.url, target), await rawGet(bare.url, target)];
      expect(a.status, target.slice(0, 80)).toBe(b.status);
      expect(a.status, target.slice(0, 80)).toBeGreaterThan(0);
      expect(a.body, target.slice(0, 80)).toBe(b.body);
    }
    await until(() => reports > 0);
    expect(reports).toBeGreaterThan(0);
    // Files land after onReport; wait until no temporary file is left and the count holds.
    let last = '';
    for (let i = 0; i < 40; i++) {
      await sleep(400);
      const now = walk(root);
      const state = `${reports}:${now.length}`;
      if (state === last && !now.some((f) => f.endsWith('.tmp'))) break;
      last = state;
    }
    const all = walk(root);
    // Nothing but outputDir itself at the top, and no folder inside it.
    expect(all.filter((p) => p === 'out/' || !p.startsWith('out/'))).toEqual(['out/']);
    const files = all.filter((p) => p !== 'out/').map((p) => p.slice('out/'.length));
    expect(files.some((f) => f.includes('/'))).toBe(false);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(Buffer.byteLength(f), f).toBeLessThanOrEqual(200);
      expect(f, f).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(statSync(path.join(outputDir, f)).isFile()).toBe(true);
    }
    expect(logger.errors).toEqual([]);
  });

  it.each([
    ['no allow', {}],
    ['allow says no', { allow: () => false }],
    ['allow says something truthy but not true', { allow: () => 'yes' as unknown as boolean }],
  ] as [string, Partial<ProfilerOptions>][])(
    'a query or header trigger does nothing when %s',
    async (_label, extra) => {
      let reports = 0;
      const app = await start({
        sampler,
        queryParam: 'profile',
        header: 'x-profile',
        printEachRequest: false,
        onReport: () => void reports++,
        ...extra,
      });
      for (const [target, headers] of [
        ['/io?profile', {}],
        ['/io?profile=html', {}],
        ['/users/7?profile=json&x=1', {}],
        ['/io', { 'x-profile': 'html' }],
        ['/io', { 'X-Profile': 'speedscope' }],
      ] as [string, Record<string, string>][]) {
        const a = await rawGet(app.url, target, headers);
        const b = await rawGet(bare.url, target, headers);
        expect(a.status, target).toBe(b.status);
        expect(a.body, target).toBe(b.body);
        expect(a.body, target).not.toMatch(/<html|"nodes"|speedscope/i);
      }
      // The requests were profiled as ordinary ones (enabled defaults to true), not answered with reports.
      await until(() => reports >= 5);
      await sleep(300);
      expect(reports).toBe(5);
    },
  );
});
