import type { Aggregator } from '../aggregate/aggregator.js';
import type { Comparison } from '../aggregate/compare.js';
import { renderDashboardPage, type DashboardData } from '../render/dashboard-page.js';
import { buildHtmlData, type HtmlData } from '../render/html/data.js';
import { proc, requireBuiltin } from '../runtime.js';
import { writeAtomic } from './files.js';

/** The busiest routes whose call trees a static page embeds (each is tens of KB). */
export const STATIC_VIEWS = 50;

/** The dashboard with its data embedded: a file that opens anywhere, connecting nowhere. */
export function staticDashboard(agg: Aggregator, views = STATIC_VIEWS): string {
  const routes = agg.routes();
  const data: DashboardData = {
    mode: 'static',
    generatedAt: new Date().toISOString(),
    routes,
    views: {},
    compares: {},
  };
  for (const r of routes.slice(0, views)) {
    const report = agg.report(r.id);
    if (report) (data.views as Record<string, HtmlData>)[r.id] = buildHtmlData(report.stacks(), report.meta);
    const cmp = agg.compare(r.id);
    if (cmp) (data.compares as Record<string, Comparison>)[r.id] = cmp;
  }
  return renderDashboardPage(data);
}

// One 'exit' listener for every writer: a sync write is all that can run there.
const live = new Set<AggregateFile>();
let exitHooked = false;
function onExit(): void {
  for (const w of live) w.writeSync();
}

/**
 * `aggregate: { file }`: the static dashboard written atomically to outputDir/file every `every`
 * ms (an unref'd timer: it never keeps the process alive), when the server closes (close()) and,
 * synchronously, when the process exits. Faults are logged, never thrown.
 */
export class AggregateFile {
  private readonly timer: ReturnType<typeof setInterval>;
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private closed = false;
  readonly path: string;

  constructor(
    private readonly agg: Aggregator,
    dir: string,
    name: string,
    every: number,
    private readonly fault: (kind: string, err: unknown) => void,
  ) {
    this.path = requireBuiltin('node:path').join(dir, name);
    this.timer = setInterval(() => void this.write(), every);
    (this.timer as { unref?: () => void }).unref?.();
    live.add(this);
    if (!exitHooked && typeof (proc as { once?: unknown } | undefined)?.once === 'function') {
      exitHooked = true;
      (proc as unknown as { once(e: string, f: () => void): void }).once('exit', onExit);
    }
  }

  /** Writes the page now (one write at a time; writes asked for meanwhile become one, after it). */
  write(): Promise<void> {
    if (this.queued) return this.queued;
    const next = (this.writing ?? Promise.resolve()).then(async () => {
      this.queued = undefined;
      try {
        const dir = requireBuiltin('node:path').dirname(this.path);
        await requireBuiltin('node:fs').promises.mkdir(dir, { recursive: true });
        await writeAtomic(this.path, staticDashboard(this.agg));
      } catch (err) {
        this.fault('writing the aggregate file', err);
      }
    });
    this.writing = next;
    this.queued = next;
    return next;
  }

  /** At process exit: render and write synchronously (a temporary name, then a rename). */
  writeSync(): void {
    try {
      const fs = requireBuiltin('node:fs');
      fs.mkdirSync(requireBuiltin('node:path').dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${proc?.pid ?? 0}.exit.tmp`;
      fs.writeFileSync(tmp, staticDashboard(this.agg));
      fs.renameSync(tmp, this.path);
    } catch (err) {
      this.fault('writing the aggregate file', err);
    }
  }

  /**
   * The server closed: no more timer, a write now, and one more after any report that was still
   * on its way (its response went out just before the close) is merged.
   */
  close(): Promise<void> {
    if (this.closed) return this.writing ?? Promise.resolve();
    this.closed = true;
    clearInterval(this.timer);
    this.agg.onMerged = () => void this.write();
    return this.write();
  }
}
