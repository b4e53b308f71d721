import type { FileNameInfo, ResolvedOptions } from '../options.js';
import { OUTPUT_FORMATS, formatSpec, type OutputFormat } from '../formats.js';
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

/** `2026-11-24T10-20-30.456`: milliseconds, so that reports of one path in one second do not overwrite each other. */
function timestampOf(iso: string): string {
  return iso.replace(/:/g, '-').replace(/Z$/, '');
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
export function reportPath(
  outputDir: string,
  fileName: ResolvedOptions['fileName'],
  report: Report,
  ext: string,
): string {
  const path = requireBuiltin('node:path');
  const info = fileNameInfo(report, ext);
  let name =
    typeof fileName === 'function'
      ? String(fileName(info))
      : fileName.replace(/\{(\w+)\}/g, (_, key: string) => String(info[key as keyof FileNameInfo] ?? ''));
  // One component only: a callback or template cannot point elsewhere.
  name = name
    .split(/[\\/]+/)
    .filter(Boolean)
    .join('_');
  const dot = name.endsWith(`.${ext}`) ? ext : undefined;
  const stem = sanitizeComponent(dot ? name.slice(0, -(ext.length + 1)) : name, MAX_NAME_BYTES);
  const suffix = dot ? `.${ext}` : '';
  name = `${stem.slice(0, MAX_NAME_BYTES - suffix.length)}${suffix}`;
  const dir = path.resolve(outputDir);
  const full = path.resolve(dir, name);
  if (path.dirname(full) !== dir) throw new Error(`prof: refused to write outside outputDir: ${JSON.stringify(name)}`);
  return full;
}

/** @internal Writes atomically: a temporary name in the same folder, then a rename. */
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

export async function writeReportFiles(
  report: Report,
  opts: Pick<ResolvedOptions, 'outputDir' | 'fileName'>,
  formats: OutputFormat[],
): Promise<string[]> {
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

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The names a `fileName` template produces, as a pattern, so that maxFiles only ever removes
 * prof's own reports. Undefined for a fileName function: its names cannot be known in advance.
 */
export function reportNamePattern(fileName: ResolvedOptions['fileName']): RegExp | undefined {
  if (typeof fileName !== 'string') return undefined;
  const exts = Object.values(OUTPUT_FORMATS)
    .map((f) => escapeRegExp(f.ext))
    .sort((a, b) => b.length - a.length)
    .join('|');
  let re = '';
  for (const part of fileName.split(/(\{\w+\})/)) {
    const key = /^\{(\w+)\}$/.exec(part)?.[1];
    if (key === undefined) {
      // Literal text goes through the same sanitising as the whole name.
      re += escapeRegExp(part.replace(/[^A-Za-z0-9._-]+/g, '_'));
    } else if (key === 'timestamp') re += '\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(?:\\.\\d{3})?';
    else if (key === 'ext') re += `(?:${exts})`;
    else if (key === 'status') re += '(?:\\d+|none)';
    else if (key === 'duration') re += '\\d+';
    else re += '[A-Za-z0-9._-]*?';
  }
  return new RegExp(`^${re}$`);
}

/**
 * Keeps outputDir at `max` report files: the oldest (by modification time) are removed. Runs one
 * pass at a time; writes landing during a pass ask for one more pass afterwards.
 */
export class FileRotator {
  private readonly pattern: RegExp | undefined;
  /** For a fileName function: the files this profiler wrote, oldest first. */
  private readonly own: string[] = [];
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly dir: string,
    private readonly max: number,
    fileName: ResolvedOptions['fileName'],
  ) {
    this.pattern = reportNamePattern(fileName);
  }

  /** Called after files were written; resolves when outputDir is back under the limit. */
  written(files: string[]): Promise<void> {
    if (!this.pattern) {
      const path = requireBuiltin('node:path');
      for (const f of files) this.own.push(path.basename(f));
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    const fs = requireBuiltin('node:fs');
    const path = requireBuiltin('node:path');
    let victims: string[];
    if (!this.pattern) {
      victims = this.own.length > this.max ? this.own.splice(0, this.own.length - this.max) : [];
    } else {
      const pattern = this.pattern;
      const names = (await fs.promises.readdir(this.dir)).filter((n) => pattern.test(n));
      if (names.length <= this.max) return;
      const dated = await Promise.all(
        names.map(async (name) => {
          const stat = await fs.promises.stat(path.join(this.dir, name)).catch(() => undefined);
          return { name, mtime: stat?.isFile() ? stat.mtimeMs : undefined };
        }),
      );
      const files = dated.filter((d): d is { name: string; mtime: number } => d.mtime !== undefined);
      files.sort((a, b) => a.mtime - b.mtime || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      victims = files.slice(0, Math.max(0, files.length - this.max)).map((f) => f.name);
    }
    // force: another process (or a person) may have removed it already.
    await Promise.all(victims.map((name) => fs.promises.rm(path.join(this.dir, name), { force: true })));
  }
}
