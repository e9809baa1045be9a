/**
 * Content codings (RFC 9110 §8.4): compressed responses negotiated from Accept-Encoding, compressed
 * request bodies inflated under the size limit, and CORS preflight — all on the express-free FHIR path.
 */
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gzipSync, inflateSync, gunzipSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { expectOutcome, FHIR_JSON, patient, startTestServer } from '../helpers/server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ bodyLimit: 64 * 1024 });
});
afterAll(() => server.close());

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function decode(r: Raw): unknown {
  const coding = r.headers['content-encoding'];
  const bytes = coding === 'gzip' ? gunzipSync(r.body) : coding === 'deflate' ? inflateSync(r.body) : coding === 'br' ? brotliDecompressSync(r.body) : r.body;
  return JSON.parse(bytes.toString('utf8'));
}

/** A patient whose JSON is about `kib` KiB. */
function bigPatient(kib: number) {
  return { ...patient('Big'), address: Array.from({ length: kib * 12 }, (_, i) => ({ line: [`${i} Long Street`], city: 'Hangzhou' })) };
}

async function created(resource: object): Promise<string> {
  const r = await raw('POST', '/fhir/Patient', { 'content-type': FHIR_JSON }, Buffer.from(JSON.stringify(resource)));
  expect(r.status).toBe(201);
  return (JSON.parse(r.body.toString()) as { id: string }).id;
}

describe('compressed responses', () => {
  it.each([
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br', 'br'],
    ['gzip, deflate, br', 'gzip'],
    ['br;q=1, gzip;q=0.5', 'br'],
    ['identity', undefined],
    ['gzip;q=0', undefined],
  ])('Accept-Encoding: %s -> %s', async (accept, coding) => {
    const id = await created(bigPatient(4));
    const r = await raw('GET', `/fhir/Patient/${id}`, { 'accept-encoding': accept });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe(coding);
    expect(r.headers['vary']).toMatch(/Accept-Encoding/);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect((decode(r) as { address: unknown[] }).address).toHaveLength(48);
  });

  it('compresses large bodies too (off the event loop) and leaves small ones alone', async () => {
    const id = await created(bigPatient(60));
    const big = await raw('GET', `/fhir/Patient/${id}`, { 'accept-encoding': 'gzip' });
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(big.body.length).toBeLessThan(60 * 1024 / 4);
    expect((decode(big) as { id: string }).id).toBe(id);
    const small = await raw('GET', `/fhir/Patient/${await created(patient('Small'))}`, { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});

describe('compressed request bodies', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ])('a %s body is inflated', async (coding, zip) => {
    const r = await raw('POST', '/fhir/Patient', { 'content-type': FHIR_JSON, 'content-encoding': coding }, zip(Buffer.from(JSON.stringify(patient('Zipped')))));
    expect(r.status).toBe(201);
    expect((JSON.parse(r.body.toString()) as { name: { family: string }[] }).name[0].family).toBe('Zipped');
  });

  it('an unknown coding is 415', async () => {
    const r = await raw('POST', '/fhir/Patient', { 'content-type': FHIR_JSON, 'content-encoding': 'compress' }, Buffer.from('{}'));
    expect(r.status).toBe(415);
    expectOutcome(JSON.parse(r.body.toString()), { code: 'not-supported', diagnostics: /compress/ });
  });

  it('a body that is not what its coding says is 400', async () => {
    const r = await raw('POST', '/fhir/Patient', { 'content-type': FHIR_JSON, 'content-encoding': 'gzip' }, Buffer.from(JSON.stringify(patient())));
    expect(r.status).toBe(400);
    expectOutcome(JSON.parse(r.body.toString()), { diagnostics: /not valid gzip/ });
  });

  it('the size limit applies to the inflated body, so a small compressed body cannot expand past it', async () => {
    const inflated = Buffer.from(JSON.stringify(bigPatient(200)));
    const zipped = gzipSync(inflated);
    expect(zipped.length).toBeLessThan(64 * 1024);
    const r = await raw('POST', '/fhir/Patient', { 'content-type': FHIR_JSON, 'content-encoding': 'gzip' }, zipped);
    expect(r.status).toBe(413);
    expectOutcome(JSON.parse(r.body.toString()), { code: 'too-costly' });
  });
});

describe('OPTIONS', () => {
  it('without an Origin: 204 and the methods of the API', async () => {
    const r = await raw('OPTIONS', '/fhir/Patient');
    expect(r.status).toBe(204);
    expect(r.headers['allow']).toMatch(/PATCH/);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('paths outside the FHIR API', () => {
  it('are 404 with an OperationOutcome that points to the FHIR base', async () => {
    for (const path of ['/', '/fhirx/Patient', '/other?x=1']) {
      const r = await raw('GET', path, { origin: 'https://app.example.org' });
      expect(r.status).toBe(404);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expectOutcome(JSON.parse(r.body.toString()), { code: 'not-found', diagnostics: /\/fhir/ });
    }
  });
});
