/**
 * SMART scopes on writes (issue 5): create, update, patch and delete (also conditional) need the type
 * granted, and under patient/ or restricted scopes the resource inside the grant before and after the
 * write; a refused write stores nothing. Transactions refuse as a whole, batches entry by entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { condition, expectForbidden, observation, startFixture, type Fixture, type Json } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.close());

/** How many Observations refer to `patient`, counted by an unrestricted client. */
async function observationsOf(patient: string): Promise<number> {
  return (await f.admin.get(`Observation?subject=Patient/${patient}&_summary=count`)).body.total as number;
}

describe('create', () => {
  it.each<[scope: string, patient: string, category: 'laboratory' | 'vital-signs', status: number]>([
    ['patient/Observation.c', 'p1', 'laboratory', 201],
    ['patient/Observation.c', 'p2', 'laboratory', 403],
    ['patient/Observation.crus', 'p2', 'laboratory', 403],
    ['patient/*.write', 'p1', 'vital-signs', 201],
    ['patient/*.read', 'p1', 'laboratory', 403],
    ['patient/Observation.c?category=laboratory', 'p1', 'laboratory', 201],
    ['patient/Observation.c?category=laboratory', 'p1', 'vital-signs', 403],
    ['patient/Condition.c', 'p1', 'laboratory', 403],
    ['user/Observation.c', 'p2', 'laboratory', 201],
    ['system/*.write', 'p2', 'vital-signs', 201],
  ])('%s: POST Observation for %s (%s) -> %i', async (scope, patient, category, status) => {
    const before = await observationsOf(patient);
    const reply = await f.as(scope).send('POST', 'Observation', observation(undefined, patient, category));
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    if (status === 403) expectForbidden(reply, /create of Observation/);
    expect(await observationsOf(patient)).toBe(before + (status === 201 ? 1 : 0));
  });

  it('a conditional create returns a match only when the token may read it', async () => {
    const reply = await f.as('patient/Observation.cr').send('POST', 'Observation', observation(undefined, 'p2', 'laboratory'));
    expectForbidden(reply);
    const res = await fetch(`${f.secured.server.fhirBase}/Observation`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await f.secured.token('patient/Observation.c', { patient: 'p1' })}`,
        'Content-Type': 'application/fhir+json',
        'If-None-Exist': '_id=o2-lab',
      },
      body: JSON.stringify(observation(undefined, 'p1', 'laboratory')),
    });
    expect(res.status).toBe(403);
  });
});

describe('update, patch and delete', () => {
  it('updates inside the compartment; refuses another patient’s resource and moving one out', async () => {
    const mine = f.as('patient/Observation.rus');
    const lab = (await mine.get('Observation/o1-lab')).body;
    expect((await mine.send('PUT', 'Observation/o1-lab', { ...lab, status: 'amended' })).status).toBe(200);
    const other = (await f.admin.get('Observation/o2-lab')).body;
    expectForbidden(await mine.send('PUT', 'Observation/o2-lab', { ...other, status: 'amended' }), /update of Observation/);
    const moved = await mine.send('PUT', 'Observation/o1-lab', { ...lab, subject: { reference: 'Patient/p2' } });
    expectForbidden(moved);
    expect((await f.admin.get('Observation/o1-lab')).body.subject.reference).toBe('Patient/p1');
    expect((await f.admin.get('Observation/o2-lab')).body.status).toBe('final');
  });

  it('an update that creates is a create', async () => {
    const body = observation('new-by-put', 'p1', 'laboratory');
    expectForbidden(await f.as('patient/Observation.u').send('PUT', 'Observation/new-by-put', body));
    expect((await f.admin.get('Observation/new-by-put')).status).toBe(404);
    expect((await f.as('patient/Observation.cu').send('PUT', 'Observation/new-by-put', body)).status).toBe(201);
    expectForbidden(await f.as('patient/Observation.cu').send('PUT', 'Observation/new-for-p2', observation('new-for-p2', 'p2', 'laboratory')));
    expect((await f.admin.get('Observation/new-for-p2')).status).toBe(404);
  });

  it('patch: the resource must be in the grant before and after', async () => {
    const json = 'application/json-patch+json';
    const mine = f.as('patient/Observation.u');
    expect((await mine.send('PATCH', 'Observation/o1-vital', [{ op: 'replace', path: '/status', value: 'amended' }], json)).status).toBe(200);
    expectForbidden(await mine.send('PATCH', 'Observation/o2-lab', [{ op: 'replace', path: '/status', value: 'amended' }], json));
    expectForbidden(await mine.send('PATCH', 'Observation/o1-vital', [{ op: 'replace', path: '/subject/reference', value: 'Patient/p2' }], json));
    expect((await f.admin.get('Observation/o1-vital')).body.subject.reference).toBe('Patient/p1');
  });

  it('delete: only inside the grant; a type without delete is a 403 even when nothing matches', async () => {
    const extra = await f.admin.send('POST', 'Condition', condition(undefined, 'p1'));
    const id = extra.body.id as string;
    expectForbidden(await f.as('patient/Condition.d').send('DELETE', 'Condition/c2'));
    expect((await f.admin.get('Condition/c2')).status).toBe(200);
    expectForbidden(await f.as('patient/Condition.rs').send('DELETE', `Condition/${id}`));
    expectForbidden(await f.as('patient/Observation.d').send('DELETE', 'Condition?code:text=nothing-matches'));
    expect((await f.as('patient/Condition.d').send('DELETE', `Condition/${id}`)).status).toBe(200);
  });

  it('conditional update and delete check the resource they resolve to', async () => {
    expectForbidden(await f.as('patient/Condition.d').send('DELETE', 'Condition?_id=c2'));
    expect((await f.admin.get('Condition/c2')).status).toBe(200);
    const c2 = (await f.admin.get('Condition/c2')).body;
    expectForbidden(await f.as('patient/Condition.cu').send('PUT', 'Condition?_id=c2', { ...c2, id: undefined }));
  });
});

describe('Bundles', () => {
  const entry = (resource: Json, method = 'POST', url: string = resource.resourceType) => ({ resource, request: { method, url } });

  it('a transaction with one forbidden entry is refused whole, and nothing is written', async () => {
    const before = [await observationsOf('p1'), await observationsOf('p2')];
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [entry(observation(undefined, 'p1', 'laboratory')), entry(observation(undefined, 'p2', 'laboratory'))],
    };
    const reply = await f.as('patient/Observation.crus').send('POST', '', bundle);
    expectForbidden(reply);
    expect(reply.body.issue[0].diagnostics).toMatch(/Bundle.entry\[1\]/);
    expect([await observationsOf('p1'), await observationsOf('p2')]).toEqual(before);
    const reads = { resourceType: 'Bundle', type: 'transaction', entry: [entry(observation(undefined, 'p1', 'laboratory')), { request: { method: 'GET', url: 'Condition/c1' } }] };
    expectForbidden(await f.as('patient/Observation.crus').send('POST', '', reads));
    expect(await observationsOf('p1')).toBe(before[0]);
    const ok = await f.as('patient/Observation.crus').send('POST', '', { ...bundle, entry: [bundle.entry[0]] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await observationsOf('p1')).toBe(before[0] + 1);
  });

  it('a batch fails only the forbidden entries', async () => {
    const before = [await observationsOf('p1'), await observationsOf('p2')];
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        entry(observation(undefined, 'p1', 'laboratory')),
        entry(observation(undefined, 'p2', 'laboratory')),
        { request: { method: 'GET', url: 'Observation/o2-lab' } },
        { request: { method: 'GET', url: 'Observation?_summary=count' } },
        { request: { method: 'DELETE', url: 'Condition/c2' } },
      ],
    };
    const reply = await f.as('patient/Observation.crus').send('POST', '', bundle);
    expect(reply.status).toBe(200);
    const statuses = (reply.body.entry as Json[]).map((e) => e.response.status);
    expect(statuses).toEqual(['201 Created', '403 Forbidden', '403 Forbidden', '200 OK', '403 Forbidden']);
    expect(reply.body.entry[1].response.outcome.issue[0].code).toBe('forbidden');
    expect([await observationsOf('p1'), await observationsOf('p2')]).toEqual([before[0] + 1, before[1]]);
  });
});
