import { describe, expect, it } from 'vitest';
import { parseV8Profile } from '../src/sampler/v8.js';
import { loadBackend } from '../src/sampler/load.js';

const major = Number(process.versions.node.split('.')[0]);

describe("the 'v8' backend's profile text (Node >= 24's v8.startCpuProfile())", () => {
  it('repairs the unescaped backslashes Node writes into RegExp frame names (pure parser, fixed text)', () => {
    // As Node 24.21 and 26.10 write them: backslashes raw, quotes escaped.
    const text =
      '{"nodes":[{"id":1,"callFrame":{"functionName":"RegExp: timeout=(\\d+)","url":"","lineNumber":-1,"columnNumber":-1}},' +
      '{"id":2,"callFrame":{"functionName":"RegExp: ^[\\^_`a-zA-Z\\-0-9!#$%&\'*+.|~]+$","url":"a\\\\b","lineNumber":0,"columnNumber":0}},' +
      '{"id":3,"callFrame":{"functionName":"say \\"hi\\"\tnow","url":"","lineNumber":0,"columnNumber":0}}],' +
      '"samples":[1,2,3],"timeDeltas":[1,1,1],"startTime":10,"endTime":13}';
    expect(() => JSON.parse(text)).toThrow();
    const profile = parseV8Profile(text);
    expect(profile.nodes.map((n) => n.callFrame.functionName)).toEqual([
      'RegExp: timeout=(\\d+)',
      "RegExp: ^[\\^_`a-zA-Z\\-0-9!#$%&'*+.|~]+$",
      'say "hi" now',
    ]);
    expect(profile.nodes[1]!.callFrame.url).toBe('a\\b');
    expect(profile.samples).toEqual([1, 2, 3]);
  });

  it.runIf(major >= 24)('profiles a RegExp-heavy loop: the frames parse and lines are 1-based', () => {
    const { backend } = loadBackend('v8', 1000);
    backend.start(0);
    const re = /timeout=(\d+)\s*;\s*max=(\w+)/;
    let hits = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 150) if (re.test(`timeout=${hits}; max=abc`)) hits++;
    const profile = backend.stop(0);
    expect(hits).toBeGreaterThan(0);
    expect(profile.samples.length).toBeGreaterThan(0);
    const here = profile.nodes.filter((n) => n.callFrame.url.endsWith('sampler-v8.test.ts'));
    expect(here.length).toBeGreaterThan(0);
    expect(here.every((n) => n.callFrame.lineNumber >= 1)).toBe(true);
  });
});
