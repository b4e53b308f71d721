import type { FileNameInfo, ResolvedOptions } from '../options.js';
import { formatSpec, type OutputFormat } from '../export/formats.js';
import type { Report } from '../report.js';
import { proc, requireBuiltin } from '../runtime.js';

const MAX_NAME_BYTES = 200;

/** Makes any string safe as one file-name component: no separators, dots runs, controls or odd bytes. */
export function sanitizeComponent(value: string, maxLength = 80): string {
  let s = value;
  try {
    s = decodeURIComponent(s);
  } catch {
    // Not valid percent-encoding: sanitise the raw text.
  }
  s = s
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._]+|[._]+$/g, '');
  return s.slice(0, maxLength) || 'root';
}

function timestampOf(iso: string): string {
  return iso.replace(/:/g, '-').replace(/\.\d+Z$/, '').replace('T', 'T');
}

export function fileNameInfo(report: Report, ext: string): FileNameInfo {
  const m = report.meta;
  const rawPath = (m.path ?? m.name ?? 'profile').split('?')[0]!;
  return {
    timestamp: timestampOf(m.startedAt),
    method: sanitizeComponent(m.method ?? 'RUN', 16),
    path: sanitizeComponent(rawPath.replace(/^\/+/, '').replace(/\//g, '_'), 80),
    status: m.status === undefined ? 'none' : String(m.status),
    duration: String(Math.round(m.duration)),
    id: sanitizeComponent(m.id, 40),
    ext,
    report,
  };
}

/** The file a report goes to, guaranteed inside outputDir whatever the request or the callback said. */
export function reportPath(outputDir: string, fileName: ResolvedOptions['fileName'], report: Report, ext: string): string {
  const path = requireBuiltin('node:path');
  const info = fileNameInfo(report, ext);
  let name =
    typeof fileName === 'function'
      ? String(fileName(info))
      : fileName.replace(/\{(\w+)\}/g, (_, key: string) => String(info[key as keyof FileNameInfo] ?? ''));
  // One component only: a callback or template cannot point elsewhere.
  name = name.split(/[\\/]+/).filter(Boolean).join('_');
  const dot = name.endsWith(`.${ext}`) ? ext : undefined;
  const stem = sanitizeComponent(dot ? name.slice(0, -(ext.length + 1)) : name, MAX_NAME_BYTES);
  const suffix = dot ? `.${ext}` : '';
  name = `${stem.slice(0, MAX_NAME_BYTES - suffix.length)}${suffix}`;
  const dir = path.resolve(outputDir);
  const full = path.resolve(dir, name);
  if (path.dirname(full) !== dir) throw new Error(`prof: refused to write outside outputDir: ${JSON.stringify(name)}`);
  return full;
}

/** Writes atomically: a temporary name in the same folder, then a rename. */
export async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const fs = requireBuiltin('node:fs');
  const tmp = `${file}.${proc?.pid ?? 0}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export async function writeReportFiles(report: Report, opts: Pick<ResolvedOptions, 'outputDir' | 'fileName'>, formats: OutputFormat[]): Promise<string[]> {
  if (!opts.outputDir) return [];
  const fs = requireBuiltin('node:fs');
  await fs.promises.mkdir(opts.outputDir, { recursive: true });
  const written: string[] = [];
  for (const format of formats) {
    const spec = formatSpec(format);
    const file = reportPath(opts.outputDir, opts.fileName, report, spec.ext);
    await writeAtomic(file, spec.render(report));
    written.push(file);
  }
  return written;
}
