/**
 * The viewer's fixed markup (controls, call tree, flame graph), shared by the HTML report and the
 * dashboard, which clones it once per route shown. Static text only: data never goes in here.
 */
export function viewerMarkup(flameHint: string): string {
  return `<nav>
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
<section id="flame-view" hidden><div id="flame"><div class="hint">${flameHint} Wheel to zoom, click a frame to focus it. <button id="reset">Reset zoom</button> <span id="focus"></span> <span id="resampled" hidden>(timeline resampled to keep the file small; the call tree is exact)</span></div><div id="axis"><span id="t0"></span><span id="t1"></span></div><canvas id="canvas"></canvas></div></section>
</main>`;
}

/**
 * The `<head>` of prof's self-contained pages: a CSP that allows no network request and no
 * script but the page's own (`connect` adds `connect-src 'self'` for the live dashboard).
 * `title` and `css` are trusted text: escape a title before passing it.
 */
export function pageHead(opts: { nonce: string; title: string; css: string; connect?: boolean }): string {
  const connect = opts.connect ? " connect-src 'self';" : '';
  return `<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${opts.nonce}'; style-src 'unsafe-inline'; img-src data:;${connect} base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="prof">
<meta name="referrer" content="no-referrer">
<title>${opts.title}</title>
<style>${opts.css}</style>
</head>`;
}
