import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { fixProfileTimes, parseV8Profile, unwrapTime } from '../src/sampler/v8.js';
import { loadBackend } from '../src/sampler/load.js';

// Node >= 24, unless CI hides it (.ci/no-v8.cjs) to test the inspector backend.
const hasV8Profiler = typeof (v8 as { startCpuProfile?: unknown }).startCpuProfile === 'function';

describe("the 'v8' backend's profile text (Node >= 24's v8.startCpuProfile())", () => {
  it('repairs the unescaped strings Node writes into call frames (pure parser, fixed text)', () => {
    // As Node 24.21 and 26.10 write them: names and urls raw, quotes and backslashes included.
    const frame = (id: number, name: string, url: string): string =>
      `{"id":${id},"hitCount":1,"callFrame":{"functionName":"${name}","lineNumber":0,"columnNumber":0,"scriptId":3,"url":"${url}"},"children":[]}`;
    const names = [
      'RegExp: timeout=(\\d+)',
      'RegExp: "(\\w+)"=\\d',
      "RegExp: ^[\\^_`a-zA-Z\\-0-9!#$%&'*+.|~]+$",
      'say\thi',
      // A RegExp whose source holds the very separators the repair looks for (prof's own did).
      'RegExp: "functionName":"([\\s\\S]*?)","lineNumber":',
      'RegExp: "url":"([\\s\\S]*?)"\\}',
    ];
    const urls = ['', 'C:\\app\\src\\"odd".js', 'file:///srv/app.js', '', '', 'C:\\x\\"}.js'];
    const text = `{"nodes":[${names.map((n, i) => frame(i + 1, n, urls[i]!)).join(',')}],"startTime":10,"endTime":14,"samples":[1,2,3,4],"timeDeltas":[1,1,1,1]}`;
    expect(() => JSON.parse(text)).toThrow();
    const profile = parseV8Profile(text);
    expect(profile.nodes.map((n) => n.callFrame.functionName)).toEqual(names);
    expect(profile.nodes.map((n) => n.callFrame.url)).toEqual(urls);
    expect(profile.samples).toEqual([1, 2, 3, 4]);
  });

  it('puts start and end times Node truncated to 32 bits back on the monotonic clock (pure arithmetic)', () => {
    const now = 4_649_157_429; // µs of uptime, past 2 ** 32
    const start = now - 127_000;
    const end = now - 300;
    expect(unwrapTime(start % 2 ** 32, now)).toBe(start);
    expect(unwrapTime(end % 2 ** 32, now)).toBe(end);
    expect(unwrapTime(now, now)).toBe(now);
    // Across a wrap: start written just below 2 ** 32, end just above 0.
    const n2 = 3 * 2 ** 32 + 1000;
    expect(unwrapTime(2 ** 32 - 500, n2)).toBe(3 * 2 ** 32 - 500);
    expect(unwrapTime(200, n2)).toBe(3 * 2 ** 32 + 200);
    const profile = { nodes: [], samples: [], timeDeltas: [], startTime: start % 2 ** 32, endTime: end % 2 ** 32 };
    expect(fixProfileTimes(profile, now)).toMatchObject({ startTime: start, endTime: end });
    // Already on the clock (before 71.6 minutes of uptime): unchanged.
    const early = { nodes: [], samples: [], timeDeltas: [], startTime: 1_000, endTime: 2_000 };
    expect(fixProfileTimes(early, 2_500)).toMatchObject({ startTime: 1_000, endTime: 2_000 });
  });

  it.runIf(hasV8Profiler)('profiles a loop on a RegExp with quotes: the profile parses, lines are 1-based', () => {
    const { backend } = loadBackend('v8', 1000);
    backend.start(0);
    const re = /"timeout"=(\d+)\s*;\s*max=(\w+)/;
    let hits = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 150) if (re.test(`"timeout"=${hits}; max=abc`)) hits++;
    const profile = backend.stop(0);
    expect(hits).toBeGreaterThan(0);
    expect(profile.samples.length).toBeGreaterThan(0);
    const here = profile.nodes.filter((n) => n.callFrame.url.endsWith('sampler-v8.test.ts'));
    expect(here.length).toBeGreaterThan(0);
    expect(here.every((n) => n.callFrame.lineNumber >= 1)).toBe(true);
  });
});
