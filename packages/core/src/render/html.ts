import type { ExportStacks } from '../export/stacks.js';
import { reportTitle } from '../frame-kinds.js';
import type { ReportMeta } from '../types.js';
import { buildHtmlData } from './html/data.js';
import { VIEWER_CSS } from './html/style.js';
import { VIEWER_JS } from './html/viewer.generated.js';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that can sit inside a <script> element: `<` (so `</script>` and `<!--`) and the JS line separators escaped. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function nonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The self-contained HTML report: data as inert JSON, the viewer inline, and a
 * Content-Security-Policy that forbids every network request and any script but ours.
 */
export function renderHtml(stacks: ExportStacks, meta: ReportMeta): string {
  const data = jsonForScript(buildHtmlData(stacks, meta));
  const n = nonce();
  const title = reportTitle(meta);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${n}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="prof">
<title>prof: ${escapeHtml(title)}</title>
<style>${VIEWER_CSS}</style>
</head>
<body>
<header><h1 id="title"></h1><div class="meta" id="meta"></div></header>
<nav>
<div class="tabs" role="tablist"><button id="tab-tree" role="tab" aria-selected="true">Call tree</button><button id="tab-flame" role="tab" aria-selected="false">Flame graph / timeline</button></div>
<input id="search" type="search" placeholder="Search functions and files  ( / )" aria-label="Search">
<label class="tree-only">threshold <select id="threshold"><option value="0">0</option><option value="0.001">0.1%</option><option value="0.01" selected>1%</option><option value="0.05">5%</option><option value="0.1">10%</option></select></label>
<label class="tree-only">time <select id="unit"><option value="ms">ms</option><option value="pct">%</option></select></label>
<label class="tree-only"><input id="showall" type="checkbox"> library frames</label>
<span class="spacer"></span>
<button id="expand" class="tree-only">Expand all</button><button id="collapse" class="tree-only">Collapse all</button>
</nav>
<main>
<section id="tree-view"><div id="tree" role="tree" aria-label="Call tree"></div><div class="hint" style="padding:0 16px">Keys: ↑ ↓ move, → open, ← close, Enter toggle, / search. Click a “frames hidden” tag to show library frames.</div></section>
<section id="flame-view" hidden><div id="flame"><div class="hint">Samples in time order, callers on top. Wheel to zoom, click a frame to focus it. <button id="reset">Reset zoom</button> <span id="focus"></span> <span id="resampled" hidden>(timeline resampled to keep the file small; the call tree is exact)</span></div><div id="axis"><span id="t0"></span><span id="t1"></span></div><canvas id="canvas"></canvas></div></section>
</main>
<div id="tip"></div>
<script type="application/json" id="prof-data">${data}</script>
<script nonce="${n}">${VIEWER_JS}</script>
</body>
</html>
`;
}
