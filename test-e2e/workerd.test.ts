import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, stableHeaders } from './helpers.js';

// @prof/hono under Cloudflare's real workerd runtime: the Hono example app, bundled for the worker
// platform with @prof/hono and @prof/core from source, must load, answer exactly as without prof,
// add Server-Timing when asked, and say once through its logger that sampling is unavailable.

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);

/** The workerd binary from the npm package (its platform package ships it; no postinstall needed). */
function workerdBinary(): { bin?: string; compatibilityDate?: string; problem?: string } {
  try {
    const mod = require('workerd') as { default: string; compatibilityDate: string };
    if (!existsSync(mod.default)) return { problem: `workerd binary missing at ${mod.default}` };
    return { bin: mod.default, compatibilityDate: mod.compatibilityDate };
  } catch (err) {
    return { problem: `workerd package unusable: ${(err as Error).message}` };
  }
}

const workerd = workerdBinary();
// Locally a missing binary skips; under CI it must fail.
const suite = workerd.bin || process.env.CI ? describe : describe.skip;

interface EsbuildResult {
  outputFiles: { text: string }[];
  metafile: { inputs: Record<string, unknown> };
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<EsbuildResult>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

// With nodejs_compat, workerd offers `process` and node: built-ins (but no CPU profiler).
suite.each([{ flags: [] as string[] }, { flags: ['nodejs_compat'] }])(
  '@prof/hono under workerd, flags $flags',
  ({ flags }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prof-workerd-'));
    let child: ChildProcess | undefined;
    let base = '';
    let bundle = '';
    let inputs: string[] = [];
    let stderr = '';

    beforeAll(async () => {
      if (!workerd.bin) throw new Error(`CI=true and ${workerd.problem}`);
      // esbuild comes with tsup (a root devDependency); bundle as Wrangler does for a Worker.
      const esbuild = createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
      const result = await esbuild.build({
        entryPoints: [path.join(here, 'workerd/worker.mjs')],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        conditions: ['workerd', 'worker', 'browser'],
        target: 'es2022',
        metafile: true,
        logLevel: 'silent',
        alias: {
          '@prof/hono': path.join(root, 'packages/hono/src/index.ts'),
          '@prof/core': path.join(root, 'packages/core/src/index.ts'),
        },
      });
      bundle = result.outputFiles[0]!.text;
      inputs = Object.keys(result.metafile.inputs);
      writeFileSync(path.join(dir, 'worker.js'), bundle);

      const port = await freePort();
      writeFileSync(
        path.join(dir, 'config.capnp'),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "${workerd.compatibilityDate}",
  compatibilityFlags = ${JSON.stringify(flags)},
);
`,
      );
      child = spawn(workerd.bin, ['serve', path.join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      let exited: number | null | undefined;
      child.once('exit', (code) => {
        exited = code;
      });
      base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (exited !== undefined) throw new Error(`workerd exited with ${exited}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`workerd did not answer on ${base}: ${stderr}`);
        try {
          if ((await fetch(`${base}/__log`)).ok) break;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });

    afterAll(() => {
      child?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('bundles for the worker platform from source, with no node: import', () => {
      expect(inputs.some((f) => f.includes('packages/hono/src/index.ts'))).toBe(true);
      expect(inputs.some((f) => f.includes('packages/core/src/middleware/profiler.ts'))).toBe(true);
      // platform 'browser' would have refused to resolve one; check the output all the same.
      expect(bundle).not.toMatch(/\bimport\s*(?:[\w*{}\s,]+from\s*)?["']node:/);
      expect(bundle).not.toMatch(/\brequire\(\s*["']node:/);
    });

    it('answers exactly as without prof; Server-Timing only where asked', async () => {
      for (const route of ['/cpu?n=1000', '/io', '/error', '/stream', '/users/5', '/missing']) {
        const bare = await get(`${base}/bare${route}`);
        const timed = await get(`${base}/timed${route}`);
        const quiet = await get(`${base}/quiet${route}`);
        for (const res of [timed, quiet]) {
          expect(res.status, route).toBe(bare.status);
          expect(res.body, route).toBe(bare.body);
          expect(stableHeaders(res.headers), route).toEqual(stableHeaders(bare.headers));
        }
        expect(timed.headers['server-timing'], route).toMatch(/^prof;dur=\d+(\.\d+)?$/);
        expect(quiet.headers['server-timing'], route).toBeUndefined();
        expect(bare.headers['server-timing'], route).toBeUndefined();
      }
      expect((await get(`${base}/bare/users/5`)).body).toBe('{"id":"5","sum":20189495}');
      expect((await get(`${base}/bare/error`)).status).toBe(500);
    });

    it('says once, per profiler, that sampling is unavailable, and nothing else', async () => {
      const logs = (await (await fetch(`${base}/__log`)).json()) as Record<'timed' | 'quiet', [string, string][]>;
      for (const name of ['timed', 'quiet'] as const) {
        expect(logs[name], JSON.stringify(logs[name])).toHaveLength(1);
        expect(logs[name][0]![0]).toBe('warn');
        expect(logs[name][0]![1]).toMatch(/sampling is unavailable in this runtime/);
      }
    });
  },
);
