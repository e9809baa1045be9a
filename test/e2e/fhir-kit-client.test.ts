/** A real FHIR client (fhir-kit-client, over fetch) against Qiao on an ephemeral port. */
import { Client, RESPONSE_KEY, type FhirResponse } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { startTestServer } from '../helpers/server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: RunningServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.fhirBase });
});
afterAll(() => server.close());

const headers = (r: unknown) => (r as FhirResponse)[RESPONSE_KEY]!.headers;

describe('fhir-kit-client', () => {
  it('reads the CapabilityStatement', async () => {
    const cs = (await client.capabilityStatement()) as Json;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
  });

  it('create, read, update, vread, patch, history and delete', async () => {
    const created = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family: 'Kit', given: ['Fhir'] }] } })) as Json;
    expect(created).toMatchObject({ resourceType: 'Patient', meta: { versionId: '1' } });
    const id = created.id as string;
    expect(headers(created).get('location')).toBe(`${server.fhirBase}/Patient/${id}/_history/1`);

    const read = (await client.read({ resourceType: 'Patient', id })) as Json;
    expect(read).toEqual(created);
    expect(headers(read).get('etag')).toBe('W/"1"');

    const updated = (await client.update({ resourceType: 'Patient', id, body: { ...read, resourceType: 'Patient', name: [{ family: 'Kit', given: ['Updated'] }] } })) as Json;
    expect(updated.meta.versionId).toBe('2');
    expect(updated.name[0].given).toEqual(['Updated']);

    const v1 = (await client.vread({ resourceType: 'Patient', id, version: '1' })) as Json;
    expect(v1.name[0].given).toEqual(['Fhir']);
    const v2 = (await client.vread({ resourceType: 'Patient', id, version: '2' })) as Json;
    expect(v2.name[0].given).toEqual(['Updated']);

    const patched = (await client.patch({ resourceType: 'Patient', id, jsonPatch: [{ op: 'add', path: '/active', value: true }] })) as Json;
    expect(patched).toMatchObject({ active: true, meta: { versionId: '3' } });

    const history = (await client.history({ resourceType: 'Patient', id })) as Json;
    expect(history).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 3 });
    expect(history.entry.map((e: Json) => e.resource.meta.versionId)).toEqual(['3', '2', '1']);

    await client.delete({ resourceType: 'Patient', id });
    await expect(client.read({ resourceType: 'Patient', id })).rejects.toMatchObject({ response: { status: 410 } });
    const after = (await client.history({ resourceType: 'Patient', id })) as Json;
    expect(after.total).toBe(4);
  });

  it('type and system history, paging with nextPage', async () => {
    for (let i = 0; i < 5; i++) await client.create({ resourceType: 'Organization', body: { resourceType: 'Organization', name: `Org ${i}` } });
    const first = (await client.history({ resourceType: 'Organization', options: {} })) as Json;
    expect(first.total).toBe(5);
    const paged = (await client.request('Organization/_history?_count=2')) as Json;
    const names: string[] = paged.entry.map((e: Json) => e.resource.name);
    let page: Json | undefined = paged;
    while ((page = (await client.nextPage({ bundle: page as Parameters<Client['nextPage']>[0]['bundle'] })) as Json | undefined)) names.push(...page.entry.map((e: Json) => e.resource.name));
    expect(names).toEqual(['Org 4', 'Org 3', 'Org 2', 'Org 1', 'Org 0']);
    const system = (await client.history()) as Json;
    expect(system.total).toBeGreaterThanOrEqual(5);
  });

  it('a transaction with urn:uuid references', async () => {
    const response = (await client.transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a', resource: { resourceType: 'Patient', name: [{ family: 'Tx' }] }, request: { method: 'POST', url: 'Patient' } },
          {
            fullUrl: 'urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059',
            resource: { resourceType: 'Observation', status: 'final', code: { text: 'weight' }, subject: { reference: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a' } },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      },
    })) as Json;
    expect(response.type).toBe('transaction-response');
    const [p, o] = response.entry.map((e: Json) => e.response.location.split('/_history/')[0].split('/'));
    expect(response.entry.map((e: Json) => e.response.status)).toEqual(['201 Created', '201 Created']);
    const obs = (await client.read({ resourceType: o[0], id: o[1] })) as Json;
    expect(obs.subject.reference).toBe(`Patient/${p[1]}`);
  });

  it('a failing request rejects with the OperationOutcome', async () => {
    await expect(client.read({ resourceType: 'Patient', id: 'does-not-exist' })).rejects.toMatchObject({
      response: { status: 404, data: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] } },
    });
  });
});
