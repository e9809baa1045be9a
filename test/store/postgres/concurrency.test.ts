/**
 * Concurrency on PostgreSQL: many clients at once over real HTTP, spread over two servers sharing one
 * schema (two processes' worth of pools, as two nodes behind a load balancer would be). What must hold
 * (http.html#concurrency, #ccreate, #transaction): a stale If-Match loses with a 412, a conditional
 * create creates once, concurrent transactions lose no update and behave as in some serial order, and
 * every resource's versions stay 1..n with no gap and no duplicate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/main.js';
import { dropPgSchema, freshPgDatabase, PG_SKIP_REASON, PG_URL } from '../../helpers/postgres.js';
import { expectNoStackTrace, expectOutcome, FHIR_JSON } from '../../helpers/server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Reply {
  status: number;
  body: Json;
}

/** Parallel clients per test: more than one node's pool (10 connections), so requests also queue. */
const N = 24;
const SYS = 'urn:qiao:test:concurrency';

if (!PG_URL) console.warn(PG_SKIP_REASON);

describe.skipIf(!PG_URL)('PostgreSQL under concurrent clients on two servers sharing one schema', () => {
  let nodes: RunningServer[] = [];
  let schema: string;

  beforeAll(async () => {
    const db = freshPgDatabase();
    schema = db.schema;
    // Started together: the migration runs once, under its advisory lock, whichever node gets there first.
    nodes = await Promise.all([0, 1].map(() => startServer({ port: 0, host: '127.0.0.1', db: db.url, logLevel: 'silent', auth: 'off' })));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    if (schema) await dropPgSchema(schema);
  });

  /** One request to node `i % 2`; a 5xx or a stack trace fails the test wherever it happens. */
  async function call(i: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(`${nodes[i % 2].fhirBase}/${path}`, {
      method,
      headers: { Accept: FHIR_JSON, ...(body === undefined ? {} : { 'Content-Type': FHIR_JSON }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expectNoStackTrace(text);
    expect(res.status, `${method} ${path} on node ${i % 2}: ${text.slice(0, 500)}`).toBeLessThan(500);
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  }
  const inParallel = <T>(count: number, fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => fn(i)));
  const tally = (replies: Reply[]) => replies.reduce<Record<number, number>>((t, r) => ({ ...t, [r.status]: (t[r.status] ?? 0) + 1 }), {});
  const transaction = (i: number, entry: Json[]) => call(i, 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry });
  const orderIds = (p: Json): string[] => (p.identifier ?? []).filter((x: Json) => x.system === `${SYS}:order`).map((x: Json) => x.value);
  const ident = (value: string) => ({ system: `${SYS}:order`, value });

  async function createPatient(extra: Json = {}): Promise<string> {
    const created = await call(0, 'POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Concurrent' }], ...extra });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  /**
   * Every version of the resource, oldest first, after checking — on both nodes — that the history
   * holds versions 1..n exactly once each, that the current version is n, and that each version's
   * meta.versionId is its own.
   */
  async function gaplessHistory(type: string, id: string): Promise<Json[]> {
    let versions: Json[] = [];
    for (const node of [0, 1]) {
      const history = await call(node, 'GET', `${type}/${id}/_history?_count=1000`);
      expect(history.status).toBe(200);
      const entries: Json[] = history.body.entry ?? [];
      expect(entries.length).toBe(history.body.total);
      const ids = entries.map((e) => Number(/^W\/"(\d+)"$/.exec(e.response.etag)?.[1])).reverse();
      expect(ids, `${type}/${id} history versions`).toEqual(ids.map((_, k) => k + 1));
      versions = entries.map((e) => e.resource as Json).reverse();
      versions.forEach((v, k) => expect(v.meta.versionId).toBe(String(k + 1)));
      const current = await call(node, 'GET', `${type}/${id}`);
      expect(current.body.meta.versionId).toBe(String(ids.length));
    }
    return versions;
  }

  /** Each version adds exactly one order identifier to the one before: the versions form one serial chain. */
  function expectAppendChain(versions: Json[]): void {
    const last = orderIds(versions[versions.length - 1]);
    versions.forEach((v, k) => expect(orderIds(v)).toEqual(last.slice(0, k)));
  }

  describe('updates of one resource (http.html#update, #concurrency)', () => {
    it(`${N} parallel updates of version 1: exactly one succeeds, the rest get 412 with an OperationOutcome`, async () => {
      const id = await createPatient();
      const replies = await inParallel(N, (i) =>
        call(i, 'PUT', `Patient/${id}`, { resourceType: 'Patient', id, name: [{ family: `Racer${i}` }] }, { 'If-Match': 'W/"1"' }),
      );
      expect(tally(replies)).toEqual({ 200: 1, 412: N - 1 });
      for (const r of replies.filter((r) => r.status === 412)) expectOutcome(r.body, { code: 'conflict', diagnostics: /If-Match/ });
      const winner = replies.findIndex((r) => r.status === 200);
      expect(replies[winner].body.meta.versionId).toBe('2');
      const versions = await gaplessHistory('Patient', id);
      expect(versions).toHaveLength(2);
      expect(versions[1].name).toEqual([{ family: `Racer${winner}` }]);
    });

    it(`${N} parallel PUTs creating the same new id (update as create): one 201, the rest 200, one version each`, async () => {
      const id = randomUUID();
      const replies = await inParallel(N, (i) => call(i, 'PUT', `Patient/${id}`, { resourceType: 'Patient', id, identifier: [ident(`p${i}`)] }));
      expect(tally(replies)).toEqual({ 201: 1, 200: N - 1 });
      const versions = await gaplessHistory('Patient', id);
      expect(versions).toHaveLength(N);
      expect(replies.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b)).toEqual(versions.map((_, k) => k + 1));
      // Each reply is the version it wrote.
      for (const r of replies) expect(versions[Number(r.body.meta.versionId) - 1].identifier).toEqual(r.body.identifier);
    });

    it('clients doing read-modify-write with If-Match, retrying on 412, lose no update', async () => {
      const id = await createPatient();
      await inParallel(N, async (i) => {
        for (let attempt = 0; ; attempt++) {
          expect(attempt, `client ${i} never got its write in`).toBeLessThan(20 * N);
          const current = await call(i + attempt, 'GET', `Patient/${id}`);
          expect(current.status).toBe(200);
          const next = { ...current.body, identifier: [...(current.body.identifier ?? []), ident(`c${i}`)] };
          const put = await call(i + attempt + 1, 'PUT', `Patient/${id}`, next, { 'If-Match': `W/"${current.body.meta.versionId}"` });
          if (put.status === 200) return;
          expect(put.status).toBe(412);
        }
      });
      const versions = await gaplessHistory('Patient', id);
      expect(versions).toHaveLength(N + 1);
      expect(orderIds(versions[N]).sort()).toEqual(Array.from({ length: N }, (_, i) => `c${i}`).sort());
      expectAppendChain(versions);
    });
  });

  describe('conditional create (http.html#ccreate)', () => {
    async function matching(criteria: string, type = 'Patient'): Promise<string[]> {
      const ids: string[][] = [];
      for (const node of [0, 1]) {
        const bundle = await call(node, 'GET', `${type}?${criteria}&_total=accurate&_count=100`);
        expect(bundle.status).toBe(200);
        expect(bundle.body.total).toBe((bundle.body.entry ?? []).length);
        ids.push((bundle.body.entry ?? []).map((e: Json) => e.resource.id).sort());
      }
      expect(ids[0]).toEqual(ids[1]);
      return ids[0];
    }

    it(`${N} parallel POSTs with the same If-None-Exist: one 201, the rest 200 with that resource, and one resource`, async () => {
      const value = randomUUID();
      const body = { resourceType: 'Patient', identifier: [{ system: SYS, value }] };
      const replies = await inParallel(N, (i) => call(i, 'POST', 'Patient', body, { 'If-None-Exist': `identifier=${SYS}|${value}` }));
      expect(tally(replies)).toEqual({ 201: 1, 200: N - 1 });
      const id = replies.find((r) => r.status === 201)!.body.id as string;
      for (const r of replies) expect(r.body).toMatchObject({ resourceType: 'Patient', id, meta: { versionId: '1' } });
      expect(await matching(`identifier=${SYS}|${value}`)).toEqual([id]);
      expect(await gaplessHistory('Patient', id)).toHaveLength(1);
    });

    it(`${N} parallel transactions with the same ifNoneExist: one creates, all reference that one resource`, async () => {
      const value = randomUUID();
      const replies = await inParallel(N, (i) =>
        transaction(i, [
          {
            fullUrl: 'urn:uuid:patient',
            resource: { resourceType: 'Patient', identifier: [{ system: SYS, value }] },
            request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${value}` },
          },
          {
            resource: { resourceType: 'Observation', status: 'final', code: { text: `visit ${i}` }, subject: { reference: 'urn:uuid:patient' } },
            request: { method: 'POST', url: 'Observation' },
          },
        ]),
      );
      expect(tally(replies)).toEqual({ 200: N });
      const patientStatus = replies.map((r) => r.body.entry[0].response.status as string);
      expect(patientStatus.filter((s) => s.startsWith('201'))).toHaveLength(1);
      expect(patientStatus.filter((s) => s.startsWith('200'))).toHaveLength(N - 1);
      const ids = await matching(`identifier=${SYS}|${value}`);
      expect(ids).toHaveLength(1);
      for (const r of replies) expect(r.body.entry[0].response.location).toBe(`Patient/${ids[0]}/_history/1`);
      const observations = await matching(`subject=Patient/${ids[0]}`, 'Observation');
      expect(observations).toHaveLength(N);
      expect(await gaplessHistory('Patient', ids[0])).toHaveLength(1);
    });

    it(`${N} parallel conditional updates (PUT [type]?criteria) matching nothing at first: one creates, the rest update it`, async () => {
      const value = randomUUID();
      const replies = await inParallel(N, (i) =>
        call(i, 'PUT', `Patient?identifier=${SYS}|${value}`, { resourceType: 'Patient', identifier: [{ system: SYS, value }, ident(`u${i}`)] }),
      );
      expect(tally(replies), JSON.stringify(replies.find((r) => r.status >= 400)?.body)).toEqual({ 201: 1, 200: N - 1 });
      const ids = await matching(`identifier=${SYS}|${value}`);
      expect(ids).toHaveLength(1);
      const id = ids[0];
      for (const r of replies) expect(r.body.id).toBe(id);
      const versions = await gaplessHistory('Patient', id);
      expect(versions).toHaveLength(N);
      // Each reply is the version it wrote, and each version was written by exactly one request.
      expect(replies.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b)).toEqual(versions.map((_, k) => k + 1));
    });
  });

  describe('transactions writing the same resources (http.html#transaction)', () => {
    it(`${N} parallel transactions each patching the same two patients: no update is lost, and all ran in one serial order`, async () => {
      const a = await createPatient({ identifier: [{ system: SYS, value: 'seed' }] });
      const b = await createPatient({ identifier: [{ system: SYS, value: 'seed' }] });
      const jsonPatch = (i: number) => ({
        resource: {
          resourceType: 'Binary',
          contentType: 'application/json-patch+json',
          data: Buffer.from(JSON.stringify([{ op: 'add', path: '/identifier/-', value: ident(`t${i}`) }])).toString('base64'),
        },
        request: { method: 'PATCH', url: `Patient/${a}` },
      });
      const fhirPathPatch = (i: number) => ({
        resource: {
          resourceType: 'Parameters',
          parameter: [
            {
              name: 'operation',
              part: [
                { name: 'type', valueCode: 'add' },
                { name: 'path', valueString: 'Patient' },
                { name: 'name', valueString: 'identifier' },
                { name: 'value', valueIdentifier: ident(`t${i}`) },
              ],
            },
          ],
        },
        request: { method: 'PATCH', url: `Patient/${b}` },
      });
      // Half the transactions patch a then b, half b then a: lock order differs, so deadlocks can occur and must be retried.
      const replies = await inParallel(N, (i) => transaction(i, i % 2 ? [jsonPatch(i), fhirPathPatch(i)] : [fhirPathPatch(i), jsonPatch(i)]));
      expect(tally(replies)).toEqual({ 200: N });
      const versionOf = (r: Reply, id: string) => r.body.entry.find((e: Json) => e.response.location.startsWith(`Patient/${id}/`)).response.etag;
      // Each transaction wrote the same version of both: it saw both patients at the same point of one serial order.
      for (const r of replies) expect(versionOf(r, a)).toBe(versionOf(r, b));
      expect(new Set(replies.map((r) => versionOf(r, a))).size).toBe(N);

      const [va, vb] = [await gaplessHistory('Patient', a), await gaplessHistory('Patient', b)];
      expect(va).toHaveLength(N + 1);
      expect(vb).toHaveLength(N + 1);
      const order = orderIds(va[N]);
      expect([...order].sort()).toEqual(Array.from({ length: N }, (_, i) => `t${i}`).sort());
      expect(orderIds(vb[N])).toEqual(order);
      expectAppendChain(va);
      expectAppendChain(vb);
      for (const v of [...va, ...vb]) expect(v.identifier[0]).toEqual({ system: SYS, value: 'seed' });
      // The transaction that wrote version k appended the (k-1)th identifier.
      for (const [i, r] of replies.entries()) expect(versionOf(r, a)).toBe(`W/"${order.indexOf(`t${i}`) + 2}"`);
    });
  });

  it('across everything written above, every resource has versions 1..n and its current version is n', async () => {
    const seen = new Map<string, number[]>();
    let url: string | undefined = `${nodes[1].fhirBase}/_history?_count=100`;
    while (url) {
      const page = await call(1, 'GET', url.slice(nodes[1].fhirBase.length + 1));
      expect(page.status).toBe(200);
      for (const e of page.body.entry as Json[]) {
        const key = e.fullUrl.slice(nodes[1].fhirBase.length + 1);
        seen.set(key, [...(seen.get(key) ?? []), Number(/^W\/"(\d+)"$/.exec(e.response.etag)?.[1])]);
      }
      url = (page.body.link as Json[]).find((l) => l.relation === 'next')?.url;
    }
    expect(seen.size).toBeGreaterThan(N);
    for (const [key, versions] of seen) {
      // Newest first, one entry per version: n, n-1, ..., 1.
      expect(versions, key).toEqual(versions.map((_, k) => versions.length - k));
      const current = await call(0, 'GET', key);
      expect(current.body.meta.versionId, key).toBe(String(versions.length));
    }
  });
});
