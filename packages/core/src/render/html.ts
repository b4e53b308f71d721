import type { ExportStacks } from '../export/stacks.js';
import { reportTitle } from '../frame-kinds.js';
import type { ReportMeta } from '../types.js';
import { buildHtmlData } from './html/data.js';
import { viewerMarkup } from './html/markup.js';
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
${viewerMarkup('Samples in time order, callers on top.')}
<div id="tip"></div>
<script type="application/json" id="prof-data">${data}</script>
<script nonce="${n}">${VIEWER_JS}</script>
</body>
</html>
`;
}
