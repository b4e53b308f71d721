/** µs as milliseconds, whole from 10 ms up. */
export function ms(us: number): string {
  return `${us >= 10000 ? (us / 1000).toFixed(0) : (us / 1000).toFixed(1)} ms`;
}

/** µs as a share of the total. */
export function pct(us: number, total: number): string {
  return `${((100 * us) / total).toFixed(1)}%`;
}
