/**
 * Conditional create, update, patch and delete by any search criteria (http.html#ccreate,
 * #cond-update, #cdelete): none, one and many matches; inside transactions too.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { expectOutcome, FHIR_JSON, startTestServer } from '../helpers/server.js';

let server: RunningServer;
let api: ReturnType<typeof request>;

beforeAll(async () => {
  server = await startTestServer();
  api = request(server.url);
});
afterAll(() => server.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let n = 0;
/** A patient with a unique family name (so each test's criteria see only its own data). */
const person = (family: string, extra: Json = {}) => ({ resourceType: 'Patient', name: [{ family }], birthDate: '1970-01-01', ...extra });
const unique = (label: string) => `${label}${++n}x${Date.now().toString(36)}`;
const put = (path: string, body: object) => api.put(`/fhir/${path}`).set('Content-Type', FHIR_JSON).send(body);
const create = (body: object, ifNoneExist?: string) => {
  const r = api.post('/fhir/Patient').set('Content-Type', FHIR_JSON);
  return (ifNoneExist ? r.set('If-None-Exist', ifNoneExist) : r).send(body);
};
const transaction = (entry: Json[]) => api.post('/fhir').set('Content-Type', FHIR_JSON).send({ resourceType: 'Bundle', type: 'transaction', entry });
const idsOf = async (query: string) => ((await api.get(`/fhir/Patient?${query}`)).body.entry ?? []).map((e: Json) => e.resource.id).sort();

describe('conditional create (If-None-Exist) with any search parameters', () => {
  it('matches on name and birthdate together: none creates, one returns the existing, many is 412', async () => {
    const family = unique('Cc');
    const first = await create(person(family), `family=${family}&birthdate=1970-01-01`).expect(201);
    const again = await create(person(family), `family=${family}&birthdate=1970-01-01`).expect(200);
    expect(again.body.id).toBe(first.body.id);
    await create(person(family), `family=${family}&birthdate=1971`).expect(201);
    const many = await create(person(family), `family=${family}`).expect(412);
    expectOutcome(many.body, { code: 'conflict' });
    expect(await idsOf(`family=${family}`)).toHaveLength(2);
  });

  it('refuses unknown parameters and result parameters in criteria, rather than widening the match', async () => {
    const family = unique('Cu');
    const bad = await create(person(family), `family=${family}&no-such-param=1`).expect(400);
    expectOutcome(bad.body, { expression: 'no-such-param' });
    expectOutcome((await create(person(family), `family=${family}&_count=1`).expect(400)).body, { expression: '_count' });
    expect(await idsOf(`family=${family}`)).toEqual([]);
  });
});

describe('conditional update: PUT [type]?criteria', () => {
  it('no match creates; one match updates that resource; several is 412', async () => {
    const family = unique('Cu');
    const created = await put(`Patient?family=${family}`, person(family, { gender: 'male' })).expect(201);
    const id = created.body.id as string;
    const updated = await put(`Patient?family=${family}`, person(family, { gender: 'female' })).expect(200);
    expect(updated.body).toMatchObject({ id, gender: 'female', meta: { versionId: '2' } });
    await create(person(family)).expect(201);
    expectOutcome((await put(`Patient?family=${family}`, person(family)).expect(412)).body, { code: 'conflict' });
  });

  it('with no match, a body id creates that resource; a body id of a resource that does not match is 409', async () => {
    const family = unique('Cid');
    const id = unique('cid');
    await put(`Patient?family=${family}`, { ...person(family), id }).expect(201);
    expect((await api.get(`/fhir/Patient/${id}`).expect(200)).body.name[0].family).toBe(family);
    const other = unique('Other');
    await put(`Patient?family=${other}`, { ...person(other), id }).expect(409);
    expect((await api.get(`/fhir/Patient/${id}`)).body.name[0].family).toBe(family);
  });

  it('a body id that differs from the one match is a 400', async () => {
    const family = unique('Cm');
    await put(`Patient?family=${family}`, person(family)).expect(201);
    const res = await put(`Patient?family=${family}`, { ...person(family), id: 'someone-else' }).expect(400);
    expectOutcome(res.body, { expression: 'Patient.id' });
  });

  it('needs criteria', async () => {
    expectOutcome((await put('Patient', person('X')).expect(400)).body, { diagnostics: /criteria/ });
  });
});

describe('conditional patch and delete', () => {
  it('PATCH [type]?criteria patches the one match; none is 404; several is 412', async () => {
    const family = unique('Cp');
    const { body } = await create(person(family)).expect(201);
    const ops = [{ op: 'replace', path: '/birthDate', value: '1999-09-09' }];
    const patched = await api.patch(`/fhir/Patient?family=${family}`).set('Content-Type', 'application/json-patch+json').send(ops).expect(200);
    expect(patched.body).toMatchObject({ id: body.id, birthDate: '1999-09-09' });
    await api.patch(`/fhir/Patient?family=${unique('none')}`).set('Content-Type', 'application/json-patch+json').send(ops).expect(404);
    await create(person(family)).expect(201);
    await api.patch(`/fhir/Patient?family=${family}`).set('Content-Type', 'application/json-patch+json').send(ops).expect(412);
  });

  it('DELETE [type]?criteria deletes the one match; none deletes nothing; several is 412 and deletes nothing', async () => {
    const family = unique('Cd');
    await create(person(family, { gender: 'male' })).expect(201);
    await create(person(family, { gender: 'female' })).expect(201);
    await api.delete(`/fhir/Patient?family=${family}`).expect(412);
    expect(await idsOf(`family=${family}`)).toHaveLength(2);
    await api.delete(`/fhir/Patient?family=${family}&gender=male`).expect(200);
    expect(await idsOf(`family=${family}`)).toHaveLength(1);
    const none = await api.delete(`/fhir/Patient?family=${family}&gender=male`).expect(200);
    expectOutcome(none.body, { severity: 'information', diagnostics: /nothing was deleted/ });
  });
});

describe('conditional entries in a transaction', () => {
  it('resolves a conditional update before other entries, so references to its fullUrl point at the match', async () => {
    const family = unique('Ct');
    const { body: existing } = await create(person(family)).expect(201);
    const res = await transaction([
      { fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: person(family, { gender: 'other' }), request: { method: 'PUT', url: `Patient?family=${family}` } },
      {
        resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' } },
        request: { method: 'POST', url: 'Observation' },
      },
      { request: { method: 'DELETE', url: `Patient?family=${unique('nobody')}` } },
    ]).expect(200);
    expect(res.body.entry[0].response.status).toMatch(/^200/);
    const obs = (await api.get(`/fhir/${res.body.entry[1].response.location.split('/_history')[0]}`)).body;
    expect(obs.subject.reference).toBe(`Patient/${existing.id}`);
    expect((await api.get(`/fhir/Patient/${existing.id}`)).body.gender).toBe('other');
  });

  it('a conditional update matching several fails the whole transaction with 412', async () => {
    const family = unique('Ctm');
    await create(person(family)).expect(201);
    await create(person(family)).expect(201);
    const res = await transaction([
      { resource: person(unique('New')), request: { method: 'POST', url: 'Patient' } },
      { resource: person(family), request: { method: 'PUT', url: `Patient?family=${family}` } },
    ]);
    expect(res.status).toBe(412);
    expectOutcome(res.body, { diagnostics: /entry\[1\]/ });
  });
});
