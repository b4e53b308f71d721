import { framesOf, type ExportStacks } from './stacks.js';

/**
 * Brendan Gregg's folded stacks (`a;b;c count`), one line per distinct stack, outermost frame
 * first; the count is the stack's time in µs (rounded), so flamegraph.pl widths are time.
 * Frames are named `function (file:line)`; `;` in names is replaced so it cannot split a frame.
 */
export function renderCollapsed(x: ExportStacks): string {
  const totals = new Map<number, number>();
  // Samples with no frame left once V8's root and prof's own frames are spliced out (an empty
  // microtask drain) still count, as one `[root]` line, so that the counts sum to the recording.
  let rootOnly = 0;
  for (let i = 0; i < x.sampleStack.length; i++) {
    const s = x.sampleStack[i]!;
    if (s < 0) rootOnly += x.weights[i]!;
    else totals.set(s, (totals.get(s) ?? 0) + x.weights[i]!);
  }
  const names = x.info.map((f) => {
    const loc = f.file ? ` (${f.file}:${f.line})` : '';
    return `${f.name}${loc}`.replace(/[;\r\n]/g, ' ');
  });
  const lines: string[] = [];
  for (const [stack, us] of totals) {
    const count = Math.round(us);
    if (count <= 0) continue;
    lines.push(
      `${framesOf(x, stack)
        .map((f) => names[f])
        .join(';')} ${count}`,
    );
  }
  if (Math.round(rootOnly) > 0) lines.push(`[root] ${Math.round(rootOnly)}`);
  lines.sort();
  return lines.length ? `${lines.join('\n')}\n` : '';
}
