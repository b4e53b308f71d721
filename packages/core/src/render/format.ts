/** Seconds with enough decimals for the sampling interval (pyinstrument prints 3). */
export function formatSeconds(us: number, interval = 1000): string {
  return (us / 1e6).toFixed(interval < 1000 ? 4 : 3);
}

export function formatPercent(us: number, total: number): string {
  return `${total > 0 ? ((us / total) * 100).toFixed(1) : '0.0'}%`;
}

export function clockTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function location(file: string, line: number): string {
  if (!file) return '';
  return line > 0 ? `${file}:${line}` : file;
}
