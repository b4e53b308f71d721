import type { Logger } from '../types.js';
import { nowUs } from '../runtime.js';
import type { Ownership, Samples } from '../samples.js';
import type { Backend, BackendName } from './backend.js';
import { toSegment, type Segment } from './segment.js';
import { cut, labelOwnership, type Recording } from './recording.js';
import { getContextTimeline, type ContextTimeline } from './context.js';
import { StallWatch } from './stall.js';
import { startAsyncCapture, stopAsyncCapture } from './async-capture.js';

export type { Recording } from './recording.js';

/** Unless warm() was called, a profile is kept this long after the last recording ends, for the next burst. */
const LINGER_MS = 1000;
/** A warm sampler with nothing to record still rotates this often, so that an idle profile stays small. */
const IDLE_ROTATION_MS = 5000;
/** A profile older than this is rotated when a dropped recording ends, so that it stays small under load. */
const MAX_PROFILE_AGE_MS = 5000;
/** Context transitions kept before a dropped recording trims the ones no recording needs (~12 bytes each). */
const TIMELINE_TRIM_AT = 1 << 16;
/**
 * node:inspector keeps every profile's id until its CpuProfiler is disposed (~110 bytes a
 * rotation, measured): after this many rotations, a warm inspector sampler restarts cold once,
 * while idle.
 */
const INSPECTOR_RECYCLE_ROTATIONS = 100_000;

const schedule: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (fn) => void globalThis.setImmediate(fn)
    : (fn) => void setTimeout(fn, 0);

/**
 * One V8 profiling session shared by every recording in flight.
 *
 * A profile runs while any recording is open. When recordings end, the running profile is
 * rotated: the other slot starts first, then this one stops, so no sample is lost and
 * V8's profiler stays warm (a start with another profile running costs tens of µs, a cold
 * start tens of ms). Each stopped profile becomes a segment shared by the recordings it
 * overlaps; a recording's samples are its segments cut to its own start and end.
 */
export class SharedSampler {
  private slot: 0 | 1 | null = null;
  private readonly inFlight = new Set<Recording>();
  private waiting: Recording[] = [];
  private rotationPending = false;
  private lastRotation = 0;
  // The wait between rotations: the backend's minimum, stretched so that rotating (stopping one V8
  // profile, starting the other, converting the samples) takes at most ~1 % of the main thread
  // on a busy server, capped so that reports still arrive within MAX_ROTATION_WAIT_MS.
  private rotationWaitMs = 0;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private timeline: ContextTimeline | null | undefined;
  /** Set by warm(): the profile runs from then on and is never stopped for idleness. */
  private keepWarm = false;
  private rotations = 0;
  private timelineTrimAt = TIMELINE_TRIM_AT;
  private readonly stall = new StallWatch();
  /** Where the sampler's own events go (a restart of a stuck profiler); set by getSharedSampler. */
  logger: Logger | undefined;
  /** With a labelling backend: the last context id given out, and how many labelled recordings are open. */
  private lastLabel = 0;
  private labelled = 0;

  constructor(
    readonly backend: Backend,
    readonly interval: number,
  ) {
    backend.setInterval(interval);
    const maxAge = backend.maxProfileMs;
    if (maxAge) {
      // Open recordings hold off rotations; a bounded backend still rotates at least this often.
      const timer = setInterval(() => {
        if (this.slot !== null && this.inFlight.size > 0 && Date.now() - this.lastRotation >= maxAge / 2) {
          this.requestRotation();
        }
      }, maxAge / 2);
      timer.unref?.();
    }
  }

  /** True when context attribution reads the backend's per-sample labels (no async hook runs). */
  get labels(): boolean {
    return this.backend.labels !== undefined;
  }

  /** Runs fn in a context scope of its own, so that begin(true) inside does not leak to the caller. */
  isolate<T>(fn: () => T): T {
    if (this.backend.labels) return this.backend.labels.isolate(fn);
    const timeline = getContextTimeline();
    return timeline ? timeline.isolate(fn) : fn();
  }

  get name(): BackendName {
    return this.backend.name;
  }

  /** True once warm() ran: a profile is running and stays running. */
  get warm(): boolean {
    return this.keepWarm;
  }

  /**
   * Starts the shared profile now and keeps it running for the life of the process. Called when a
   * middleware is created, off any request: the first start walks all compiled code (hundreds of
   * ms in a large app, cheap at startup), and code optimized while a profile runs keeps its inlined
   * frames. Afterwards a request only opens a recording; rotations run after responses.
   */
  warmUp(): void {
    this.keepWarm = true;
    if (this.slot === null) {
      this.backend.start(0);
      this.slot = 0;
      this.lastRotation = Date.now();
    }
    if (this.inFlight.size === 0 && this.waiting.length === 0 && !this.rotationPending) {
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.idle();
    }
  }

  /** Recordings currently open. */
  get active(): number {
    return this.inFlight.size;
  }

  /**
   * Opens a recording. With `attribute`, the code running now and everything it schedules is
   * the recording's context, and only samples taken in it count as its own.
   */
  begin(attribute = false): Recording {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    if (this.slot === null) {
      this.backend.start(0);
      this.slot = 0;
      this.lastRotation = Date.now();
    }
    let ctx = 0;
    if (attribute && this.backend.labels) {
      ctx = this.lastLabel = this.lastLabel >= 2 ** 30 ? 1 : this.lastLabel + 1;
      this.backend.labels.enter(ctx);
      if (this.labelled++ === 0) startAsyncCapture();
    } else if (attribute) {
      this.timeline ??= getContextTimeline() ?? null;
      ctx = this.timeline?.enter() ?? 0;
    }
    const rec: Recording = { start: nowUs(), end: undefined, segments: [], ctx };
    this.inFlight.add(rec);
    return rec;
  }

  /** Closes a recording; its samples arrive after the next rotation. */
  end(rec: Recording, at = nowUs()): Promise<Samples> {
    if (!this.inFlight.delete(rec)) return Promise.reject(new Error('prof: recording already ended'));
    rec.end = at;
    if (rec.ctx) this.leave();
    const done = new Promise<Samples>((resolve, reject) => {
      rec.settle = { resolve, reject };
    });
    this.waiting.push(rec);
    this.requestRotation();
    return done;
  }

  /** Drops a recording whose samples nobody wants (e.g. below slowThreshold). */
  discard(rec: Recording): void {
    if (this.inFlight.delete(rec)) {
      if (rec.ctx) this.leave();
      if (this.inFlight.size === 0 && this.waiting.length === 0) this.idle();
    }
    rec.segments = [];
    // Only an ended recording asks for a rotation. Under steady traffic that is all dropped
    // (slowThreshold), some request is always in flight, so the idle rotation never comes: rotate
    // by age instead, or V8's running profile and the context timeline grow for the process's life.
    if (this.slot !== null && !this.rotationPending && Date.now() - this.lastRotation >= MAX_PROFILE_AGE_MS) {
      this.requestRotation();
    }
    if (this.timeline && this.timeline.length >= this.timelineTrimAt) {
      this.trimTimeline();
      // A long request still open keeps its transitions: trim again only once they have doubled.
      this.timelineTrimAt = Math.max(TIMELINE_TRIM_AT, this.timeline.length * 2);
    }
  }

  /** An attributed recording closed. */
  private leave(): void {
    if (!this.backend.labels) this.timeline?.leave();
    else if (--this.labelled === 0) stopAsyncCapture();
  }

  private requestRotation(): void {
    if (this.rotationPending) return;
    this.rotationPending = true;
    const wait = this.lastRotation + Math.max(this.backend.minRotationMs, this.rotationWaitMs) - Date.now();
    if (wait > 0) setTimeout(() => this.rotate(), wait);
    else schedule(() => this.rotate());
  }

  private rotate(): void {
    this.rotationPending = false;
    this.lastRotation = Date.now();
    const waiting = this.waiting;
    this.waiting = [];
    let segment: Segment | undefined;
    try {
      const old = this.slot;
      if (old === null) throw new Error('prof: no profile running');
      const next: 0 | 1 = old === 0 ? 1 : 0;
      const began = nowUs();
      this.backend.start(next);
      this.slot = next;
      segment = toSegment(this.backend.stop(old));
      this.rotations++;
      this.rotationWaitMs = Math.min(MAX_ROTATION_WAIT_MS, (nowUs() - began) / 10); // µs → 100× in ms
    } catch (err) {
      this.reset();
      for (const rec of waiting) rec.settle?.reject(err);
      for (const rec of this.inFlight) rec.segments = [];
      return;
    }
    for (const rec of this.inFlight) rec.segments.push(segment);
    for (const rec of waiting) {
      rec.segments.push(segment);
      try {
        rec.settle?.resolve(cut(rec, this.interval, rec.ctx ? this.ownership(rec) : undefined));
      } catch (err) {
        rec.settle?.reject(err);
      }
      rec.segments = [];
    }
    this.trimTimeline();
    if (!this.backend.restartsStalled && this.stall.observe(segment)) this.restartStalled();
    if (this.inFlight.size === 0) this.idle();
  }

  /** Stops every profile (which ends V8's profiler thread) and starts again, if one is needed. */
  private restartStalled(): void {
    say(
      this.logger,
      'warn',
      `prof: V8's profiler took no sample for ${this.stall.lastWaitSeconds} s; restarting it (requests in flight miss those samples)`,
    );
    this.reset();
    if (!this.keepWarm && this.inFlight.size === 0) return;
    try {
      this.backend.start(0);
      this.slot = 0;
      this.lastRotation = Date.now();
    } catch (err) {
      // Cold: the next recording starts the profile, or its end reports the fault.
      say(this.logger, 'warn', `prof: restarting V8's profiler failed: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** When the recording's own context ran: from the samples' labels, else from the hook timeline. */
  private ownership(rec: Recording): Ownership | undefined {
    if (this.backend.labels) return labelOwnership(rec);
    return this.timeline?.ownership(rec.ctx);
  }

  /** Keeps only the context transitions that open or not yet cut recordings may still need. */
  private trimTimeline(): void {
    const tl = this.timeline;
    if (!tl) return;
    let oldest = Infinity;
    for (const rec of this.inFlight) if (rec.ctx && rec.start < oldest) oldest = rec.start;
    for (const rec of this.waiting) if (rec.ctx && rec.start < oldest) oldest = rec.start;
    if (oldest === Infinity) tl.clear();
    else tl.trim(oldest);
  }

  /**
   * Nothing open. Warm: rotate now and then so the idle profile stays small (and recycle the
   * inspector's profiler when due). Otherwise keep the profile a moment for the next burst, then
   * stop sampling altogether.
   */
  private idle(): void {
    if (this.lingerTimer || this.slot === null) return;
    if (this.keepWarm) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        if (this.inFlight.size > 0 || this.waiting.length > 0 || this.rotationPending) return;
        if (this.backend.name === 'inspector' && this.rotations >= INSPECTOR_RECYCLE_ROTATIONS) {
          this.rotations = 0;
          this.reset();
          try {
            this.warmUp();
          } catch {
            // Cold again: the next recording starts the profile.
          }
          return;
        }
        this.rotate();
      }, IDLE_ROTATION_MS);
      this.lingerTimer.unref?.();
      return;
    }
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.inFlight.size === 0 && this.waiting.length === 0 && !this.rotationPending) this.reset();
    }, LINGER_MS);
    this.lingerTimer.unref?.();
  }

  private reset(): void {
    const slot = this.slot;
    this.slot = null;
    if (slot !== null) {
      try {
        this.backend.stop(slot);
      } catch {
        // The slot was not running: nothing to stop.
      }
    }
  }
}

/** Longest wait for a rotation stretched by its own cost (a backend's minimum may be longer). */
const MAX_ROTATION_WAIT_MS = 50;

/** A log line that cannot fail the sampler's setup: a logger that throws is not ours to fix. */
export function say(logger: Logger | undefined, level: 'info' | 'warn', message: string): void {
  try {
    logger?.[level](message);
  } catch {
    // The sampler works all the same.
  }
}
