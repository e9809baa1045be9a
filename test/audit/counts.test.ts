/**
 * Nothing lost: N requests of each kind give N AuditEvents (one per request, or per Bundle entry), writes
 * audited in their own transaction, a rolled-back transaction audited as a failure with nothing written,
 * and a small queue that makes requests wait rather than drop records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { FHIR_JSON, patient, startTestServer } from '../helpers/server.js';
import { allAuditEvents, auditEventsFor, requestIdOf, subtypeOf } from './helpers.js';

const N = 4;

function call(server: RunningServer, method: string, path: string, requestId: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.fhirBase}/${path}`, {
    method,
    headers: { 'X-Request-Id': requestId, ...(body === undefined ? {} : { 'Content-Type': method === 'PATCH' ? 'application/json-patch+json' : FHIR_JSON }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('one AuditEvent per interaction', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('audits N requests of each kind with N AuditEvents of that subtype', async () => {
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await call(server, 'POST', 'Patient', `create-${i}`, patient(`P${i}`));
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
      // Audit of a write commits with it: it is there as soon as the response is.
    }
    expect((await allAuditEvents(server.store)).filter((e) => requestIdOf(e)?.startsWith('create-'))).toHaveLength(N);
    const kinds: [string, string, (i: number) => [string, string, unknown?]][] = [
      ['read', 'read', (i) => ['GET', `Patient/${ids[i]}`]],
      ['vread', 'vread', (i) => ['GET', `Patient/${ids[i]}/_history/1`]],
      ['search', 'search-type', (i) => ['GET', `Observation?patient=${ids[i]}`]],
      ['history', 'history-instance', (i) => ['GET', `Patient/${ids[i]}/_history`]],
      ['update', 'update', (i) => ['PUT', `Patient/${ids[i]}`, { ...patient(`U${i}`), id: ids[i] }]],
      ['patch', 'patch', (i) => ['PATCH', `Patient/${ids[i]}`, [{ op: 'add', path: '/gender', value: 'other' }]]],
      ['validate', 'operation', () => ['POST', 'Patient/$validate', patient('V')]],
      ['delete', 'delete', (i) => ['DELETE', `Patient/${ids[i]}`]],
    ];
    for (const [kind, , request] of kinds) {
      for (let i = 0; i < N; i++) {
        const [method, path, body] = request(i);
        const res = await call(server, method, path, `${kind}-${i}`, body);
        expect(res.status, `${kind} ${i}`).toBeLessThan(300);
        expect(res.headers.get('x-request-id')).toBe(`${kind}-${i}`);
      }
    }
    for (const [kind, subtype] of [['create', 'create'], ...kinds.map(([k, s]) => [k, s])]) {
      const events = await auditEventsFor(server.store, `${kind}-`, N);
      expect(events, kind).toHaveLength(N);
      for (const e of events) {
        expect(subtypeOf(e), kind).toBe(subtype);
        expect(e.outcome).toBe('0');
      }
    }
  });

  it('audits each entry of a batch and of a transaction', async () => {
    for (let i = 0; i < N; i++) {
      const bundle = (type: string) => ({
        resourceType: 'Bundle',
        type,
        entry: [
          { fullUrl: 'urn:uuid:0c2a8a32-0000-4000-8000-000000000001', resource: patient('B'), request: { method: 'POST', url: 'Patient' } },
          { request: { method: 'GET', url: 'Patient?name=B' } },
        ],
      });
      expect((await call(server, 'POST', '', `batch-${i}`, bundle('batch'))).status).toBe(200);
      expect((await call(server, 'POST', '', `transaction-${i}`, bundle('transaction'))).status).toBe(200);
    }
    for (const kind of ['batch', 'transaction']) {
      const events = await auditEventsFor(server.store, `${kind}-`, 2 * N);
      expect(events, kind).toHaveLength(2 * N);
      expect(events.filter((e) => subtypeOf(e) === 'create')).toHaveLength(N);
      expect(events.filter((e) => subtypeOf(e) === 'search-type')).toHaveLength(N);
    }
  });

  it('audits a rolled-back transaction as a failure, with nothing written', async () => {
    const before = (await server.store.history({ type: 'Patient', count: 1 })).total;
    const res = await call(server, 'POST', '', 'failed-tx', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient('Never'), request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', gender: 'not-a-gender' }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect((await server.store.history({ type: 'Patient', count: 1 })).total).toBe(before);
    const events = await auditEventsFor(server.store, 'failed-tx', 2);
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(subtypeOf(e)).toBe('create');
      expect(e.outcome).toBe('4');
      expect(e.outcomeDesc).toMatch(/gender|not-a-gender/);
    }
    // A single failed write too.
    expect((await call(server, 'PUT', 'Patient/nope', 'failed-update', { resourceType: 'Patient', id: 'other' })).status).toBe(400);
    const [failed] = await auditEventsFor(server.store, 'failed-update');
    expect(failed).toMatchObject({ action: 'U', outcome: '4' });
    expect(failed.entity[0].what.reference).toBe('Patient/nope');
  });

  it('refuses to change AuditEvents: update, patch and delete give 405', async () => {
    const [one] = await allAuditEvents(server.store);
    for (const [method, body] of [['PUT', one], ['PATCH', []], ['DELETE', undefined]] as const) {
      const res = await call(server, method, `AuditEvent/${one.id}`, `immutable-${method}`, body);
      expect(res.status, method).toBe(405);
    }
    expect((await call(server, 'DELETE', 'AuditEvent?action=R', 'immutable-conditional')).status).toBe(405);
    const stored = await server.store.read('AuditEvent', one.id);
    expect(stored?.versionId).toBe(1);
    // A PUT to a new id is a create (update as create), as for any other type.
    const created = await call(server, 'PUT', 'AuditEvent/from-elsewhere', 'put-create', { ...one, id: 'from-elsewhere', meta: undefined });
    expect(created.status).toBe(201);
  });
});

describe('a full audit queue', () => {
  it('makes requests wait, and loses no record', async () => {
    const server = await startTestServer({ auditQueueSize: 1 });
    try {
      const created = await call(server, 'POST', 'Patient', 'bp-create', patient('Q'));
      const { id } = (await created.json()) as { id: string };
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => call(server, 'GET', `Patient/${id}`, `bp-read-${i}`)));
      expect(answers.every((r) => r.status === 200)).toBe(true);
      const events = await auditEventsFor(server.store, 'bp-read-', 60);
      expect(events).toHaveLength(60);
      expect(new Set(events.map(requestIdOf)).size).toBe(60);
    } finally {
      await server.close();
    }
  });
});
