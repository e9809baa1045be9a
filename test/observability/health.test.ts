/** GET /healthz and /readyz: unauthenticated, no data; readiness follows the database and its schema. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { readiness } from '../../src/observability/readiness.js';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';
import { startTestServer } from '../helpers/server.js';

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('/healthz and /readyz with auth on', () => {
  let secured: SecuredServer;
  beforeAll(async () => {
    secured = await startSecuredServer();
  });
  afterAll(() => secured.close());

  it('answer without a token, and say nothing but their status', async () => {
    const health = await getJson(`${secured.server.url}/healthz`);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(health.headers.get('content-type')).toBe('application/json');
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(await getJson(`${secured.server.url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect((await fetch(`${secured.server.url}/metrics`)).status).toBe(200);
    // The FHIR API itself still needs one.
    expect((await fetch(`${secured.server.fhirBase}/Patient`)).status).toBe(401);
  });

  it('answer HEAD, and refuse other methods', async () => {
    const head = await fetch(`${secured.server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${secured.server.url}/readyz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('/readyz', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qiao-readyz-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is 503 once the database is closed, while /healthz stays 200', async () => {
    const server = await startTestServer();
    try {
      await server.store.close();
      const ready = await getJson(`${server.url}/readyz`);
      expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', reason: 'the database is unreachable' } });
      expect(JSON.stringify(ready.body)).not.toMatch(/sqlite|memory|connection|at /i);
      expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close().catch(() => undefined);
    }
  });

  it('is 503 when another Qiao has migrated the schema past this one, and ready again once it is back', async () => {
    const file = join(dir, 'newer.db');
    const server: RunningServer = await startTestServer({ db: `sqlite:${file}` });
    const db = new Database(file);
    try {
      const version = server.store.schema.version;
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(version + 1, 'from the future', new Date().toISOString());
      expect(await getJson(`${server.url}/readyz`)).toMatchObject({ status: 503, body: { reason: 'the database schema is newer than this server: upgrade Qiao' } });
      db.prepare('DELETE FROM schema_migrations WHERE version > ?').run(version);
      expect((await getJson(`${server.url}/readyz`)).status).toBe(200);
      db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(version);
      expect(await getJson(`${server.url}/readyz`)).toMatchObject({ status: 503, body: { reason: 'the database schema is older than this server: run qiao migrate' } });
    } finally {
      db.close();
      await server.close();
    }
  });

  it('gives up on a database that does not answer', async () => {
    const hanging = { ping: () => new Promise<void>(() => undefined) };
    expect(await readiness(hanging, 50)).toEqual({ ready: false, reason: 'the database did not answer in time' });
    expect(await readiness({ ping: async () => undefined }, 50)).toEqual({ ready: true });
  });
});
