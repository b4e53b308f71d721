import { reportTitle } from '../../../frame-kinds.js';
import type { HtmlData } from '../data.js';
import { byId, el } from './dom.js';
import { mountViewer } from './mount.js';

// The report viewer's entry point: scripts/bundle-viewer.mjs bundles it into an IIFE that
// render/html.ts inlines next to the data (`<script type="application/json" id="prof-data">`).

function header(meta: HtmlData['meta']): void {
  const title = reportTitle(meta);
  document.title = `prof: ${title}`;
  byId('title').textContent = title;
  const items: [string, string][] = [];
  if (meta.route) items.push(['route', String(meta.route)]);
  if (meta.controller && meta.handler) items.push(['handler', `${String(meta.controller)}.${String(meta.handler)}`]);
  if (meta.status !== undefined) items.push(['status', String(meta.status)]);
  items.push(['recorded', new Date(meta.startedAt).toLocaleString()]);
  items.push(['duration', `${Number(meta.duration).toFixed(1)} ms`]);
  items.push(['CPU time', `${Number(meta.cpuTime).toFixed(1)} ms`]);
  items.push([
    'samples',
    meta.cpuSampleCount !== undefined && meta.cpuSampleCount !== meta.sampleCount
      ? `${String(meta.sampleCount)} (${String(meta.cpuSampleCount)} on CPU)`
      : String(meta.sampleCount),
  ]);
  items.push(['interval', `${meta.interval} µs`]);
  items.push(['sampler', meta.sampler]);
  if (meta.truncated) items.push(['truncated', 'yes (maxDuration)']);
  for (const [k, v] of items) {
    const s = el('span', undefined, `${k} `);
    s.appendChild(el('b', undefined, v));
    s.dataset.field = k;
    byId('meta').appendChild(s);
  }
}

function main(): void {
  const data = JSON.parse(byId('prof-data').textContent || '{}') as HtmlData;
  header(data.meta);
  mountViewer(data);
  document.body.dataset.ready = 'true';
}

main();
