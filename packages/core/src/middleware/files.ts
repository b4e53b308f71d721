import type { FileNameInfo, ResolvedOptions } from '../options.js';
import { formatSpec, type OutputFormat } from '../formats.js';
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
  // Every file ends in its format's extension, so that a template without `{ext}` and several
  // outputs cannot write every format to one name (and tools recognise the file).
  const suffix = `.${ext}`;
  const stem = sanitizeComponent(name.endsWith(suffix) ? name.slice(0, -suffix.length) : name, MAX_NAME_BYTES);
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
    const file = await freeName(reportPath(opts.outputDir, opts.fileName, report, spec.ext), spec.ext, report.meta.id);
    await writeAtomic(file, spec.render(report));
    rememberWritten(file);
    written.push(file);
  }
  return written;
}

/** Report files this process wrote (bounded, oldest forgotten first): rewriting those is prof's business. */
const writtenHere = new Set<string>();
const WRITTEN_HERE_MAX = 10_000;

function rememberWritten(file: string): void {
  writtenHere.delete(file);
  writtenHere.add(file);
  if (writtenHere.size > WRITTEN_HERE_MAX) writtenHere.delete(writtenHere.values().next().value as string);
}

/** How prof's text formats begin: a file that does is a report of an earlier run, not the user's. */
const SIGNATURES: ((head: string) => boolean)[] = [
  (h) => h.startsWith('\n  prof  Recorded:'),
  (h) => h.startsWith('{"schema":"prof.report/'),
  (h) => h.startsWith('<!doctype html>') && h.includes('<meta name="generator" content="prof">'),
];

/** Whether writing over `file` loses nothing: absent, not a plain file (the write fails), or prof's own. */
async function mayOverwrite(file: string): Promise<boolean> {
  if (writtenHere.has(file)) return true;
  const fs = requireBuiltin('node:fs');
  const stat = await fs.promises.stat(file).catch(() => undefined);
  if (!stat?.isFile()) return true;
  const fd = await fs.promises.open(file, 'r').catch(() => undefined);
  if (!fd) return false;
  try {
    const buf = new Uint8Array(2048);
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
    const head = new TextDecoder().decode(buf.subarray(0, bytesRead));
    return SIGNATURES.some((signed) => signed(head));
  } finally {
    await fd.close();
  }
}

/**
 * `file`, or, when a file prof did not write already has that name (a user's `config.json` that
 * `'{path}.{ext}'` would name for `GET /config`), the same name with the report's id added.
 */
async function freeName(file: string, ext: string, id: string): Promise<string> {
  if (await mayOverwrite(file)) return file;
  const stem = file.slice(0, -(ext.length + 1));
  const tag = sanitizeComponent(id, 40);
  for (let n = 0; n < 5; n++) {
    const other = `${stem}-${tag}${n ? `-${n}` : ''}.${ext}`;
    if (await mayOverwrite(other)) return other;
  }
  throw new Error(`prof: ${JSON.stringify(file)} and its alternatives belong to someone else; report not written`);
}

/** prof's record of the report files it wrote into an outputDir, so that maxFiles removes only those. */
export const MANIFEST_NAME = '.prof-manifest';

/**
 * Keeps outputDir at `max` report files written by prof, oldest first out. prof removes only
 * names it wrote: each write is appended to a manifest in outputDir (`+name`, and `-name` once
 * removed), which a later process reads, so reports of earlier runs are rotated too while a
 * user's `config.json` or `notes.txt` never is, whatever the `fileName` template. Runs one pass
 * at a time; writes landing during a pass ask for one more pass afterwards.
 */
export class FileRotator {
  /** Names prof wrote and has not removed, oldest first (a rewritten name moves to the end). */
  private own: Set<string> | undefined;
  private manifestLines = 0;
  private readonly fresh: string[] = [];
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly dir: string,
    private readonly max: number,
  ) {}

  /** Called after files were written; resolves when outputDir is back under the limit. */
  written(files: string[]): Promise<void> {
    const path = requireBuiltin('node:path');
    for (const f of files) this.fresh.push(path.basename(f));
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

  private async load(manifest: string): Promise<Set<string>> {
    const fs = requireBuiltin('node:fs');
    const own = new Set<string>();
    const text = await fs.promises.readFile(manifest, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const name = line.slice(1);
      if (!isPlainName(name)) continue;
      this.manifestLines++;
      own.delete(name);
      if (line[0] === '+') own.add(name);
    }
    return own;
  }

  private async pass(): Promise<void> {
    const fs = requireBuiltin('node:fs');
    const path = requireBuiltin('node:path');
    const manifest = path.join(this.dir, MANIFEST_NAME);
    const own = (this.own ??= await this.load(manifest));
    const log: string[] = [];
    for (const name of this.fresh.splice(0)) {
      own.delete(name);
      own.add(name);
      log.push(`+${name}`);
    }
    const victims: string[] = [];
    for (const name of own) {
      if (own.size - victims.length <= this.max) break;
      victims.push(name);
    }
    for (const name of victims) {
      own.delete(name);
      log.push(`-${name}`);
    }
    // force: another process (or a person) may have removed it already.
    await Promise.all(victims.map((name) => fs.promises.rm(path.join(this.dir, name), { force: true })));
    if (this.manifestLines + log.length > 4 * this.max + 64) {
      // Compact: only the live names, so the manifest stays a few times maxFiles long.
      const live = [...own].map((n) => `+${n}\n`).join('');
      await writeAtomic(manifest, live);
      this.manifestLines = own.size;
    } else if (log.length) {
      await fs.promises.appendFile(manifest, `${log.join('\n')}\n`);
      this.manifestLines += log.length;
    }
  }
}

/** A bare file name as prof writes them (never a path, never the manifest itself). */
function isPlainName(name: string): boolean {
  return (
    name.length > 0 &&
    name !== MANIFEST_NAME &&
    !/[\\/]/.test(name) &&
    !name.includes('\u0000') &&
    name !== '.' &&
    name !== '..'
  );
}
