/**
 * Access filters at the store (search/types.ts AccessFilter, built by interactions/access-filter.ts
 * from a token's rules): the SQL admits only what the alternatives allow, in the page, the count and
 * the includes, on every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessControlFor } from '../../src/http/access-control.js';
import { accessAlternatives } from '../../src/interactions/access-filter.js';
import { restrictSearch } from '../../src/interactions/access-check.js';
import type { Resource } from '../../src/fhir/types.js';
import { parseSearch } from '../../src/search/parse/parse-query.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';
import { testEngines } from '../helpers/engines.js';

const BASE = 'http://qiao.test/fhir';
const { engines, cleanup } = testEngines();
afterAll(cleanup);

function access(scope: string, patient = 'p1') {
  return accessControlFor({ iss: 'i', aud: BASE, sub: 's', client_id: 'c', scope, jti: 'j', iat: 0, exp: 0, patient });
}

const obs = (id: string, patient: string, category: string, extra: object = {}): Resource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
  code: { text: 'x' },
  subject: { reference: `Patient/${patient}` },
  ...extra,
});

describe('accessAlternatives', () => {
  it('is undefined when the token reaches every resource of the types, [] when none', () => {
    expect(accessAlternatives(access('user/*.rs'), ['Observation', 'Condition'], 's')).toBeUndefined();
    expect(accessAlternatives(access('user/Observation.rs'), ['Condition'], 's')).toEqual([]);
    expect(accessAlternatives(access('patient/*.rs'), ['Practitioner'], 's')).toEqual([]);
    expect(accessAlternatives(access('patient/*.rs', ''), ['Observation'], 's')).toEqual([]);
  });

  it('groups a patient/ scope into one compartment alternative for all its types', () => {
    const alts = accessAlternatives(access('patient/*.rs'), ['Observation', 'Condition', 'Patient'], 's')!;
    expect(alts).toHaveLength(1);
    expect(alts[0].types).toEqual(['Observation', 'Condition', 'Patient']);
    expect(alts[0].compartment).toMatchObject({ type: 'Patient', id: 'p1', includesOwner: true });
  });

  it('drops a restriction the type cannot be searched by, or that is not a plain condition (fail closed)', () => {
    expect(accessAlternatives(access('user/*.rs?category=laboratory'), ['Patient'], 's')).toEqual([]);
    expect(accessAlternatives(access('user/Observation.rs?_count=5'), ['Observation'], 's')).toEqual([]);
    expect(accessAlternatives(access('user/Observation.rs?_sort=date'), ['Observation'], 's')).toEqual([]);
    expect(accessAlternatives(access('user/Observation.rs?category=laboratory'), ['Observation'], 's')![0].conditions).toHaveLength(1);
  });
});

describe.each(engines)('access filters in SQL ($name)', (engine) => {
  let store: ResourceStore;
  beforeAll(async () => {
    if (engine.skip) return;
    store = await openStore(engine.fresh('access'));
    await store.transaction(async (tx) => {
      await tx.write('Patient', 'p1', { resourceType: 'Patient', id: 'p1' }, 'PUT');
      await tx.write('Patient', 'p2', { resourceType: 'Patient', id: 'p2' }, 'PUT');
      await tx.write('Practitioner', 'pr1', { resourceType: 'Practitioner', id: 'pr1' }, 'PUT');
      await tx.write('Observation', 'a', obs('a', 'p1', 'laboratory', { performer: [{ reference: 'Practitioner/pr1' }] }), 'PUT');
      await tx.write('Observation', 'b', obs('b', 'p1', 'vital-signs'), 'PUT');
      // An absolute reference on our own base counts as local for the compartment.
      await tx.write('Observation', 'c', obs('c', 'p1', 'laboratory', { subject: { reference: `${BASE}/Patient/p1` } }), 'PUT');
      await tx.write('Observation', 'd', obs('d', 'p2', 'laboratory', { performer: [{ reference: 'Practitioner/pr1' }] }), 'PUT');
      // Elsewhere, it does not.
      await tx.write('Observation', 'e', obs('e', 'p1', 'laboratory', { subject: { reference: 'http://other.example/fhir/Patient/p1' } }), 'PUT');
    });
  });
  afterAll(() => store?.close());

  async function run(scope: string, types: string[] | undefined, params: [string, string][]) {
    const query = parseSearch(types, params);
    restrictSearch(access(scope), query);
    const page = await store.search({ query, baseUrl: BASE });
    const ids = (list: { type: string; id: string }[]) => list.map((v) => `${v.type}/${v.id}`).sort();
    return { matches: ids(page.matches), included: ids(page.included), total: page.total };
  }

  it.skipIf(engine.skip)('matches and counts only what the alternatives admit', async () => {
    expect(await run('patient/Observation.rs', ['Observation'], [['_total', 'accurate']])).toEqual({
      matches: ['Observation/a', 'Observation/b', 'Observation/c'],
      included: [],
      total: 3,
    });
    expect((await run('patient/Observation.rs?category=laboratory', ['Observation'], [['_summary', 'count']])).total).toBe(2);
    expect((await run('user/Observation.rs?category=laboratory', ['Observation'], [['_summary', 'count']])).total).toBe(4);
    expect((await run('user/Observation.rs', ['Observation'], [['_summary', 'count']])).total).toBe(5);
  });

  it.skipIf(engine.skip)('system search: each type by its own alternatives', async () => {
    const r = await run('patient/Patient.rs patient/Observation.rs?category=vital-signs user/Practitioner.rs', undefined, [['_total', 'accurate']]);
    expect(r.matches).toEqual(['Observation/b', 'Patient/p1', 'Practitioner/pr1']);
    expect(r.total).toBe(3);
  });

  it.skipIf(engine.skip)('includes pass the read filter', async () => {
    const include: [string, string][] = [['_include', 'Observation:performer']];
    expect((await run('user/Observation.rs', ['Observation'], include)).included).toEqual([]);
    expect((await run('user/Observation.rs user/Practitioner.r', ['Observation'], include)).included).toEqual(['Practitioner/pr1']);
    const rev = await run('user/Practitioner.rs patient/Observation.r', ['Practitioner'], [['_revinclude', 'Observation:performer']]);
    expect(rev).toMatchObject({ matches: ['Practitioner/pr1'], included: ['Observation/a'] });
  });
});
