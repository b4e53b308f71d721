// Does a node:inspector CPU profile name functions that V8 inlined before the profile started?
// Runs the example's CPU route for 300 ms per profile, three profiles in a row on one inspector
// session, and prints the functions holding the most samples in each.
//   node bench/inlining.mjs
// Node 20/22: getSumOfList holds the time in all three. Node 24 (V8 13.6): from the second
// profile on, cpuRoute does (getSumOfList was inlined into it while the first one ran).
import { Session } from 'node:inspector/promises';
import { getSumOfList } from '../examples/shared/work.mjs';

function cpuRoute() {
  return getSumOfList(150_000)[0];
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 250 });

for (const label of ['first profile (cold code)', 'second profile (hot code)', 'third profile']) {
  await session.post('Profiler.start');
  const t0 = performance.now();
  while (performance.now() - t0 < 300) cpuRoute();
  const { profile } = await session.post('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName || '(anonymous)']));
  const counts = new Map();
  for (const id of profile.samples) counts.set(byId.get(id), (counts.get(byId.get(id)) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4);
  console.log(`Node ${process.versions.node}, ${label}: ${top.map(([name, n]) => `${name} ${n}`).join(', ')}`);
}
session.disconnect();
