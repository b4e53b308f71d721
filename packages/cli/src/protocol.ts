/** Environment variables through which the CLI tells its preload where to write. */
export const ENV_OUT = 'PROF_CLI_OUTFILE';
export const ENV_INTERVAL = 'PROF_CLI_INTERVAL';

/** What the profiled program's preload hands the CLI. */
export interface ChildResult {
  /** Chrome's .cpuprofile as node:inspector returns it (0-based lines). */
  profile: unknown;
  startedAt: string;
  /** Monotonic µs (the profile's clock) when the profiler had started: earlier samples are prof's own. */
  beganAt: number;
  /** Monotonic µs when the program ended: later samples are prof's own. */
  endedAt: number;
  workers: number;
  children: number;
  /** Why the profile was written: 'exit', or the signal that ended the program. */
  reason: string;
}
