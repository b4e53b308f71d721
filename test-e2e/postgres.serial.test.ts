import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layeredApps } from './apps/layered.js';
import type { RunningApp } from './apps/types.js';
import { expectAsyncTrees } from './async-shares.js';
import { get, reportSink } from './helpers.js';
import { type Postgres, startPostgres } from './postgres.js';

// Issue 13 against a real database: the layered app's repository queries PostgreSQL through
// node-postgres (`pg`); the suite starts its own cluster. Where PostgreSQL is not installed the
// tests are skipped, except under CI=true, where they fail.

let server: Postgres | undefined;
let pool: pg.Pool | undefined;
let unavailable = '';

beforeAll(async () => {
  try {
    server = await startPostgres();
  } catch (err) {
    unavailable = err instanceof Error ? err.message : String(err);
    if (process.env.CI === 'true') throw err;
    return;
  }
  pool = new pg.Pool({ host: server.host, port: server.port, user: server.user, database: server.database, max: 4 });
  await pool.query(`
    CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE articles (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL, author_id int NOT NULL REFERENCES authors (id));
    INSERT INTO authors SELECT i, 'Author ' || i FROM generate_series(1, 7) i;
    INSERT INTO articles SELECT i, 'Article number ' || i, repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 16), (i % 7) + 1
      FROM generate_series(1, 200) i;
  `);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

describe.each(layeredApps)('async call trees against PostgreSQL (pg): $name', (factory) => {
  const sink = reportSink();
  let app: RunningApp | undefined;

  beforeAll(async () => {
    if (!pool) return;
    app = await factory.start({ printEachRequest: false, onReport: sink.onReport, interval: 250 }, pool);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('puts the repository, the driver and the waits under the handler, in one tree', async (ctx) => {
    if (!pool || !app) {
      ctx.skip(`PostgreSQL could not start: ${unavailable}`);
      return;
    }
    for (let i = 0; i < 10; i++) {
      const res = await get(`${app.url}/articles?limit=20`);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { count: number; articles: { author: { name: string } }[] };
      expect(body.count).toBe(20);
      expect(body.articles[0]!.author.name).toMatch(/^Author \d$/);
    }
    const reports = (await sink.waitFor(10)).filter((r) => r.meta.path?.includes('/articles'));
    expect(reports).toHaveLength(10);
    expectAsyncTrees(reports, factory.name);
  });
});
