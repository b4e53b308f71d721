import type { ExportStacks } from '../export/stacks.js';
import { reportTitle } from '../frame-kinds.js';
import type { ReportMeta } from '../types.js';
import { buildHtmlData } from './html/data.js';
import { pageHead, viewerMarkup } from './html/markup.js';
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

/** A fresh CSP nonce for one page. */
export function nonce(): string {
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
${pageHead({ nonce: n, title: `prof: ${escapeHtml(title)}`, css: VIEWER_CSS })}
<body>
<header><h1 id="title"></h1><div class="meta" id="meta"></div></header>
${viewerMarkup('Samples in time order, callers on top.')}
<div id="tip"></div>
<script type="application/json" id="prof-data">${data}</script>
<script nonce="${n}">${VIEWER_JS}</script>
</body>
</html>
`;
}
