import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { profiler } from '@prof/express';
import { itemWork } from './apps/dashboard.js';
import { launchChromium, openOffline, runBrowserTests } from './browser.js';
import { captureLogger, get, listen } from './helpers.js';

// `aggregate: { file }` (issue 15): the seed's single HTML file, inside outputDir, rewritten
// every `every` ms, when the server closes and when the process exits; a static dashboard that
// opens from disk and connects nowhere.

interface Embedded {
  mode: string;
  routes: { id: string; method: string; route: string; count: number }[];
  views: Record<string, unknown>;
}

/** The data the page embeds. */
function embedded(file: string): Embedded | undefined {
  if (!existsSync(file)) return undefined;
  const m = /<script type="application\/json" id="prof-dashboard">([^<]*)<\/script>/.exec(readFileSync(file, 'utf8'));
  return m ? (JSON.parse(m[1]!) as Embedded) : undefined;
}

async function until<T>(what: string, f: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const countOf = (file: string, route: string): number | undefined =>
  embedded(file)?.routes.find((r) => r.route === route)?.count;

function app(outputDir: string, every: number): express.Express {
  const a = express();
  const logger = captureLogger();
  a.use(profiler({ outputDir, output: 'json', aggregate: { file: 'profiling.html', every }, logger }));
  a.get('/items/:id', (req, res) => void res.send(`item ${itemWork(req.params.id)}`));
  return a;
}

describe('aggregate.file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'prof-aggfile-'));
  const file = path.join(dir, 'profiling.html');
  let server: Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve())));

  it('is rewritten every `every` ms, atomically, inside outputDir', async () => {
    server = createServer(app(dir, 200));
    const base = await listen(server);
    for (let i = 0; i < 6; i++) await get(`${base}/items/${i}`);
    await until('the periodic write with 6 requests', () => (countOf(file, '/items/:id') === 6 ? true : undefined));
    const page = readFileSync(file, 'utf8');
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    expect(page).not.toMatch(/connect-src/);
    expect(embedded(file)).toMatchObject({ mode: 'static' });
    expect(Object.keys(embedded(file)!.views)).toHaveLength(1);
    for (let i = 6; i < 9; i++) await get(`${base}/items/${i}`);
    await until('the next periodic write', () => (countOf(file, '/items/:id') === 9 ? true : undefined));
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    // No temporary file left behind; the per-request report files sit beside it.
    const names = readdirSync(dir);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.json')).length).toBe(9);
  });

  it('is written when the server closes (with the last requests), however long `every` is', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'prof-aggclose-'));
    const closing = createServer(app(out, 600_000));
    const base = await listen(closing);
    for (let i = 0; i < 3; i++) await get(`${base}/items/${i}`);
    expect(existsSync(path.join(out, 'profiling.html'))).toBe(false);
    await new Promise<void>((resolve) => closing.close(() => resolve()));
    await until('the write at close', () =>
      countOf(path.join(out, 'profiling.html'), '/items/:id') === 3 ? true : undefined,
    );
  });

  it('is written when the process exits (the timer never keeps it alive)', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'prof-aggexit-'));
    const script = path.join(out, 'child.ts');
    const src = (p: string): string => JSON.stringify(pathToFileURL(path.resolve(p)).href);
    writeFileSync(
      script,
      `import express from 'express';
import { profiler } from ${src('packages/express/src/index.ts')};
const app = express();
app.use(profiler({ outputDir: ${JSON.stringify(out)}, output: 'json', aggregate: { file: 'profiling.html', every: 600000 } }));
app.get('/items/:id', (_req, res) => void res.send('ok'));
const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as { port: number };
  for (let i = 0; i < 3; i++) await (await fetch('http://127.0.0.1:' + port + '/items/' + i)).text();
  // Queued merges run on a later turn: exit from there, with the server still open.
  setTimeout(() => process.exit(0), 100);
});
`,
    );
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: path.resolve('test-e2e'),
        stdio: 'ignore',
      });
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(countOf(path.join(out, 'profiling.html'), '/items/:id')).toBe(3);
  });
});

describe.runIf(runBrowserTests)('aggregate.file in Chromium', () => {
  it('opens from disk: no request but the file, no console error, the route and its call tree', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prof-aggpage-'));
    const file = path.join(dir, 'profiling.html');
    const server = createServer(app(dir, 100));
    const base = await listen(server);
    for (let i = 0; i < 4; i++) await get(`${base}/items/${i}`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await until('the file', () => (countOf(file, '/items/:id') === 4 ? true : undefined));

    const browser = await launchChromium();
    try {
      const { page, attempted, errors } = await openOffline(browser, file);
      await expect(page.locator('#status').textContent()).resolves.toMatch(/^snapshot of /);
      await expect(page.locator('#routes-body button.route').allTextContents()).resolves.toEqual(['GET /items/:id']);
      await page.click('#routes-body button.route');
      await page.waitForSelector('#tree .row');
      await expect(page.locator('#tree .row .fn', { hasText: /^dashWork$/ }).count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('#downloads').isVisible()).resolves.toBe(false);
      expect(errors).toEqual([]);
      expect(attempted).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
