/**
 * batch and transaction Bundles over HTTP (http.html#transaction): atomicity, processing order, urn:uuid
 * and conditional reference resolution, conditional create, the response Bundle.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { expectOutcome, FHIR_JSON, patient, startTestServer } from '../helpers/server.js';

let server: RunningServer;
let api: ReturnType<typeof request>;

beforeAll(async () => {
  server = await startTestServer();
  api = request(server.url);
});
afterAll(() => server.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SYS = 'http://qiao.test/mrn';
const urn = () => `urn:uuid:${randomUUID()}`;
const post = (body: object) => api.post('/fhir').set('Content-Type', FHIR_JSON).send(body);
const transaction = (entry: object[]) => post({ resourceType: 'Bundle', type: 'transaction', entry });
const batch = (entry: object[]) => post({ resourceType: 'Bundle', type: 'batch', entry });
const systemTotal = async () => (await api.get('/fhir/_history?_count=0')).body.total as number;
const read = async (ref: string) => (await api.get(`/fhir/${ref}`)).body as Json;
/** `Patient/abc` from a response location `Patient/abc/_history/1`. */
const refOf = (location: string) => location.split('/_history/')[0];
const withIdentifier = (value: string, family = 'Li') => patient(family, { identifier: [{ system: SYS, value }] });
const putPatient = (id: string, value?: string) =>
  api
    .put(`/fhir/Patient/${id}`)
    .set('Content-Type', FHIR_JSON)
    .send({ ...(value ? withIdentifier(value) : patient()), id })
    .expect((r) => expect([200, 201]).toContain(r.status));

describe('transaction: all or nothing', () => {
  it('an invalid entry fails the whole transaction, names the entry, and nothing is written', async () => {
    const before = await systemTotal();
    const res = await transaction([
      { fullUrl: urn(), resource: patient('Atomic'), request: { method: 'POST', url: 'Patient' } },
      { resource: { ...patient(), id: 'atomic-1' }, request: { method: 'PUT', url: 'Patient/atomic-1' } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } }, request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(res.status).toBe(400);
    const issue = expectOutcome(res.body, { code: 'invalid', diagnostics: /Bundle\.entry\[2\]/ });
    expect(issue.expression!.some((e) => e.startsWith('Bundle.entry[2]'))).toBe(true);
    expect(await systemTotal()).toBe(before);
    expect((await api.get('/fhir/Patient/atomic-1')).status).toBe(404);
  });

  it('a precondition failing after other entries were processed rolls them back', async () => {
    await putPatient('atomic-2');
    const before = await systemTotal();
    const res = await transaction([
      { fullUrl: urn(), resource: patient('Rolled back'), request: { method: 'POST', url: 'Patient' } },
      { request: { method: 'DELETE', url: 'Patient/atomic-2' } },
      { resource: { ...patient(), id: 'atomic-3' }, request: { method: 'PUT', url: 'Patient/atomic-3' } },
      { resource: { ...patient('Stale'), id: 'atomic-2x' }, request: { method: 'PUT', url: 'Patient/atomic-2x', ifMatch: 'W/"7"' } },
    ]);
    expect(res.status).toBe(412);
    expectOutcome(res.body, { code: 'conflict', diagnostics: /Bundle\.entry\[3\]/, expression: 'Bundle.entry[3]' });
    expect(await systemTotal()).toBe(before);
    expect((await api.get('/fhir/Patient/atomic-2')).status).toBe(200);
    expect((await api.get('/fhir/Patient/atomic-3')).status).toBe(404);
  });

  it('a failing GET entry fails the transaction too', async () => {
    const before = await systemTotal();
    const res = await transaction([
      { fullUrl: urn(), resource: patient(), request: { method: 'POST', url: 'Patient' } },
      { request: { method: 'GET', url: 'Patient/no-such-patient' } },
    ]);
    expect(res.status).toBe(404);
    expectOutcome(res.body, { code: 'not-found', diagnostics: /Bundle\.entry\[1\]/ });
    expect(await systemTotal()).toBe(before);
  });

  it('an entry failing validation: 422 located in the entry, nothing written', async () => {
    const before = await systemTotal();
    const res = await transaction([
      { fullUrl: urn(), resource: patient('Fine'), request: { method: 'POST', url: 'Patient' } },
      { fullUrl: urn(), resource: { ...patient('Invalid'), gender: 'x' }, request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(res.status).toBe(422);
    expectOutcome(res.body, { code: 'code-invalid', diagnostics: /Bundle\.entry\[1\]/, expression: 'Bundle.entry[1].resource.gender' });
    expect(await systemTotal()).toBe(before);
  });

  it('two entries writing the same resource are refused', async () => {
    const res = await transaction([
      { resource: { ...patient(), id: 'twice' }, request: { method: 'PUT', url: 'Patient/twice' } },
      { resource: { ...patient(), id: 'twice' }, request: { method: 'PUT', url: 'Patient/twice' } },
    ]);
    expect(res.status).toBe(400);
    expectOutcome(res.body, { diagnostics: /both write Patient\/twice/ });
    expect((await api.get('/fhir/Patient/twice')).status).toBe(404);
  });

  it('a Bundle that is neither batch nor transaction is refused', async () => {
    const res = await post({ resourceType: 'Bundle', type: 'collection', entry: [] });
    expect(res.status).toBe(400);
    expectOutcome(res.body, { expression: 'Bundle.type' });
  });
});

describe('transaction: processing order DELETE, POST, PUT/PATCH, GET', () => {
  it('a GET entry listed first sees the resources POSTed and PUT later in the Bundle', async () => {
    const value = `order-${randomUUID()}`;
    const res = await transaction([
      { request: { method: 'GET', url: `Patient?identifier=${encodeURIComponent(`${SYS}|${value}`)}` } },
      { request: { method: 'GET', url: 'Patient/order-put' } },
      { resource: { ...patient('Put'), id: 'order-put' }, request: { method: 'PUT', url: 'Patient/order-put' } },
      { fullUrl: urn(), resource: withIdentifier(value, 'Posted'), request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(res.status).toBe(200);
    const [search, readPut, , created] = res.body.entry as Json[];
    expect(search.response.status).toMatch(/^200/);
    expect(search.resource.resourceType).toBe('Bundle');
    expect(search.resource.entry.map((e: Json) => e.resource.id)).toEqual([refOf(created.response.location).split('/')[1]]);
    expect(readPut.resource).toMatchObject({ resourceType: 'Patient', id: 'order-put', name: [{ family: 'Put' }] });
  });

  it('DELETE runs before POST: a conditional create matching only the deleted resource creates a new one', async () => {
    const value = `del-post-${randomUUID()}`;
    await putPatient('del-post', value);
    const res = await transaction([
      { fullUrl: urn(), resource: withIdentifier(value, 'Replacement'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${value}` } },
      { request: { method: 'DELETE', url: 'Patient/del-post' } },
    ]);
    expect(res.status).toBe(200);
    const [created, deleted] = res.body.entry as Json[];
    expect(deleted.response.status).toMatch(/^200/);
    expect(created.response.status).toMatch(/^201/);
    expect(refOf(created.response.location)).not.toBe('Patient/del-post');
    expect((await api.get('/fhir/Patient/del-post')).status).toBe(410);
    expect((await read(refOf(created.response.location))).name[0].family).toBe('Replacement');
  });

  it('a DELETE listed after a POST is processed before it', async () => {
    await putPatient('del-a');
    const res = await transaction([
      { fullUrl: urn(), resource: patient('After delete'), request: { method: 'POST', url: 'Patient' } },
      { request: { method: 'DELETE', url: 'Patient/del-a' } },
    ]);
    expect(res.status).toBe(200);
    expect((await api.get('/fhir/Patient/del-a')).status).toBe(410);
    const history = (await api.get('/fhir/_history?_count=2')).body as Json;
    // Newest first: the POST was processed after the DELETE.
    expect(history.entry.map((e: Json) => e.request.method)).toEqual(['POST', 'DELETE']);
  });
});

describe('transaction: urn:uuid references', () => {
  it('resolves fullUrls and rewrites every reference, nested, in extensions, in contained resources and in the narrative', async () => {
    const p = urn();
    const o1 = urn();
    const o2 = urn();
    const res = await transaction([
      {
        fullUrl: o2,
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'panel' },
          subject: { reference: p },
          hasMember: [{ reference: o1 }],
          extension: [{ url: 'http://qiao.test/ext/related', valueReference: { reference: p } }],
          contained: [{ resourceType: 'Observation', id: 'c1', status: 'final', code: { text: 'inner' }, subject: { reference: p } }],
          derivedFrom: [{ reference: '#c1' }],
          text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">See <a href="${p}">the patient</a></div>` },
        },
        request: { method: 'POST', url: 'Observation' },
      },
      { fullUrl: o1, resource: { resourceType: 'Observation', status: 'final', code: { text: 'member' }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
      { fullUrl: p, resource: patient('Urn'), request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(res.status).toBe(200);
    const [e2, e1, ep] = res.body.entry as Json[];
    const patientRef = refOf(ep.response.location);
    const o1Ref = refOf(e1.response.location);
    expect(patientRef).toMatch(/^Patient\/[A-Za-z0-9\-.]+$/);
    expect(o1Ref).toMatch(/^Observation\/[A-Za-z0-9\-.]+$/);

    const panel = await read(refOf(e2.response.location));
    expect(panel.subject.reference).toBe(patientRef);
    expect(panel.hasMember[0].reference).toBe(o1Ref);
    expect(panel.extension[0].valueReference.reference).toBe(patientRef);
    expect(panel.contained[0].subject.reference).toBe(patientRef);
    expect(panel.derivedFrom[0].reference).toBe('#c1');
    expect(panel.text.div).toContain(`href="${patientRef}"`);
    expect(JSON.stringify(panel)).not.toContain('urn:uuid');
    expect((await read(o1Ref)).subject.reference).toBe(patientRef);
    expect((await read(patientRef)).name[0].family).toBe('Urn');
  });

  it('an unresolved urn:uuid reference is a 400 and nothing is written', async () => {
    const before = await systemTotal();
    const res = await transaction([
      { fullUrl: urn(), resource: patient(), request: { method: 'POST', url: 'Patient' } },
      { fullUrl: urn(), resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: urn() } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /Bundle\.entry\[1\].*matches no fullUrl/ });
    expect(await systemTotal()).toBe(before);
  });

  it('references in PATCH entries are rewritten too (FHIRPath Patch and JSON Patch values)', async () => {
    for (const id of ['urn-patch-1', 'urn-patch-2']) {
      await api.put(`/fhir/Observation/${id}`).set('Content-Type', FHIR_JSON).send({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' } }).expect(201);
    }
    const p = urn();
    const jsonPatch = [{ op: 'add', path: '/subject', value: { reference: p } }];
    const res = await transaction([
      { fullUrl: p, resource: patient('Patched in'), request: { method: 'POST', url: 'Patient' } },
      {
        resource: {
          resourceType: 'Parameters',
          parameter: [
            {
              name: 'operation',
              part: [
                { name: 'type', valueCode: 'add' },
                { name: 'path', valueString: 'Observation' },
                { name: 'name', valueString: 'subject' },
                { name: 'value', valueReference: { reference: p } },
              ],
            },
          ],
        },
        request: { method: 'PATCH', url: 'Observation/urn-patch-1' },
      },
      {
        resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(jsonPatch)).toString('base64') },
        request: { method: 'PATCH', url: 'Observation/urn-patch-2' },
      },
    ]);
    expect(res.status).toBe(200);
    const patientRef = refOf(res.body.entry[0].response.location);
    expect((await read('Observation/urn-patch-1')).subject.reference).toBe(patientRef);
    expect((await read('Observation/urn-patch-2')).subject.reference).toBe(patientRef);
  });

  it('a PUT entry can be referenced by its fullUrl', async () => {
    const p = urn();
    const res = await transaction([
      { fullUrl: p, resource: { ...patient(), id: 'urn-put' }, request: { method: 'PUT', url: 'Patient/urn-put' } },
      { fullUrl: urn(), resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(res.status).toBe(200);
    expect((await read(refOf(res.body.entry[1].response.location))).subject.reference).toBe('Patient/urn-put');
  });
});

describe('conditional create', () => {
  it('ifNoneExist inside a transaction: 0 matches → 201, 1 → 200 and no new resource, 2 → 412', async () => {
    const value = `cc-${randomUUID()}`;
    const entry = () => ({ fullUrl: urn(), resource: withIdentifier(value), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYS}|${value}` } });

    const first = await transaction([entry()]);
    expect(first.status).toBe(200);
    expect(first.body.entry[0].response.status).toMatch(/^201/);
    const existing = refOf(first.body.entry[0].response.location);

    const before = await systemTotal();
    const p = urn();
    const second = await transaction([
      { ...entry(), fullUrl: p },
      { fullUrl: urn(), resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: p } }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(second.status).toBe(200);
    expect(second.body.entry[0].response.status).toMatch(/^200/);
    expect(refOf(second.body.entry[0].response.location)).toBe(existing);
    // A reference to the matched entry's fullUrl points at the existing resource.
    expect((await read(refOf(second.body.entry[1].response.location))).subject.reference).toBe(existing);
    expect(await systemTotal()).toBe(before + 1);

    await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(withIdentifier(value)).expect(201);
    const third = await transaction([entry()]);
    expect(third.status).toBe(412);
    expectOutcome(third.body, { code: 'conflict', diagnostics: /Bundle\.entry\[0\].*more than one/ });
  });

  it('If-None-Exist on a plain create: 0 matches → 201, 1 → 200 and no new resource, 2 → 412', async () => {
    const value = `ine-${randomUUID()}`;
    const create = () => api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', `identifier=${SYS}|${value}`).send(withIdentifier(value));
    const first = await create();
    expect(first.status).toBe(201);
    const before = await systemTotal();
    const second = await create();
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.etag).toBe('W/"1"');
    expect(await systemTotal()).toBe(before);

    await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(withIdentifier(value)).expect(201);
    const third = await create();
    expect(third.status).toBe(412);
    expectOutcome(third.body, { code: 'conflict', diagnostics: /more than one/ });
  });

  it('If-None-Exist with an unsupported parameter is refused, not ignored', async () => {
    const res = await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', 'shoe-size=44').send(patient());
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'not-supported', diagnostics: /shoe-size/ });
  });
});

describe('conditional references in a transaction', () => {
  const observation = (subject: string) => ({ fullUrl: urn(), resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: subject } }, request: { method: 'POST', url: 'Observation' } });

  it('Patient?identifier=sys|val resolves to the one match', async () => {
    const value = `cref-${randomUUID()}`;
    await putPatient('cref-1', value);
    const res = await transaction([observation(`Patient?identifier=${SYS}|${value}`)]);
    expect(res.status).toBe(200);
    expect((await read(refOf(res.body.entry[0].response.location))).subject.reference).toBe('Patient/cref-1');
  });

  it('no match → 412, nothing written', async () => {
    const before = await systemTotal();
    const res = await transaction([{ fullUrl: urn(), resource: patient(), request: { method: 'POST', url: 'Patient' } }, observation(`Patient?identifier=${SYS}|nobody-${randomUUID()}`)]);
    expect(res.status).toBe(412);
    expectOutcome(res.body, { code: 'conflict', diagnostics: /Bundle\.entry\[1\].*matched no resource/ });
    expect(await systemTotal()).toBe(before);
  });

  it('a match the same transaction deletes no longer counts → 412', async () => {
    const value = `cref-del-${randomUUID()}`;
    await putPatient('cref-del', value);
    const res = await transaction([observation(`Patient?identifier=${SYS}|${value}`), { request: { method: 'DELETE', url: 'Patient/cref-del' } }]);
    expect(res.status).toBe(412);
    expect((await api.get('/fhir/Patient/cref-del')).status).toBe(200);
  });

  it('several matches → 412', async () => {
    const value = `cref-many-${randomUUID()}`;
    await putPatient('cref-m1', value);
    await putPatient('cref-m2', value);
    const res = await transaction([observation(`Patient?identifier=${SYS}|${value}`)]);
    expect(res.status).toBe(412);
    expectOutcome(res.body, { code: 'conflict', diagnostics: /more than one/ });
  });
});

describe('transaction-response', () => {
  it("has each entry's status, location and etag in request order", async () => {
    await putPatient('resp-upd');
    await putPatient('resp-del');
    await putPatient('resp-patch');
    const res = await transaction([
      { request: { method: 'GET', url: 'Patient/resp-upd' } },
      { resource: { ...patient('Updated'), id: 'resp-upd' }, request: { method: 'PUT', url: 'Patient/resp-upd' } },
      { fullUrl: urn(), resource: patient('New'), request: { method: 'POST', url: 'Patient' } },
      { request: { method: 'DELETE', url: 'Patient/resp-del' } },
      { resource: { ...patient(), id: 'resp-new' }, request: { method: 'PUT', url: 'Patient/resp-new' } },
      {
        resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify([{ op: 'add', path: '/active', value: true }])).toString('base64') },
        request: { method: 'PATCH', url: 'Patient/resp-patch' },
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    const e = res.body.entry as Json[];
    expect(e).toHaveLength(6);
    // The GET was processed last, so it sees the PUT.
    expect(e[0].response).toMatchObject({ status: '200 OK', etag: 'W/"2"' });
    expect(e[0].resource).toMatchObject({ id: 'resp-upd', name: [{ family: 'Updated' }] });
    expect(e[1].response).toMatchObject({ status: '200 OK', location: 'Patient/resp-upd/_history/2', etag: 'W/"2"' });
    expect(e[2].response).toMatchObject({ status: '201 Created', etag: 'W/"1"' });
    expect(e[2].response.location).toMatch(/^Patient\/[A-Za-z0-9\-.]+\/_history\/1$/);
    expect(e[3].response).toMatchObject({ status: '200 OK', etag: 'W/"2"' });
    expect(e[4].response).toMatchObject({ status: '201 Created', location: 'Patient/resp-new/_history/1', etag: 'W/"1"' });
    expect(e[5].response).toMatchObject({ status: '200 OK', location: 'Patient/resp-patch/_history/2', etag: 'W/"2"' });
    for (const entry of e) expect(Date.parse(entry.response.lastModified ?? new Date().toISOString())).not.toBeNaN();
    expect((await read('Patient/resp-patch')).active).toBe(true);
  });

  it('Prefer: return=representation puts the resources in the entries', async () => {
    const res = await api
      .post('/fhir')
      .set('Content-Type', FHIR_JSON)
      .set('Prefer', 'return=representation')
      .send({ resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: urn(), resource: patient('Rep'), request: { method: 'POST', url: 'Patient' } }] });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].resource).toMatchObject({ resourceType: 'Patient', name: [{ family: 'Rep' }], meta: { versionId: '1' } });
    expect(res.body.entry[0].fullUrl).toBe(`${server.fhirBase}/${refOf(res.body.entry[0].response.location)}`);
    // lastModified is the version's meta.lastUpdated, to the millisecond (not the HTTP date's second).
    expect(res.body.entry[0].response.lastModified).toBe(res.body.entry[0].resource.meta.lastUpdated);
  });
});

describe('batch', () => {
  it('entries succeed or fail independently', async () => {
    await putPatient('batch-1');
    const before = await systemTotal();
    const res = await batch([
      { resource: patient('Batch ok'), request: { method: 'POST', url: 'Patient' } },
      { resource: { ...patient(), id: 'batch-x' }, request: { method: 'PUT', url: 'Patient/batch-y' } },
      { request: { method: 'GET', url: 'Patient/no-such-patient' } },
      { resource: { ...patient(), id: 'batch-1' }, request: { method: 'PUT', url: 'Patient/batch-1', ifMatch: 'W/"9"' } },
      { request: { method: 'GET', url: 'Patient/batch-1' } },
      { request: { method: 'DELETE', url: 'Patient/batch-1' } },
      { request: { method: 'PUT', url: 'Patient/batch-z' } },
      { resource: { ...patient(), shoeSize: 44 }, request: { method: 'POST', url: 'Patient' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    const e = res.body.entry as Json[];
    expect(e.map((x) => x.response.status.slice(0, 3))).toEqual(['201', '400', '404', '412', '200', '200', '400', '422']);
    expectOutcome(e[1].response.outcome, { code: 'invalid', diagnostics: /Bundle\.entry\[1\]/, expression: 'Bundle.entry[1].resource.id' });
    expectOutcome(e[2].response.outcome, { code: 'not-found' });
    expectOutcome(e[3].response.outcome, { code: 'conflict', expression: 'Bundle.entry[3]' });
    expectOutcome(e[7].response.outcome, { code: 'structure', expression: 'Bundle.entry[7].resource.shoeSize' });
    expect(e[4].resource).toMatchObject({ id: 'batch-1' });
    // Batch entries run in order: the GET saw batch-1 before the DELETE.
    expect((await api.get('/fhir/Patient/batch-1')).status).toBe(410);
    expect((await read(refOf(e[0].response.location))).name[0].family).toBe('Batch ok');
    expect(await systemTotal()).toBe(before + 2);
  });

  it('a transaction nested in a batch entry runs as its own transaction', async () => {
    const res = await batch([
      { resource: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient('Nested'), request: { method: 'POST', url: 'Patient' } }] }, request: { method: 'POST', url: '/' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toMatch(/^200/);
  });
});
