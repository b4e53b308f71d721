/** The viewer's stylesheet, inlined into every report. */
export const VIEWER_CSS = `
:root{--bg:#fff;--fg:#1d2129;--muted:#6b7280;--line:#e5e7eb;--sel:#dbeafe;--hl:#fde68a;--app:#e8743b;--lib:#7c93b5;--sys:#a3a3a3;font:13px/1.4 ui-sans-serif,system-ui,-apple-system,"Segoe UI",sans-serif}
@media (prefers-color-scheme:dark){:root{--bg:#16181d;--fg:#e5e7eb;--muted:#9ca3af;--line:#2d3139;--sel:#1e3a5f;--hl:#854d0e}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg)}
header{padding:12px 16px;border-bottom:1px solid var(--line)}
h1{font-size:16px;margin:0 0 6px;word-break:break-all}
.meta{display:flex;flex-wrap:wrap;gap:4px 18px;color:var(--muted)}.meta b{color:var(--fg);font-weight:600}
nav{display:flex;gap:6px;align-items:center;flex-wrap:wrap;padding:8px 16px;border-bottom:1px solid var(--line);position:sticky;top:0;background:var(--bg);z-index:2}
nav .tabs{display:flex;gap:2px;margin-right:12px}
button,select,input{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:3px 8px}
button[aria-selected=true]{background:var(--sel);font-weight:600}
button:hover{border-color:var(--muted)}
label{display:inline-flex;gap:4px;align-items:center;color:var(--muted)}
input[type=search]{width:220px}
.spacer{flex:1}
#tree{font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:6px 0 40px}
.row{display:flex;align-items:center;white-space:nowrap;padding:0 16px;cursor:default}
/* Rows off screen skip layout and paint: a search in a 60 s profile can list tens of thousands. */
.row{content-visibility:auto;contain-intrinsic-size:auto 18px}
.row:hover{background:rgba(127,127,127,.08)}.row.sel{background:var(--sel);outline:none}
.tog{width:14px;display:inline-block;color:var(--muted);cursor:pointer;flex:none}
.time{width:84px;text-align:right;flex:none;padding-right:8px}
.bar{width:60px;height:6px;background:var(--line);border-radius:3px;margin-right:10px;flex:none;overflow:hidden}.bar i{display:block;height:100%;background:var(--app)}
.fn{font-weight:600;overflow:hidden;text-overflow:ellipsis;flex:none;max-width:60%}.row.lib .fn,.row.group .fn{color:var(--lib)}.row.sys .fn,.row.self .fn{color:var(--muted);font-weight:400}
.loc{color:var(--muted);margin-left:12px;overflow:hidden;text-overflow:ellipsis;flex-shrink:10}
/* A long list of hidden libraries shrinks first (full list in its title), not the page sideways. */
.tag{margin-left:10px;color:var(--lib);font-size:11px;border:1px solid var(--line);border-radius:3px;padding:0 4px;cursor:pointer;
  overflow:hidden;text-overflow:ellipsis;flex-shrink:100;min-width:6em}
mark{background:var(--hl);color:inherit;border-radius:2px}
.empty{padding:16px;color:var(--muted)}
#flame{position:relative;padding:0 16px 16px}
#flame canvas{display:block;width:100%;border:1px solid var(--line);cursor:pointer}
#axis{display:flex;justify-content:space-between;color:var(--muted);font-size:11px;padding:4px 0}
#tip{position:fixed;pointer-events:none;background:#111827;color:#f9fafb;padding:6px 8px;border-radius:4px;font-size:12px;max-width:520px;z-index:5;display:none;word-break:break-all}
#tip .t{color:#fcd34d}
.hint{color:var(--muted);font-size:12px;padding:6px 0}
[hidden]{display:none!important}
`;
