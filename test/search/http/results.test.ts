/**
 * Result parameters over HTTP (search.html#include, #sort, #summary, #elements): _include and
 * _revinclude (with :iterate, `*` and target types) marked search.mode include; _sort by several
 * keys and `-`, resources lacking the value last; _summary true/text/data/count/false; _elements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { fhir, ids, includedIds, load, orderedIds, searchBundle, type Json } from './helpers.js';

let server: RunningServer;

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const ref = (reference: string) => ({ reference });
const sortTag = { meta: { tag: [{ system: 'urn:t', code: 'sort' }] } };
const patient = (id: string, family: string | undefined, birthDate: string | undefined, extra: Json = {}): Json => ({
  resourceType: 'Patient',
  id,
  ...sortTag,
  ...(family ? { name: [{ family }] } : {}),
  ...(birthDate ? { birthDate } : {}),
  ...extra,
});
const obs = (id: string, extra: Json): Json => ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, ...extra });

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    { resourceType: 'Organization', id: 'rorg-parent', name: 'Parent' },
    { resourceType: 'Organization', id: 'rorg', name: 'Child', partOf: ref('Organization/rorg-parent') },
    { resourceType: 'Organization', id: 'rgone', name: 'Gone' },
    { resourceType: 'Practitioner', id: 'rg1', name: [{ family: 'Grey' }] },
    patient('rp1', 'Adams', '1990-01-01', {
      generalPractitioner: [ref('Practitioner/rg1')],
      managingOrganization: ref('Organization/rorg'),
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Adams</div>' },
      communication: [{ language: { text: 'English' } }],
    }),
    patient('rp2', 'Baker', '1980-01-01', { managingOrganization: ref('Organization/rgone') }),
    patient('rp3', 'Adams', '1985-01-01'),
    patient('rp4', 'Clark', undefined),
    patient('rp5', undefined, '1970-01-01'),
    obs('ro1', { subject: ref('Patient/rp1'), performer: [ref('Practitioner/rg1')] }),
    obs('ro2', { subject: ref('Patient/rp2') }),
    obs('ro3', { subject: ref('Patient/rp1') }),
    {
      resourceType: 'Provenance',
      id: 'prov1',
      target: [ref('Observation/ro1')],
      recorded: '2024-01-01T00:00:00Z',
      agent: [{ who: ref('Practitioner/rg1') }],
    },
  ]);
  expect((await fhir(server, 'Organization/rgone', { method: 'DELETE' })).status).toBeLessThan(300);
});
afterAll(() => server.close());

describe('_include and _revinclude', () => {
  const cases: [query: string, matches: string[], included: string[]][] = [
    ['Observation?_id=ro1&_include=Observation:subject', ['ro1'], ['Patient/rp1']],
    ['Observation?_id=ro1&_include=Observation:subject:Patient', ['ro1'], ['Patient/rp1']],
    ['Observation?_id=ro1&_include=Observation:subject:Group', ['ro1'], []],
    ['Observation?_id=ro1&_include=Observation:performer:Practitioner', ['ro1'], ['Practitioner/rg1']],
    ['Observation?_id=ro1&_include=Observation:*', ['ro1'], ['Patient/rp1', 'Practitioner/rg1']],
    ['Observation?_id=ro1&_include=Observation:subject,Observation:performer', ['ro1'], ['Patient/rp1', 'Practitioner/rg1']],
    // Each resource once, even when several matches refer to it.
    ['Observation?_id=ro1,ro3&_include=Observation:subject', ['ro1', 'ro3'], ['Patient/rp1']],
    // Without :iterate a clause applies to the matches only.
    ['Observation?_id=ro1&_include=Observation:subject&_include=Patient:organization', ['ro1'], ['Patient/rp1']],
    ['Observation?_id=ro1&_include=Observation:subject&_include:iterate=Patient:organization', ['ro1'], ['Organization/rorg', 'Patient/rp1']],
    [
      'Observation?_id=ro1&_include=Observation:subject&_include:iterate=Patient:organization&_include:iterate=Organization:partof',
      ['ro1'],
      ['Organization/rorg', 'Organization/rorg-parent', 'Patient/rp1'],
    ],
    // A deleted target is not included.
    ['Patient?_id=rp2&_include=Patient:organization', ['rp2'], []],
    ['Patient?_id=rp1&_revinclude=Observation:subject', ['rp1'], ['Observation/ro1', 'Observation/ro3']],
    ['Patient?_id=rp1&_revinclude=Observation:subject&_revinclude=Provenance:target', ['rp1'], ['Observation/ro1', 'Observation/ro3']],
    ['Patient?_id=rp1&_revinclude=Observation:subject&_revinclude:iterate=Provenance:target', ['rp1'], ['Observation/ro1', 'Observation/ro3', 'Provenance/prov1']],
    ['Patient?_id=rp1,rp2&_revinclude=Observation:*', ['rp1', 'rp2'], ['Observation/ro1', 'Observation/ro2', 'Observation/ro3']],
    ['Practitioner?_id=rg1&_revinclude=Patient:general-practitioner', ['rg1'], ['Patient/rp1']],
    ['Patient?_id=rp1&_revinclude=Observation:subject&_include=Patient:general-practitioner', ['rp1'], ['Observation/ro1', 'Observation/ro3', 'Practitioner/rg1']],
  ];
  it.each(cases)('%s', async (query, matches, included) => {
    const bundle = await searchBundle(server, query);
    expect(ids(bundle)).toEqual(matches);
    expect(includedIds(bundle)).toEqual(included);
    for (const e of bundle.entry as Json[]) expect(['match', 'include']).toContain(e.search.mode);
    expect((bundle.entry as Json[]).every((e) => e.fullUrl === `${server.fhirBase}/${e.resource.resourceType}/${e.resource.id}`)).toBe(true);
  });

  it('matches come before includes, and the total counts matches only', async () => {
    const bundle = await searchBundle(server, 'Patient?_id=rp1&_revinclude=Observation:subject&_total=accurate');
    expect(bundle.total).toBe(1);
    expect((bundle.entry as Json[]).map((e) => e.search.mode)).toEqual(['match', 'include', 'include']);
  });
});

describe('_sort', () => {
  const cases: [query: string, order: string[]][] = [
    ['Patient?_tag=sort&_sort=family', ['rp1', 'rp3', 'rp2', 'rp4', 'rp5']],
    ['Patient?_tag=sort&_sort=-family', ['rp4', 'rp2', 'rp1', 'rp3', 'rp5']],
    ['Patient?_tag=sort&_sort=family,-birthdate', ['rp1', 'rp3', 'rp2', 'rp4', 'rp5']],
    ['Patient?_tag=sort&_sort=family,birthdate', ['rp3', 'rp1', 'rp2', 'rp4', 'rp5']],
    ['Patient?_tag=sort&_sort=birthdate', ['rp5', 'rp2', 'rp3', 'rp1', 'rp4']],
    ['Patient?_tag=sort&_sort=-birthdate', ['rp1', 'rp3', 'rp2', 'rp5', 'rp4']],
    ['Patient?_tag=sort&_sort=-_id', ['rp5', 'rp4', 'rp3', 'rp2', 'rp1']],
    // Organization/rgone sorts before Organization/rorg; those without one follow, by family.
    ['Patient?_tag=sort&_sort=organization,family', ['rp2', 'rp1', 'rp3', 'rp4', 'rp5']],
    // Paged through two at a time, the order holds across pages, missing values last.
    ['Patient?_tag=sort&_sort=-birthdate&_count=2', ['rp1', 'rp3', 'rp2', 'rp5', 'rp4']],
    ['Patient?_tag=sort&_sort=family,-birthdate&_count=2', ['rp1', 'rp3', 'rp2', 'rp4', 'rp5']],
  ];
  it.each(cases)('%s', async (query, order) => {
    if (!query.includes('_count=')) {
      expect(await orderedIds(server, query)).toEqual(order);
      return;
    }
    const seen: string[] = [];
    let url: string | undefined = query;
    while (url) {
      const bundle = await searchBundle(server, url);
      seen.push(...((bundle.entry ?? []) as Json[]).map((e) => e.resource.id as string));
      url = ((bundle.link ?? []) as Json[]).find((l) => l.relation === 'next')?.url;
    }
    expect(seen).toEqual(order);
  });
});

describe('_summary and _elements', () => {
  const one = async (query: string) => (await searchBundle(server, query)).entry[0].resource as Json;

  it('_summary=true keeps summary elements only, marked SUBSETTED', async () => {
    const r = await one('Patient?_id=rp1&_summary=true');
    expect(r).toMatchObject({ resourceType: 'Patient', id: 'rp1', name: [{ family: 'Adams' }], birthDate: '1990-01-01' });
    expect(r.text).toBeUndefined();
    expect(r.communication).toBeUndefined();
    expect(r.meta.tag).toContainEqual(SUBSETTED);
  });

  it('_summary=text keeps text, id, meta and mandatory elements', async () => {
    const r = await one('Patient?_id=rp1&_summary=text');
    expect(r.text.div).toContain('Adams');
    expect(r.name).toBeUndefined();
    expect(r.meta.tag).toContainEqual(SUBSETTED);
  });

  it('_summary=data drops the text only', async () => {
    const r = await one('Patient?_id=rp1&_summary=data');
    expect(r.text).toBeUndefined();
    expect(r.communication).toEqual([{ language: { text: 'English' } }]);
    expect(r.meta.tag).toContainEqual(SUBSETTED);
  });

  it('_summary=false returns the whole resource, not marked', async () => {
    const r = await one('Patient?_id=rp1&_summary=false');
    expect(r.text.div).toContain('Adams');
    expect(r.communication).toBeDefined();
    expect(r.meta.tag ?? []).not.toContainEqual(SUBSETTED);
  });

  it('_summary=count returns the total and no entries', async () => {
    const bundle = await searchBundle(server, 'Patient?_tag=sort&_summary=count');
    expect(bundle.total).toBe(5);
    expect(bundle.entry).toBeUndefined();
  });

  it('_elements keeps the named elements (and id, meta), marked SUBSETTED', async () => {
    const r = await one('Patient?_id=rp1&_elements=name,gender');
    expect(Object.keys(r).sort()).toEqual(['id', 'meta', 'name', 'resourceType']);
    expect(r.meta.tag).toContainEqual(SUBSETTED);
  });
});
