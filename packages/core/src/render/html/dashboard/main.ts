import { byId } from '../viewer/dom.js';
import { mountDetail } from './detail.js';
import { sourceOf } from './source.js';
import { mountRoutesTable } from './table.js';
import type { DashboardData } from './types.js';

// The dashboard's entry point: scripts/bundle-viewer.mjs bundles it (with the report viewer's
// modules it imports) into the IIFE that render/dashboard-page.ts inlines. Data reaches the DOM
// through textContent only.

function main(): void {
  const data = JSON.parse(byId('prof-dashboard').textContent || '{}') as DashboardData;
  const source = sourceOf(data);
  const detail = mountDetail(source);
  const table = mountRoutesTable((r) => {
    table.setSelected(r.id);
    detail.show(r);
  });
  const statusEl = byId('status');
  const pause = byId<HTMLButtonElement>('pause');
  let paused = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;

  const refresh = async (): Promise<void> => {
    if (inFlight) return;
    inFlight = true;
    try {
      const routes = await source.routes();
      table.update(routes);
      detail.routesChanged(routes);
      statusEl.className = 'live';
      statusEl.textContent = source.live
        ? `live · ${routes.length} route${routes.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}`
        : `snapshot of ${new Date(data.generatedAt).toLocaleString()} · ${routes.length} routes`;
    } catch (err) {
      statusEl.className = 'stale';
      statusEl.textContent = `not updated: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      inFlight = false;
      document.body.dataset.ready = 'true';
    }
  };

  // Poll while visible and not paused: a hidden tab asks the app for nothing.
  const schedule = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (!source.live || paused || document.hidden) return;
    timer = setTimeout(() => {
      void refresh().then(schedule);
    }, data.poll ?? 2000);
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !paused) void refresh().then(schedule);
    else schedule();
  });
  if (source.live) {
    pause.hidden = false;
    pause.addEventListener('click', () => {
      paused = !paused;
      pause.setAttribute('aria-pressed', String(paused));
      pause.textContent = paused ? 'Resume' : 'Pause';
      if (paused) statusEl.textContent = 'paused';
      else void refresh();
      schedule();
    });
  }
  void refresh().then(schedule);
}

main();
