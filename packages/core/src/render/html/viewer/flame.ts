import { kindOfCode } from '../../../frame-kinds.js';
import type { HtmlData } from '../data.js';
import { byId, el } from './dom.js';
import { ms, pct } from './format.js';
import { type Box, timelineBoxes } from './timeline.js';

const ROW = 18;

export interface FlameView {
  draw(): void;
  setQuery(query: string): void;
}

/** The flame graph / timeline on a canvas: hover names a frame, click focuses it, the wheel zooms. */
export function mountFlame(
  data: Pick<HtmlData, 'frames' | 'stacks' | 'timeline' | 'resampled'>,
  total: number,
): FlameView {
  const { boxes, maxDepth, span } = timelineBoxes(data);
  const frames = data.frames;
  const canvas = byId<HTMLCanvasElement>('canvas');
  const tip = byId('tip');
  let t0 = 0;
  let t1 = span;
  let focus: Box | null = null;
  let query = '';

  const colorOf = (b: Box, dark: boolean): string => {
    const f = frames[b.frame]!;
    const hit = query !== '' && `${f[0]} ${f[1]}`.toLowerCase().includes(query);
    if (hit) return '#f59e0b';
    if (query) return dark ? '#374151' : '#e5e7eb';
    const kind = kindOfCode(f[4]);
    if (kind === 'app') return `hsl(${18 + ((b.frame * 7) % 24)},75%,${58 + (b.frame % 3) * 5}%)`;
    if (kind === 'library') return `hsl(${210 + ((b.frame * 5) % 20)},30%,${62 + (b.frame % 3) * 4}%)`;
    return dark ? '#4b5563' : '#d1d5db';
  };

  const draw = (): void => {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 800;
    const h = Math.max(1, maxDepth) * ROW + 2;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.height = `${h}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px ui-monospace, Menlo, Consolas, monospace';
    ctx.textBaseline = 'middle';
    const scale = w / (t1 - t0);
    const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
    for (const b of boxes) {
      if (b.end <= t0 || b.start >= t1) continue;
      const x0 = Math.max(0, (b.start - t0) * scale);
      const x1 = Math.min(w, (b.end - t0) * scale);
      if (x1 - x0 < 0.3) continue;
      ctx.fillStyle = colorOf(b, dark);
      const y = b.depth * ROW;
      ctx.fillRect(x0, y, Math.max(0.5, x1 - x0 - 0.5), ROW - 1);
      if (x1 - x0 > 30) {
        ctx.fillStyle = '#111827';
        const label = frames[b.frame]![0];
        const room = Math.floor((x1 - x0 - 6) / 6.6);
        ctx.fillText(label.length > room ? `${label.slice(0, Math.max(0, room - 1))}…` : label, x0 + 3, y + ROW / 2);
      }
    }
    byId('t0').textContent = ms(t0);
    byId('t1').textContent = ms(t1);
    byId('focus').textContent = focus ? `focused: ${frames[focus.frame]![0]} (${ms(focus.end - focus.start)})` : '';
  };

  const boxAt = (ev: MouseEvent): Box | undefined => {
    const r = canvas.getBoundingClientRect();
    const d = Math.floor((ev.clientY - r.top) / ROW);
    const t = t0 + ((ev.clientX - r.left) / r.width) * (t1 - t0);
    let best: Box | undefined;
    for (const b of boxes) if (b.depth === d && b.start <= t && t < b.end) best = b;
    return best;
  };

  canvas.addEventListener('mousemove', (ev) => {
    const b = boxAt(ev);
    if (!b) {
      tip.style.display = 'none';
      return;
    }
    const f = frames[b.frame]!;
    tip.textContent = '';
    tip.appendChild(el('div', undefined, f[0]));
    if (f[1]) tip.appendChild(el('div', undefined, f[2] > 0 ? `${f[1]}:${f[2]}` : f[1]));
    const d = b.end - b.start;
    tip.appendChild(el('div', 't', `${ms(d)}  (${pct(d, total)}) at ${ms(b.start)}`));
    tip.style.display = 'block';
    tip.style.left = `${Math.min(ev.clientX + 12, window.innerWidth - 380)}px`;
    tip.style.top = `${ev.clientY + 14}px`;
  });
  canvas.addEventListener('mouseleave', () => {
    tip.style.display = 'none';
  });
  canvas.addEventListener('click', (ev) => {
    const b = boxAt(ev);
    if (!b) return;
    focus = b;
    t0 = b.start;
    t1 = Math.max(b.end, b.start + 1);
    draw();
  });
  canvas.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const r = canvas.getBoundingClientRect();
      const at = t0 + ((ev.clientX - r.left) / r.width) * (t1 - t0);
      const k = ev.deltaY > 0 ? 1.25 : 0.8;
      t0 = Math.max(0, at - (at - t0) * k);
      t1 = Math.min(span, Math.max(t0 + 1, at + (t1 - at) * k));
      draw();
    },
    { passive: false },
  );
  byId('reset').addEventListener('click', () => {
    t0 = 0;
    t1 = span;
    focus = null;
    draw();
  });
  if (data.resampled) byId('resampled').hidden = false;

  return {
    draw,
    setQuery(q: string): void {
      query = q;
    },
  };
}
