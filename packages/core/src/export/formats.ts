import type { Report } from '../report.js';

export type OutputFormat = 'text' | 'json' | 'html' | 'speedscope' | 'cpuprofile' | 'collapsed' | 'pprof';

export interface FormatSpec {
  /** File extension, without the dot. */
  ext: string;
  contentType: string;
  render(report: Report): string | Uint8Array;
}

/** Every report format: how to render it, its file extension and content type. */
export const OUTPUT_FORMATS: { [K in OutputFormat]?: FormatSpec } = {
  text: { ext: 'txt', contentType: 'text/plain; charset=utf-8', render: (r) => r.text({ color: false }) },
  json: { ext: 'json', contentType: 'application/json; charset=utf-8', render: (r) => r.json() },
  html: { ext: 'html', contentType: 'text/html; charset=utf-8', render: (r) => r.html() },
  speedscope: { ext: 'speedscope.json', contentType: 'application/json; charset=utf-8', render: (r) => r.speedscope() },
  cpuprofile: { ext: 'cpuprofile', contentType: 'application/json; charset=utf-8', render: (r) => r.cpuprofile() },
  collapsed: { ext: 'collapsed.txt', contentType: 'text/plain; charset=utf-8', render: (r) => r.collapsed() },
  pprof: { ext: 'pb.gz', contentType: 'application/octet-stream', render: (r) => r.pprof() },
};

export function formatSpec(format: OutputFormat): FormatSpec {
  const spec = OUTPUT_FORMATS[format];
  if (!spec) throw new TypeError(`prof: unknown report format '${format}'`);
  return spec;
}
