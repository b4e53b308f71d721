/** The dashboard's own styles, added to the report viewer's (style.ts). */
export const DASHBOARD_CSS = `
section.panel{padding:8px 16px}
.toolbar{display:flex;gap:10px;align-items:center;flex-wrap:wrap;padding:6px 0}
table.grid{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
table.grid th,table.grid td{text-align:right;padding:3px 10px;border-bottom:1px solid var(--line);white-space:nowrap}
table.grid th:first-child,table.grid th.name,table.grid td.name{text-align:left;white-space:normal;word-break:break-all}
table.grid thead th{position:sticky;top:0;background:var(--bg);color:var(--muted);font-weight:600}
table.grid thead button{border:0;padding:2px 0;background:none;color:inherit;font-weight:600;cursor:pointer}
table.grid thead th[aria-sort=ascending] button::after{content:" ▲"}
table.grid thead th[aria-sort=descending] button::after{content:" ▼"}
table.grid tbody tr.sel{background:var(--sel)}
table.grid tbody th{font-weight:400;text-align:left}
button.route{border:0;background:none;padding:0;text-align:left;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;cursor:pointer;word-break:break-all}
button.route:hover,button.route:focus-visible{text-decoration:underline}
td.grow{color:#b45309;font-weight:600}
#detail{border-top:1px solid var(--line)}
#detail h2{font-size:15px;margin:4px 0;word-break:break-all}
#detail h3{font-size:13px;margin:16px 0 4px}
#viewer{border:1px solid var(--line);border-radius:4px;margin:6px 0}
ul.exemplars{margin:4px 0;padding-left:18px}ul.exemplars li{padding:1px 0;word-break:break-all}
.live{color:#15803d}.stale{color:#b45309}
`;
