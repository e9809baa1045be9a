/**
 * The hooks audit and subscriptions attach to (interactions/hooks.ts, http/request-event.ts): write
 * observers run inside the write's transaction and can veto it; request observers hear every answered
 * request, classified, with its status and outcome.
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import type { RequestEvent } from '../../src/http/request-event.js';
import type { StoredVersion } from '../../src/store/store.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';
import type { Server } from 'node:http';

let store: ResourceStore;
let server: Server;
let base: string;
const events: RequestEvent[] = [];
const seen: string[][] = [];
let veto = false;

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  server = createHttpServer({
    store,
    bodyLimit: 1 << 20,
    logger: pino({ level: 'silent' }),
    writeObservers: [
      async (tx, written: readonly StoredVersion[], info) => {
        seen.push(written.map((v) => `${v.type}/${v.id}/${v.versionId}`));
        if (veto) throw new Error('vetoed');
        // What an observer writes commits with the request's own writes.
        if (written.some((v) => v.type === 'Basic')) throw new Error('an observer must not see its own writes');
        await tx.write('Basic', `note-${seen.length}`, { resourceType: 'Basic', code: { text: info.requestId } }, 'PUT');
      },
    ],
    requestObservers: [(e) => events.push(e)],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await store.close();
});

const json = { 'content-type': 'application/fhir+json' };

describe('write observers', () => {
  it('see every version a transaction wrote, and write in the same transaction', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'PUT', url: 'Patient/a' }, resource: { resourceType: 'Patient', id: 'a' } },
        { request: { method: 'PUT', url: 'Patient/b' }, resource: { resourceType: 'Patient', id: 'b' } },
      ],
    };
    const res = await fetch(base, { method: 'POST', headers: { ...json, 'x-request-id': 'req-1' }, body: JSON.stringify(bundle) });
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toEqual(['Patient/a/1', 'Patient/b/1']);
    const note = await store.read('Basic', `note-${seen.length}`);
    expect(JSON.parse(note!.json!).code.text).toBe('req-1');
  });

  it('roll the write back when they fail', async () => {
    veto = true;
    const res = await fetch(`${base}/Patient/c`, { method: 'PUT', headers: json, body: JSON.stringify({ resourceType: 'Patient', id: 'c' }) });
    veto = false;
    expect(res.status).toBe(500);
    expect(await store.read('Patient', 'c')).toBeUndefined();
  });

  it('are not called for reads', async () => {
    const before = seen.length;
    await fetch(`${base}/Patient/a`);
    await fetch(`${base}/Patient?_id=a`);
    expect(seen.length).toBe(before);
  });
});

describe('request observers', () => {
  it('hear each request classified, with status and outcome', async () => {
    events.length = 0;
    await fetch(`${base}/Patient/a`, { headers: { 'x-request-id': 'r-read' } });
    await fetch(`${base}/Patient/a/_history/1`);
    await fetch(`${base}/Patient?name=x`);
    await fetch(`${base}/Patient/nope`);
    await fetch(`${base}/Patient/$validate`, { method: 'POST', headers: json, body: JSON.stringify({ resourceType: 'Patient' }) });
    await fetch(`${base}/metadata`);
    const brief = events.map((e) => [e.interaction, e.resourceType, e.id, e.status, e.operation]);
    expect(brief).toEqual([
      ['read', 'Patient', 'a', 200, undefined],
      ['vread', 'Patient', 'a', 200, undefined],
      ['search-type', 'Patient', undefined, 200, undefined],
      ['read', 'Patient', 'nope', 404, undefined],
      ['operation', 'Patient', undefined, 200, 'validate'],
      ['capabilities', undefined, undefined, 200, undefined],
    ]);
    expect(events[0]!.requestId).toBe('r-read');
    expect(events[0]!.peer).toMatch(/127\.0\.0\.1/);
    expect(events[3]!.outcome?.resourceType).toBe('OperationOutcome');
    expect(events[0]!.durationMs).toBeGreaterThan(0);
  });
});
