// Takes docs/images/dashboard.png: the Express example app with the dashboard on, some traffic on
// its routes, the dashboard opened in Chromium on GET /cpu. Needs built packages
// (`pnpm exec turbo run build --filter='./packages/*'`) and /usr/bin/chromium.
// Run: node test-e2e/screenshot-dashboard.mjs
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createApp } from '../examples/express/app.mjs';

const out = fileURLToPath(new URL('../docs/images/dashboard.png', import.meta.url));
const app = createApp({ dashboard: '/_prof', allow: () => true, printEachRequest: false });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${server.address().port}`;
const hit = async (path, n) => {
  for (let i = 0; i < n; i++) await (await fetch(`${base}${path.replace('{i}', String(i))}`)).arrayBuffer();
};
for (let i = 0; i < 30; i++) await hit(`/cpu?n=${((i * 7) % 30) + 1}00000`, 1);
await hit('/cpu?n=4000000', 3);
await hit('/users/{i}', 25);
await hit('/io', 12);
await hit('/error', 4);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
await page.goto(`${base}/_prof`);
await page.waitForSelector('body[data-ready="true"]');
await page.click('#routes-body button.route >> text="GET /cpu"');
await page.waitForSelector('#tree .row');
await page.waitForFunction(() => document.getElementById('compare-note')?.textContent !== '');
await page.screenshot({ path: out, fullPage: false });
await browser.close();
server.close();
console.log(`written ${out}`);
