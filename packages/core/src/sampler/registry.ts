import type { Logger, SamplerKind } from '../types.js';
import { describeBackend, loadBackend } from './load.js';
import { say, SharedSampler } from './shared.js';

// V8 has one CPU profiler per isolate and reuses profile titles, so every copy of core loaded in
// the process (ESM and CJS builds, duplicated installs) must share one sampler.
const REGISTRY = Symbol.for('prof.sharedSampler');
type Registry = { samplers: Partial<Record<SamplerKind, SharedSampler>>; announced?: boolean };

export function getSharedSampler(kind: SamplerKind, interval: number, logger: Logger): SharedSampler {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  const reg = (g[REGISTRY] ??= { samplers: {} });
  const existing =
    reg.samplers[kind] ??
    (kind === 'auto' ? undefined : reg.samplers.auto?.name === kind ? reg.samplers.auto : undefined);
  if (existing) {
    if (interval !== existing.interval) {
      say(
        logger,
        'warn',
        `prof: interval ${interval}µs asked for, but this process already samples every ${existing.interval}µs; using ${existing.interval}µs`,
      );
    }
    return existing;
  }
  const { backend, skipped } = loadBackend(kind, interval);
  const sampler = reg.samplers[backend.name] ?? new SharedSampler(backend, interval);
  sampler.logger ??= logger;
  reg.samplers[kind] = sampler;
  reg.samplers[backend.name] = sampler;
  if (!reg.announced) {
    reg.announced = true;
    say(logger, 'info', describeBackend(backend, interval, skipped));
  }
  return sampler;
}
