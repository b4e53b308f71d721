// The NestJS example as a user runs it: TypeScript compiled by tsc with source maps (dist/*.js and
// .js.map), started with `node dist/main.js` in its own process. Its reports must name the .ts
// sources, not the compiled files.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEST_EXAMPLE } from './build-examples.js';

const SERVICE = 'src/articles/article.service.ts';
const serviceSource = readFileSync(path.join(NEST_EXAMPLE, SERVICE), 'utf8');
const lineOf = (source: string, needle: string): number => source.split('\n').findIndex((l) => l.includes(needle)) + 1;

interface JsonNode {
  function: string;
  file: string;
  line: number;
  children: JsonNode[];
}
const flatten = (n: JsonNode): JsonNode[] => [n, ...n.children.flatMap(flatten)];

describe('the NestJS example (tsc with source maps), run by node dist/main.js', () => {
  let child: ChildProcess;
  let out = '';
  let base = '';
  const profiles = mkdtempSync(path.join(tmpdir(), 'prof-nest-example-'));

  /** Stdout once it matches (the server prints each report's tree as it is delivered). */
  const waitFor = (re: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${out}`)), 30_000);
      const check = (): void => {
        const m = re.exec(out);
        if (!m) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(m);
      };
      child.stdout!.on('data', check);
      check();
    });

  /** The JSON report of a request, once written (after its text tree was printed). */
  const jsonReport = async (pathPart: string): Promise<JsonNode[]> => {
    for (let i = 0; i < 600; i++) {
      const file = readdirSync(profiles).find(
        (f) => f.includes(pathPart) && f.endsWith('.json') && !f.endsWith('.speedscope.json'),
      );
      if (file) return flatten(JSON.parse(readFileSync(path.join(profiles, file), 'utf8')).tree);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no JSON report for ${pathPart}; output:\n${out}`);
  };

  beforeAll(async () => {
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: NEST_EXAMPLE,
      env: { ...process.env, PORT: '0', PROFILES_DIR: profiles, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    base = (await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  });

  afterAll(() => {
    child?.kill();
    rmSync(profiles, { recursive: true, force: true });
  });

  it('GET /articles: controller → service at the .ts files and lines, not dist/*.js', async () => {
    const res = await fetch(`${base}/articles?q=node+cpu+loop`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(10);
    const nodes = await jsonReport('articles');
    const text = out.slice(out.indexOf('Request: GET /articles'));
    expect(text).toContain(`findAll  ${SERVICE}:${lineOf(serviceSource, 'async findAll(')}`);
    // The profile runs from the middleware's creation, so inlined callees keep their frames.
    expect(text).toContain(`rank  ${SERVICE}:${lineOf(serviceSource, 'private rank(')}`);
    expect(text).not.toMatch(/dist\/(articles\/|app\.)/);

    // The JSON report written to outputDir says the same.
    expect(nodes).toContainEqual(
      expect.objectContaining({ function: 'findAll', file: SERVICE, line: lineOf(serviceSource, 'async findAll(') }),
    );
    expect(nodes.filter((n) => n.file.startsWith('dist/'))).toEqual([]);
  });

  it('GET /cpu: the handler at src/app.controller.ts', async () => {
    const res = await fetch(`${base}/cpu?n=2000000`);
    expect(res.status).toBe(200);
    await jsonReport('cpu');
    const text = out.slice(out.indexOf('Request: GET /cpu'));
    const controller = readFileSync(path.join(NEST_EXAMPLE, 'src/app.controller.ts'), 'utf8');
    expect(text).toContain(`cpuRoute  src/app.controller.ts:${lineOf(controller, 'cpuRoute(')}`);
  });
});
