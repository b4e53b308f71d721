import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (never a downloaded browser). Suites that need it
// are skipped locally without it and fail under CI=true (see `requireChromium`).
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Whether a browser suite runs: always under CI (where a missing browser must fail). */
export const runBrowserTests = hasChromium || Boolean(process.env.CI);

/** Launches headless Chromium; throws (fails the suite) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!hasChromium) throw new Error(`Chromium is required under CI: ${CHROMIUM} is missing (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Opens a file with every request but that file aborted; returns what was attempted and any errors. */
export async function openOffline(
  browser: Browser,
  file: string,
  width = 1280,
): Promise<{ page: Page; attempted: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const fileUrl = pathToFileURL(file).href;
  const attempted: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== fileUrl) attempted.push(r.url());
  });
  await page.route('**/*', (route) => (route.request().url() === fileUrl ? route.continue() : route.abort()));
  await page.goto(fileUrl);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, attempted, errors };
}
