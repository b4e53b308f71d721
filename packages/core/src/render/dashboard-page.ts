import { DASHBOARD_JS } from './html/dashboard.generated.js';
import { DASHBOARD_CSS } from './html/dashboard/style.js';
import type { DashboardData } from './html/dashboard/types.js';
import { pageHead, viewerMarkup } from './html/markup.js';
import { VIEWER_CSS } from './html/style.js';
import { jsonForScript, nonce } from './html.js';

export type { DashboardData };

const COLUMNS: [key: string, label: string, title: string][] = [
  ['route', 'Route', 'Method and route pattern'],
  ['count', 'Requests', 'Requests in the window'],
  ['p50', 'p50', 'Median latency, ms'],
  ['p95', 'p95', '95th percentile latency, ms'],
  ['p99', 'p99', '99th percentile latency, ms'],
  ['max', 'max', 'Slowest request in the window, ms'],
  ['cpuPerRequest', 'CPU / req', 'Mean CPU ms per request'],
  ['slowCount', 'slow', 'Requests above the route’s p90 when they arrived'],
];

/**
 * The dashboard page: the report viewer's modules plus a routes table, self-contained. `live`
 * pages read the app's own API (CSP: connect-src 'self' and nothing else); `static` ones
 * (aggregate.file) carry their data and connect nowhere.
 */
export function renderDashboardPage(data: DashboardData): string {
  const n = nonce();
  const heads = COLUMNS.map(
    ([key, label, title]) =>
      `<th scope="col" aria-sort="none" title="${title}"><button type="button" data-sort="${key}">${label}</button></th>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
${pageHead({ nonce: n, title: 'prof dashboard', css: VIEWER_CSS + DASHBOARD_CSS, connect: data.mode === 'live' })}
<body>
<header><h1>prof dashboard</h1><div class="meta"><span id="status"></span><button type="button" id="pause" aria-pressed="false" hidden>Pause</button></div></header>
<section class="panel" aria-label="Routes">
<table class="grid" id="routes"><thead><tr>${heads}</tr></thead><tbody id="routes-body"></tbody></table>
<p class="empty" id="no-routes" hidden>No request profiled in the window yet.</p>
</section>
<section class="panel" id="detail" hidden aria-labelledby="route-title">
<h2 id="route-title" tabindex="-1"></h2>
<div class="meta" id="route-meta"></div>
<div class="toolbar"><label>requests <select id="set"><option value="all">all</option><option value="slow">slow (above p90)</option><option value="rest">the rest</option></select></label>
<span id="downloads">download the aggregate as <a id="dl-speedscope">speedscope</a> · <a id="dl-pprof">pprof</a> · <a id="dl-collapsed">collapsed stacks</a></span>
<button type="button" id="refresh" hidden></button><span id="detail-status" class="hint" role="status"></span></div>
<div id="viewer"></div>
<h3>What the slow requests (above p90) do differently</h3>
<p class="hint" id="compare-note"></p>
<table class="grid" id="compare"><thead><tr><th scope="col">Function</th><th scope="col" class="name">Location</th><th scope="col">slow, ms/req</th><th scope="col">rest, ms/req</th><th scope="col">growth, ms</th></tr></thead><tbody id="compare-body"></tbody></table>
<h3>Slowest requests</h3>
<ul class="exemplars" id="exemplars"></ul>
</section>
<template id="viewer-template">${viewerMarkup('The route’s merged stacks, callers on top, heaviest first (not a time line).')}</template>
<div id="tip"></div>
<script type="application/json" id="prof-dashboard">${jsonForScript(data)}</script>
<script nonce="${n}">${DASHBOARD_JS}</script>
</body>
</html>
`;
}
