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
};

export function formatSpec(format: OutputFormat): FormatSpec {
  const spec = OUTPUT_FORMATS[format];
  if (!spec) throw new TypeError(`prof: unknown report format '${format}'`);
  return spec;
}
