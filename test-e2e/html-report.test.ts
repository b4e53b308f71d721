import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Report, SamplesBuilder, type Samples } from '@prof/core';
import { express } from './apps/express.js';
import type { RunningApp } from './apps/types.js';
import { launchChromium, openOffline, runBrowserTests } from './browser.js';
import { get, reportSink } from './helpers.js';

// The HTML report in a real (Debian) Chromium, opened from disk with every network request
// refused. Without Chromium the suite is skipped locally and fails under CI=true.
const outDir = path.resolve('test-results/html-report');

describe.runIf(runBrowserTests)('HTML report in Chromium', () => {
  let browser: Browser;
  let app: RunningApp;
  let report: Report;

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(outDir, { recursive: true });
    const sink = reportSink();
    process.env.NODE_ENV = 'production';
    app = await express.start({ printEachRequest: false, onReport: sink.onReport });
    const res = await get(`${app.url}/cpu?n=2000000`);
    expect(res.status).toBe(200);
    [report] = (await sink.waitFor(1)) as [Report];
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const open = (file: string, width?: number): ReturnType<typeof openOffline> => openOffline(browser, file, width);

  it('opens from disk with no network request and no console error; tree, search, flame view and focus work', async () => {
    const file = path.join(outDir, 'express-cpu.html');
    writeFileSync(file, report.html());
    const { page, attempted, errors } = await open(file);

    await expect(page.locator('#title').textContent()).resolves.toBe('GET /cpu?n=2000000 (200)');
    await expect(page.locator('#meta [data-field="route"] b').textContent()).resolves.toBe('/cpu');
    await expect(page.locator('#meta [data-field="status"] b').textContent()).resolves.toBe('200');
    // All samples, and those on CPU where some only waited.
    const cpu = report.meta.cpuSampleCount;
    await expect(page.locator('#meta [data-field="samples"] b').textContent()).resolves.toBe(
      cpu === undefined || cpu === report.meta.sampleCount
        ? String(report.meta.sampleCount)
        : `${report.meta.sampleCount} (${cpu} on CPU)`,
    );

    // The heaviest path opens by itself: the route's work is visible at once.
    await expect(page.locator('#tree .row .fn', { hasText: /^getSumOfList$/ }).count()).resolves.toBeGreaterThan(0);

    // Collapse everything, then expand the first row by its toggle.
    await page.click('#collapse');
    const rowsCollapsed = await page.locator('#tree .row').count();
    const first = page.locator('#tree .row').first();
    await expect(first.getAttribute('aria-expanded')).resolves.toBe('false');
    await first.locator('.tog').click();
    await expect(page.locator('#tree .row').first().getAttribute('aria-expanded')).resolves.toBe('true');
    expect(await page.locator('#tree .row').count()).toBeGreaterThan(rowsCollapsed);

    // Keyboard: select the first row, move down, open with →.
    await page.locator('#tree .row').first().click();
    await page.keyboard.press('ArrowDown');
    await expect(page.locator('#tree .row.sel').count()).resolves.toBe(1);

    // Search highlights the match and keeps only rows on a path to it.
    await page.fill('#search', 'getsumoflist');
    await expect(page.locator('#tree mark').first().textContent()).resolves.toBe('getSumOfList');
    const rows = await page.locator('#tree .row .fn').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[rows.length - 1]).toBe('getSumOfList');
    await page.screenshot({ path: path.join(outDir, 'tree-search.png'), fullPage: true });
    await page.fill('#search', '');

    // Time as a share of the total.
    await page.selectOption('#unit', 'pct');
    await expect(page.locator('#tree .row .time').first().textContent()).resolves.toMatch(/%$/);

    // Flame view: hover names a frame, click focuses it (zooms to its time span).
    await page.click('#tab-flame');
    await expect(page.locator('#flame-view').isVisible()).resolves.toBe(true);
    const box = (await page.locator('#canvas').boundingBox())!;
    expect(box.height).toBeGreaterThan(18);
    const t1Before = await page.locator('#t1').textContent();
    await page.mouse.move(box.x + box.width / 2, box.y + 9);
    await expect(page.locator('#tip').isVisible()).resolves.toBe(true);
    expect((await page.locator('#tip').textContent())!.length).toBeGreaterThan(0);
    // Find getSumOfList by hovering down a few columns, then click it to focus.
    let hit: number | undefined;
    let hitX = 0;
    for (let k = 1; k < 10 && hit === undefined; k++) {
      hitX = box.x + (box.width * k) / 10;
      for (let y = box.y + 9; y < box.y + box.height && hit === undefined; y += 18) {
        await page.mouse.move(hitX, y);
        if ((await page.locator('#tip').textContent())?.startsWith('getSumOfList')) hit = y;
      }
    }
    expect(hit).toBeDefined();
    await page.mouse.click(hitX, hit!);
    await expect(page.locator('#focus').textContent()).resolves.toMatch(/^focused: getSumOfList \(/);
    expect(await page.locator('#t1').textContent()).not.toBe(t1Before);
    await page.screenshot({ path: path.join(outDir, 'flame-focus.png'), fullPage: true });

    expect(attempted).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders a hostile path and function name as text; no injected script runs', async () => {
    const evilName = `</script><script>window.__pwned=1</script>"'<img src=x onerror="window.__pwned=2">`;
    const s = report.samples;
    const target = s.frames.findIndex((f) => f.functionName === 'getSumOfList');
    expect(target).toBeGreaterThanOrEqual(0);
    // The real recording with one frame renamed (V8 will not name a function like this).
    const frames = s.frames.map((f, i) =>
      i === target ? { ...f, functionName: evilName, url: `${f.url}?</script>` } : f,
    );
    const samples: Samples = { ...s, frames };
    const evil = new Report(samples, {
      ...report.meta,
      path: '/<script>x</script>',
      route: `"><script>window.__pwned=3</script>`,
    });
    const html = evil.html();
    // Exactly our two script elements in the file.
    expect(html.match(/<script/g)!.length).toBe(2);
    const file = path.join(outDir, 'escaping.html');
    writeFileSync(file, html);
    const { page, attempted, errors } = await open(file);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await expect(page.locator('#title').textContent()).resolves.toBe('GET /<script>x</script> (200)');
    await expect(page.locator('#meta [data-field="route"] b').textContent()).resolves.toBe(
      `"><script>window.__pwned=3</script>`,
    );
    await page.fill('#search', 'pwned');
    const names = await page.locator('#tree .row .fn').allTextContents();
    expect(names).toContain(evilName);
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.locator('script').count()).resolves.toBe(2);
    await expect(page.evaluate(() => document.title)).resolves.toBe('prof: GET /<script>x</script> (200)');
    await page.screenshot({ path: path.join(outDir, 'escaping.png'), fullPage: true });
    expect(attempted).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a 60 s, 1 ms profile (folded and resampled) with both views working', async () => {
    // Far more distinct call paths than real code has: every sample takes a random path below depth 8.
    const b = new SamplesBuilder();
    const fns = Array.from({ length: 400 }, (_, i) => ({
      functionName: `fn${i}`,
      url: `file:///srv/app/src/m${i % 40}.js`,
      lineNumber: 10 + i,
      columnNumber: 3,
    }));
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 60_000; i++) {
      const depth = 12 + Math.floor(rnd() * 20);
      let st = -1;
      for (let d = 0; d < depth; d++)
        st = b.stack(st, b.frame(fns[(d * 7 + Math.floor(rnd() * (d < 8 ? 2 : 40))) % 400]!));
      b.sample(st, 1e9 + (i + 1) * 1000);
    }
    const big = new Report(b.build(1e9, 1e9 + 60_000_000, 1000), {
      ...report.meta,
      path: '/sixty-seconds',
      duration: 60_000,
      sampleCount: 60_000,
    });
    const file = path.join(outDir, 'sixty-seconds.html');
    writeFileSync(file, big.html());
    const { page, attempted, errors } = await open(file);
    await expect(page.locator('#tree .row').count()).resolves.toBeGreaterThan(3);
    await page.selectOption('#threshold', '0');
    await page.fill('#search', 'other frames');
    await expect(page.locator('#tree .row .fn', { hasText: /^\[other frames/ }).count()).resolves.toBeGreaterThan(0);
    await page.fill('#search', '');
    await page.click('#tab-flame');
    await expect(page.locator('#resampled').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(outDir, 'sixty-seconds-flame.png') });
    expect(attempted).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a long list of hidden libraries truncates in its line instead of scrolling the page sideways', async () => {
    // handler -> 30 library frames, each from its own package -> work: one line with a 29-library tag.
    const b = new SamplesBuilder();
    const at = (rel: string): string => pathToFileURL(path.resolve(rel)).href;
    const frame = (name: string, url: string): number =>
      b.frame({ functionName: name, url, lineNumber: 1, columnNumber: 1 });
    let st = b.stack(-1, frame('handler', at('src/handler.js')));
    for (let i = 0; i < 30; i++)
      st = b.stack(st, frame(`layer${i}`, at(`node_modules/a-rather-long-package-name-${i}/index.js`)));
    st = b.stack(st, frame('work', at('src/work.js')));
    for (let i = 1; i <= 50; i++) b.sample(st, 1e9 + i * 1000);
    const deep = new Report(b.build(1e9, 1e9 + 50_000, 1000), {
      ...report.meta,
      path: '/many-libraries',
      duration: 50,
      sampleCount: 50,
    });
    const file = path.join(outDir, 'many-libraries.html');
    writeFileSync(file, deep.html());
    const { page, attempted, errors } = await open(file, 1024);
    const tag = page.locator('#tree .row .tag').first();
    await expect(tag.textContent()).resolves.toMatch(/^29 frames hidden: .*a-rather-long-package-name-29$/);
    const layout = await page.evaluate(() => {
      const t = document.querySelector('#tree .row .tag') as HTMLElement;
      return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
        tagRight: t.getBoundingClientRect().right,
        tagCut: t.scrollWidth > t.clientWidth,
      };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport);
    expect(layout.tagRight).toBeLessThanOrEqual(layout.viewport);
    expect(layout.tagCut).toBe(true);
    // The tag gives way, not the function name; the app code below the folded libraries is on screen.
    await expect(
      page.evaluate(() => {
        const fn = document.querySelectorAll<HTMLElement>('#tree .row .fn')[1]!;
        return fn.scrollWidth <= fn.clientWidth;
      }),
    ).resolves.toBe(true);
    await expect(page.locator('#tree .row .fn', { hasText: /^work$/ }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(outDir, 'many-libraries.png') });
    expect(attempted).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('speedscope imports the speedscope export with its own importer', async () => {
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist/release');
    const profileFile = path.join(outDir, 'express-cpu.speedscope.json');
    writeFileSync(profileFile, report.speedscope());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // speedscope's own files load from disk; anything else is refused.
    await page.route('**/*', (route) =>
      route.request().url().startsWith('file://') ? route.continue() : route.abort(),
    );
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await page.setInputFiles('input[type=file]', profileFile);
    // speedscope shows the profile's name in its toolbar once the import succeeded.
    await page.waitForFunction((name) => document.body.textContent.includes(name), 'GET /cpu?n=2000000 (200)', {
      timeout: 15_000,
    });
    await page.screenshot({ path: path.join(outDir, 'speedscope.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
