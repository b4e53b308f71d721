import type { Aggregator } from '../aggregate/aggregator.js';
import type { ResolvedOptions } from '../options.js';
import type { Report } from '../report.js';
import { FileRotator, writeReportFiles } from './files.js';

/** Counters the sinks keep (part of the profiler's stats). */
export interface DeliveryStats {
  profiled: number;
  /** Reports whose files were skipped because maxPendingWrites reports were already waiting for the disk. */
  droppedWrites: number;
}

/**
 * The sinks a finished report goes to: the logger (text tree), outputDir (files, with
 * backpressure: at most maxPendingWrites reports wait for the disk; maxFiles rotation) and
 * onReport. Faults are reported, never thrown.
 */
export class Delivery {
  private pendingWrites = 0;
  private readonly rotator: FileRotator | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly stats: DeliveryStats,
    private readonly fault: (kind: string, err: unknown) => void,
    private readonly aggregator?: Aggregator,
  ) {
    const o = options;
    this.rotator = o.outputDir && o.maxFiles !== undefined ? new FileRotator(o.outputDir, o.maxFiles) : undefined;
  }

  /** Hands a finished report to every sink. Never rejects. */
  async deliver(report: Report): Promise<void> {
    const o = this.options;
    this.stats.profiled++;
    this.aggregate(report);
    if (o.printEachRequest) {
      try {
        o.logger.info(report.text());
      } catch (err) {
        this.fault('printing the report', err);
      }
    }
    const tasks: Promise<unknown>[] = [];
    if (o.outputDir) tasks.push(this.write(report));
    if (o.onReport) {
      const onReport = o.onReport;
      tasks.push(
        (async () => {
          await onReport(report);
        })().catch((err) => this.fault('onReport', err)),
      );
    }
    await Promise.all(tasks);
  }

  /**
   * Queues the report for its route's aggregate, when aggregates are on: the merge runs on a
   * later turn of the event loop (Aggregator.enqueue). Never throws.
   */
  aggregate(report: Report): void {
    this.aggregator?.enqueue(report);
  }

  private async write(report: Report): Promise<void> {
    const o = this.options;
    if (this.pendingWrites >= o.maxPendingWrites) {
      // The disk is behind: holding every report in memory until it catches up is worse.
      this.stats.droppedWrites++;
      this.fault(
        'queueing report files',
        new Error(
          `${o.maxPendingWrites} reports already wait for outputDir (maxPendingWrites); this one's files were skipped`,
        ),
      );
      return;
    }
    this.pendingWrites++;
    let files: string[];
    try {
      files = await writeReportFiles(report, o, o.output);
    } catch (err) {
      this.fault('writing report files', err);
      return;
    } finally {
      // Rotation is not a pending write: a long pass must not make later reports drop.
      this.pendingWrites--;
    }
    await this.rotator?.written(files).catch((err) => this.fault('rotating outputDir (maxFiles)', err));
  }
}
