/**
 * Compartment search (search.html#compartments) and Patient/[id]/$everything, on handcrafted data:
 * membership follows the official Patient CompartmentDefinition (Observation by subject or performer,
 * Encounter by patient, ...); $everything adds the patient and what the members refer to, and pages.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { expectOutcome, FHIR_JSON, startTestServer } from '../helpers/server.js';

let server: RunningServer;
let api: ReturnType<typeof request>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const put = (r: Json) =>
  api
    .put(`/fhir/${r.resourceType}/${r.id}`)
    .set('Content-Type', FHIR_JSON)
    .send(r)
    .expect((res) => expect(res.status, JSON.stringify(res.body)).toBeLessThan(300));
const obs = (id: string, extra: Json) => ({ resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, ...extra });
const keys = (b: Json) => (b.entry ?? []).map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`).sort();

beforeAll(async () => {
  server = await startTestServer();
  api = request(server.url);
  await put({ resourceType: 'Practitioner', id: 'doc' });
  await put({ resourceType: 'Organization', id: 'org', name: 'Org' });
  await put({ resourceType: 'Patient', id: 'ann', managingOrganization: { reference: 'Organization/org' } });
  await put({ resourceType: 'Patient', id: 'bob' });
  await put(obs('o-subject', { subject: { reference: 'Patient/ann' }, performer: [{ reference: 'Practitioner/doc' }] }));
  await put(obs('o-performer', { subject: { reference: 'Patient/bob' }, performer: [{ reference: 'Patient/ann' }] }));
  await put(obs('o-bob', { subject: { reference: 'Patient/bob' } }));
  await put(obs('o-focus', { focus: [{ reference: 'Patient/ann' }] })); // focus is not a membership parameter
  await put({ resourceType: 'Encounter', id: 'e-ann', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/ann' } });
  await put({ resourceType: 'Condition', id: 'c-ann', subject: { reference: 'Patient/ann' }, code: { text: 'x' } });
  await put({ resourceType: 'Condition', id: 'c-gone', subject: { reference: 'Patient/ann' }, code: { text: 'x' } });
  await api.delete('/fhir/Condition/c-gone').expect(200);
});
afterAll(() => server.close());

describe('compartment search: GET Patient/[id]/[type]', () => {
  it('finds the members of the type by every membership parameter, and nothing else', async () => {
    expect(keys((await api.get('/fhir/Patient/ann/Observation').expect(200)).body)).toEqual(['Observation/o-performer', 'Observation/o-subject']);
    expect(keys((await api.get('/fhir/Patient/bob/Observation').expect(200)).body)).toEqual(['Observation/o-bob', 'Observation/o-performer']);
    expect(keys((await api.get('/fhir/Patient/ann/Condition').expect(200)).body)).toEqual(['Condition/c-ann']);
  });

  it('combines with ordinary search parameters and pages with links on the compartment URL', async () => {
    const res = await api.get('/fhir/Patient/ann/Observation?code=http://loinc.org|8867-4&_count=1').expect(200);
    expect(res.body.entry).toHaveLength(1);
    const next = res.body.link.find((l: Json) => l.relation === 'next').url as string;
    expect(next).toContain('/fhir/Patient/ann/Observation?');
    const second = await api.get(next.slice(next.indexOf('/fhir'))).expect(200);
    expect([...keys(res.body), ...keys(second.body)].sort()).toEqual(['Observation/o-performer', 'Observation/o-subject']);
    expect(keys((await api.get('/fhir/Patient/ann/Observation?code=http://loinc.org|0000-0').expect(200)).body)).toEqual([]);
  });

  it('Patient/[id]/* searches every type in the compartment, the patient included', async () => {
    const res = await api.get('/fhir/Patient/ann/*').expect(200);
    expect(keys(res.body)).toEqual(['Condition/c-ann', 'Encounter/e-ann', 'Observation/o-performer', 'Observation/o-subject', 'Patient/ann']);
  });

  it('a type outside the compartment, or a type with no compartment, is a 400', async () => {
    expectOutcome((await api.get('/fhir/Patient/ann/Organization').expect(400)).body, { diagnostics: /not in the Patient compartment/ });
    expectOutcome((await api.get('/fhir/Observation/o-bob/Patient').expect(400)).body, { diagnostics: /no compartment/ });
    await api.get('/fhir/Patient/ann/NotAType').expect(404);
  });
});

describe('Patient/[id]/$everything', () => {
  it('returns the patient, the compartment and what it refers to (mode include)', async () => {
    const res = await api.get('/fhir/Patient/ann/$everything').expect(200);
    const entries = res.body.entry as Json[];
    const by = (mode: string) => entries.filter((e) => e.search.mode === mode).map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort();
    expect(by('match')).toEqual(['Condition/c-ann', 'Encounter/e-ann', 'Observation/o-performer', 'Observation/o-subject', 'Patient/ann']);
    expect(by('include')).toEqual(['Organization/org', 'Patient/bob', 'Practitioner/doc']);
  });

  it('pages with _count: following next links returns every member exactly once', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/fhir/Patient/ann/$everything?_count=2';
    let pages = 0;
    while (url) {
      const res: Json = await api.get(url).expect(200);
      seen.push(...(res.body.entry as Json[]).filter((e) => e.search.mode === 'match').map((e) => `${e.resource.resourceType}/${e.resource.id}`));
      const next: Json | undefined = (res.body.link as Json[]).find((l) => l.relation === 'next');
      url = next ? next.url.slice(next.url.indexOf('/fhir')) : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['Condition/c-ann', 'Encounter/e-ann', 'Observation/o-performer', 'Observation/o-subject', 'Patient/ann']);
  });

  it('_type limits the types (also on the next page); _since keeps recent changes', async () => {
    const first = await api.get('/fhir/Patient/ann/$everything?_type=Observation&_count=1').expect(200);
    const next = (first.body.link as Json[]).find((l) => l.relation === 'next')!.url as string;
    const second = await api.get(next.slice(next.indexOf('/fhir'))).expect(200);
    const matches = (b: Json) => (b.entry as Json[]).filter((e) => e.search.mode === 'match').map((e) => e.resource.id);
    expect([...matches(first.body), ...matches(second.body)].sort()).toEqual(['o-performer', 'o-subject']);

    const since = new Date(Date.now() + 1).toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await put({ resourceType: 'Condition', id: 'c-late', subject: { reference: 'Patient/ann' }, code: { text: 'y' } });
    const recent = await api.get(`/fhir/Patient/ann/$everything?_since=${encodeURIComponent(since)}`).expect(200);
    expect(matches(recent.body)).toEqual(['c-late']);
  });

  it('POST with Parameters works too; unknown patients are 404; start/end are refused, not ignored', async () => {
    const res = await api
      .post('/fhir/Patient/bob/$everything')
      .set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Parameters', parameter: [{ name: '_type', valueCode: 'Observation' }] })
      .expect(200);
    expect(keys(res.body).filter((k: string) => k.startsWith('Observation/'))).toEqual(['Observation/o-bob', 'Observation/o-performer']);
    await api.get('/fhir/Patient/nobody/$everything').expect(404);
    expectOutcome((await api.get('/fhir/Patient/ann/$everything?start=2020-01-01').expect(400)).body, { expression: 'start' });
    await api.get('/fhir/Patient/$everything').expect(404);
  });
});

describe('links to other servers are not ours', () => {
  it('a reference to another server is no compartment membership, include or revinclude', async () => {
    await put(obs('o-foreign', { subject: { reference: 'http://other.example.org/fhir/Patient/ann' } }));
    expect(keys((await api.get('/fhir/Patient/ann/Observation').expect(200)).body)).toEqual(['Observation/o-performer', 'Observation/o-subject']);
    const included = (await api.get('/fhir/Observation?_id=o-foreign&_include=Observation:subject').expect(200)).body;
    expect(keys(included)).toEqual(['Observation/o-foreign']);
    const revincluded = (await api.get('/fhir/Patient?_id=ann&_revinclude=Observation:subject').expect(200)).body;
    expect(keys(revincluded)).toEqual(['Observation/o-subject', 'Patient/ann']);
    // The same reference written as an absolute URL on our own base is ours.
    await put(obs('o-own-base', { subject: { reference: `${server.fhirBase}/Patient/ann` } }));
    expect(keys((await api.get('/fhir/Patient/ann/Observation').expect(200)).body)).toContain('Observation/o-own-base');
    expect(keys((await api.get('/fhir/Observation?_id=o-own-base&_include=Observation:subject').expect(200)).body)).toEqual(['Observation/o-own-base', 'Patient/ann']);
  });
});
