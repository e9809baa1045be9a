import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshnessSeconds, JwksUriCache } from '../../src/auth/client-jwks.js';

/** A real HTTP server playing a client's jwks_uri; each test sets what it answers and reads how often it was asked. */
let server: Server;
let base: string;
let hits: Record<string, number>;
let answer: (req: IncomingMessage, res: ServerResponse) => void;

const set = (kid: string) => JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-384', kid, x: 'x', y: 'y' }] });

beforeAll(async () => {
  server = createServer((req, res) => {
    hits[req.url!] = (hits[req.url!] ?? 0) + 1;
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = {};
  answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end(set('k1'));
});

function clock() {
  const c = { t: 1_700_000_000_000, now: () => c.t };
  return c;
}

describe('client JWK Set cache', () => {
  it('serves the cached set within max-age and fetches again once it has passed', async () => {
    const c = clock();
    const cache = new JwksUriCache({ now: c.now });
    expect(await cache.get(`${base}/a`)).toEqual({ ok: true, jwks: JSON.parse(set('k1')) });
    c.t += 59_000;
    await cache.get(`${base}/a`);
    expect(hits['/a']).toBe(1);
    c.t += 2_000;
    await cache.get(`${base}/a`);
    expect(hits['/a']).toBe(2);
  });

  it('does not keep a set marked no-store or no-cache', async () => {
    answer = (_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end(set('k1'));
    const cache = new JwksUriCache();
    await cache.get(`${base}/b`);
    await cache.get(`${base}/b`);
    expect(hits['/b']).toBe(2);
  });

  it('defaults to five minutes without Cache-Control and caps any lifetime at a day', () => {
    expect(freshnessSeconds(null, null, 300, 86_400)).toBe(300);
    expect(freshnessSeconds('public, max-age=31536000', null, 300, 86_400)).toBe(86_400);
    expect(freshnessSeconds('max-age=600', '100', 300, 86_400)).toBe(500);
    expect(freshnessSeconds('max-age=600, no-cache', null, 300, 86_400)).toBe(0);
    expect(freshnessSeconds('max-age=soon', null, 300, 86_400)).toBe(300);
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const c = clock();
    const cache = new JwksUriCache({ now: c.now, refetchCooldownMs: 10_000 });
    await cache.get(`${base}/c`);
    answer = (_req, res) => res.writeHead(200).end(set('k2'));
    expect((await cache.refresh(`${base}/c`)).ok).toBe(false);
    expect(hits['/c']).toBe(1);
    c.t += 10_000;
    expect(await cache.refresh(`${base}/c`)).toEqual({ ok: true, jwks: JSON.parse(set('k2')) });
    expect(hits['/c']).toBe(2);
    // The refetched set replaces the cached one.
    expect(await cache.get(`${base}/c`)).toEqual({ ok: true, jwks: JSON.parse(set('k2')) });
    expect(hits['/c']).toBe(2);
  });

  it('shares one fetch between concurrent requests', async () => {
    const cache = new JwksUriCache();
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.get(`${base}/d`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(hits['/d']).toBe(1);
  });

  it('refuses sets larger than the limit, whether declared or streamed', async () => {
    const big = JSON.stringify({ keys: [], padding: 'x'.repeat(5_000) });
    const cache = new JwksUriCache({ maxBytes: 1_000 });
    answer = (_req, res) => res.writeHead(200, { 'content-length': Buffer.byteLength(big) }).end(big);
    expect(await cache.get(`${base}/e`)).toMatchObject({ ok: false, reason: expect.stringMatching(/larger than 1000 bytes/) });
    answer = (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write('x'.repeat(500));
      res.end();
    };
    expect(await cache.get(`${base}/f`)).toMatchObject({ ok: false, reason: expect.stringMatching(/larger than 1000 bytes/) });
  });

  it('gives up on a server that does not answer in time', async () => {
    answer = () => undefined; // never responds
    const cache = new JwksUriCache({ timeoutMs: 200 });
    const started = Date.now();
    expect(await cache.get(`${base}/g`)).toMatchObject({ ok: false, reason: expect.stringMatching(/timed out/) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports errors, redirects, non-JSON and non-JWK-Set answers without caching them', async () => {
    const cache = new JwksUriCache();
    const cases: [string, (req: IncomingMessage, res: ServerResponse) => void, RegExp][] = [
      ['/h', (_q, r) => r.writeHead(500).end(), /HTTP 500/],
      ['/i', (_q, r) => r.writeHead(302, { location: `${base}/a` }).end(), /could not be fetched/],
      ['/j', (_q, r) => r.writeHead(200).end('<html>'), /did not return JSON/],
      ['/k', (_q, r) => r.writeHead(200).end('{"keys": "none"}'), /did not return a JWK Set/],
    ];
    for (const [path, respond, reason] of cases) {
      answer = respond;
      expect(await cache.get(`${base}${path}`), path).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
      answer = (_req, res) => res.writeHead(200).end(set('k1'));
      expect((await cache.get(`${base}${path}`)).ok, path).toBe(true);
    }
    expect(hits['/a']).toBeUndefined();
  });

  it('forgets the least recently fetched URL beyond its capacity', async () => {
    const cache = new JwksUriCache({ maxEntries: 2 });
    for (const p of ['/l', '/m', '/n', '/m', '/l']) await cache.get(`${base}${p}`);
    expect(hits).toEqual({ '/l': 2, '/m': 1, '/n': 1 });
  });
});
