import { describe, expect, it } from 'vitest';
import type { CallFrame } from '../src/sampler/backend.js';
import { SamplesBuilder, type Samples } from '../src/samples.js';
import { AsyncSites, stitchAsync } from '../src/tree/async.js';

// Unit tests of the pure stitching pass over hand-built samples (no sampler): stub stacks.
const APP = 'file:///app/src/';
const fr = (name: string, url = `${APP}${name}.js`, line = 1): CallFrame => ({
  functionName: name,
  url,
  lineNumber: line,
  columnNumber: 1,
});
const ROOT = fr('(root)', '');
const IDLE = fr('(idle)', '');
const AWAIT = fr('(await)', '');
const RUN_MICROTASKS = fr('runMicrotasks', '');
const TICKS = fr('processTicksAndRejections', 'node:internal/process/task_queues');
const ENTRY = fr('parserOnIncoming', 'node:_http_server');
const HOOK = fr('promiseBeforeHook', 'node:internal/async_hooks');

/** Samples of the given stacks (root first), one per ms. */
function stubSamples(stacks: CallFrame[][]): Samples {
  const b = new SamplesBuilder();
  stacks.forEach((frames, i) => {
    let s = -1;
    for (const f of frames) s = b.stack(s, b.frame(f));
    b.sample(s, 1000 * (i + 1));
  });
  return b.build(0, 1000 * stacks.length, 1000);
}

/** Each sample's stitched stack as `a > b > c`. */
function paths(s: Samples): string[] {
  return Array.from(s.stacks, (st) => {
    const names: string[] = [];
    for (let k = st; k >= 0; k = s.stackParent[k]!) names.unshift(s.frames[s.stackFrame[k]!]!.functionName);
    return names.join(' > ');
  });
}

const handler = fr('handler');
const service = fr('getFeed');
const repo = fr('findArticles');
const mapRow = fr('mapRow');

describe('stitchAsync (stub samples)', () => {
  it('puts a continuation under the path where its function was seen called synchronously', () => {
    const s = stubSamples([
      [ROOT, ENTRY, handler, service, repo],
      [ROOT, repo, mapRow],
      [ROOT, TICKS, RUN_MICROTASKS, service],
    ]);
    expect(paths(stitchAsync(s))).toEqual([
      'parserOnIncoming > handler > getFeed > findArticles',
      'parserOnIncoming > handler > getFeed > findArticles > mapRow',
      'parserOnIncoming > handler > getFeed',
    ]);
  });

  it('leaves a continuation of unknown callers at the root, without the microtask runner', () => {
    const s = stubSamples([[ROOT, TICKS, RUN_MICROTASKS, repo, mapRow]]);
    expect(paths(stitchAsync(s))).toEqual(['findArticles > mapRow']);
  });

  it('remembers callers across recordings of the same scope only', () => {
    const sites = new AsyncSites();
    stitchAsync(stubSamples([[ROOT, ENTRY, handler, service, repo]]), sites, 'GET /a');
    const later = stubSamples([[ROOT, repo, mapRow]]);
    expect(paths(stitchAsync(later, sites, 'GET /a'))).toEqual([
      'parserOnIncoming > handler > getFeed > findArticles > mapRow',
    ]);
    expect(paths(stitchAsync(later, sites, 'GET /b'))).toEqual(['findArticles > mapRow']);
  });

  it('places a wait under the deeper continuation next to it, and idle time as [await]', () => {
    const s = stubSamples([
      [ROOT, ENTRY, handler, service, repo],
      [ROOT, AWAIT],
      [ROOT, IDLE],
      [ROOT, repo, mapRow],
      [ROOT, AWAIT],
      [ROOT, service],
    ]);
    const p = paths(stitchAsync(s));
    expect(p[1]).toBe('parserOnIncoming > handler > getFeed > findArticles > (await)');
    expect(p[2]).toBe('parserOnIncoming > handler > getFeed > findArticles > (await)');
    expect(p[4]).toBe('parserOnIncoming > handler > getFeed > findArticles > (await)');
  });

  it("shows Node's async-hook frames as one (prof) frame at the root", () => {
    const s = stubSamples([
      [ROOT, ENTRY, handler],
      [ROOT, TICKS, RUN_MICROTASKS, HOOK, fr('emitHook', 'node:internal/async_hooks')],
    ]);
    expect(paths(stitchAsync(s))).toEqual(['parserOnIncoming > handler', '(prof)']);
  });

  it("shows prof's own hook, called by V8's promise hooks straight from the runner, as (prof)", () => {
    const OWN = 'file:///opt/prof/core/dist/index.js';
    const s = stubSamples([
      [ROOT, ENTRY, handler],
      [ROOT, TICKS, RUN_MICROTASKS, fr('before', OWN), fr('switchTo', OWN)],
      // The same code deeper, under the app's continuation, is not the hook.
      [ROOT, TICKS, RUN_MICROTASKS, handler, fr('begin', OWN)],
    ]);
    expect(paths(stitchAsync(s, undefined, '', (url) => url === OWN))).toEqual([
      'parserOnIncoming > handler',
      '(prof)',
      'parserOnIncoming > handler > begin',
    ]);
  });

  it('keeps weights and timestamps, and survives recursion through a continuation', () => {
    const s = stubSamples([
      [ROOT, repo, repo, mapRow],
      [ROOT, repo],
    ]);
    const out = stitchAsync(s);
    expect(Array.from(out.weights)).toEqual(Array.from(s.weights));
    expect(Array.from(out.timestamps)).toEqual(Array.from(s.timestamps));
    expect(paths(out)).toEqual(['findArticles > findArticles > mapRow', 'findArticles']);
  });
});
