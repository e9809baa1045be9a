/**
 * Search over HL7's official R4 examples (hl7.fhir.r4.examples@4.0.1): every example of a clinical
 * subset of types is PUT with its id into one server, then the queries of examples-queries.ts run and
 * their answers (all pages, following `next`) are compared with answers computed in plain JS from the
 * same example JSON. Examples the server rejects are left out of the expected answers too (whether
 * they should be rejected is examples-roundtrip.test.ts's concern), and listed in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../src/fhir/definitions.js';
import type { RunningServer } from '../../src/main.js';
import { startTestServer } from '../helpers/server.js';
import { CASES, key, type Examples, type Json } from './examples-queries.js';
import { fhir, link, searchBundle } from './http/helpers.js';

const TYPES = [
  'Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'Observation', 'Condition', 'Encounter', 'MedicationRequest', 'Medication',
  'Procedure', 'AllergyIntolerance', 'DiagnosticReport', 'Location', 'Group', 'Immunization', 'RelatedPerson', 'Specimen', 'CarePlan',
  'RiskAssessment', 'Questionnaire',
];

let server: RunningServer;
const loaded = new Map<string, Json>();
const rejected: string[] = [];
const ex: Examples = {
  of: (type) => [...loaded.values()].filter((r) => r.resourceType === type),
  get: (ref) => (ref ? loaded.get(ref) : undefined),
};

beforeAll(async () => {
  server = await startTestServer();
  for (const type of TYPES) {
    for (const { file, resource } of definitions().packageResources(type)) {
      const r = resource as Json;
      if (!r.id) continue;
      const res = await fhir(server, `${type}/${encodeURIComponent(r.id)}`, { method: 'PUT', body: r });
      if (res.status === 200 || res.status === 201) loaded.set(key(r), r);
      else rejected.push(`${file}: ${res.status}`);
    }
  }
  console.log(`search over examples: ${loaded.size} loaded, ${rejected.length} rejected ${JSON.stringify(rejected)}`);
}, 300_000);
afterAll(() => server?.close());

interface Collected {
  matches: string[];
  included: string[];
  pages: number;
  total?: number;
}

/** Runs a search and follows every `next` link; matches must not repeat across pages. */
async function searchAll(query: string, count = 7): Promise<Collected> {
  const sep = query.includes('?') ? '&' : '?';
  let bundle = await searchBundle(server, /[?&]_count=/.test(query) ? query : `${query}${sep}_count=${count}`);
  const out: Collected = { matches: [], included: [], pages: 0, total: bundle.total as number | undefined };
  const included = new Set<string>();
  for (;;) {
    out.pages++;
    for (const e of (bundle.entry ?? []) as Json[]) {
      const k = key(e.resource);
      if (e.search?.mode === 'include') included.add(k);
      else out.matches.push(k);
    }
    const next = link(bundle, 'next');
    if (!next || out.pages > 200) break;
    bundle = await searchBundle(server, next);
  }
  out.included = [...included].sort();
  return out;
}

const sorted = (xs: string[]) => [...xs].sort();

describe('search over the official R4 examples', () => {
  it('loaded a large enough subset', () => {
    expect(loaded.size).toBeGreaterThan(250);
    for (const type of ['Patient', 'Observation', 'Condition', 'MedicationRequest']) expect(ex.of(type).length, type).toBeGreaterThan(5);
  });

  it.each(CASES.map((c) => [c.query, c] as const))('%s', async (_q, c) => {
    const expected = sorted(c.matches(ex));
    if (!c.empty) expect(expected.length, 'the expected answer is not vacuous').toBeGreaterThan(0);
    const got = await searchAll(c.query);
    expect(got.matches.length - new Set(got.matches).size, `duplicate matches across pages: ${got.matches}`).toBe(0);
    expect(sorted(got.matches)).toEqual(expected);
    if (c.included) {
      const includes = sorted(c.included(ex));
      expect(includes.length, 'the expected includes are not vacuous').toBeGreaterThan(0);
      // An included resource that is also a match may appear as either; the includes must cover the rest.
      expect(got.included.filter((k) => !expected.includes(k))).toEqual(includes.filter((k) => !expected.includes(k)));
    } else {
      expect(got.included).toEqual([]);
    }
  });

  it('_sort=birthdate and _sort=-birthdate order every page, across pages', async () => {
    const withBirthDate = ex.of('Patient').filter((p) => p.birthDate && p.birthDate >= '1900');
    for (const [sort, dir] of [['birthdate', 1], ['-birthdate', -1]] as const) {
      const got = await searchAll(`Patient?birthdate=ge1900&_sort=${sort}`, 4);
      expect(sorted(got.matches)).toEqual(sorted(withBirthDate.map(key)));
      const dates = got.matches.map((k) => ex.get(k)!.birthDate as string);
      const ordered = [...dates].sort((a, b) => (a < b ? -dir : a > b ? dir : 0));
      expect(dates, `${sort}: ${got.matches.join(' ')}`).toEqual(ordered);
    }
  });

  it('_sort=_id orders Observations by id, ascending and descending', async () => {
    const all = ex.of('Observation').map((o) => o.id as string);
    const asc = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const up = await searchAll('Observation?_sort=_id', 10);
    expect(up.matches).toEqual(asc.map((id) => `Observation/${id}`));
    const down = await searchAll('Observation?_sort=-_id', 10);
    expect(down.matches).toEqual([...asc].reverse().map((id) => `Observation/${id}`));
  });

  it('_summary=count returns the total of all pages and no entries', async () => {
    const expected = ex.of('Observation').filter((o) => o.subject?.reference === 'Patient/example').length;
    expect(expected).toBeGreaterThan(20);
    const bundle = await searchBundle(server, 'Observation?subject=Patient/example&_summary=count');
    expect(bundle.total).toBe(expected);
    expect(bundle.entry ?? []).toEqual([]);
  });

  it('_total=accurate gives the full count on a small page, and the pages add up to it', async () => {
    const expected = ex.of('MedicationRequest').filter((m) => m.status === 'active').length;
    const got = await searchAll('MedicationRequest?status=active&_total=accurate', 5);
    expect(got.total).toBe(expected);
    expect(got.matches.length).toBe(expected);
    expect(got.pages).toBe(Math.ceil(expected / 5));
  });

  it('_count=0 with _total=accurate: the total, no entries', async () => {
    const bundle = await searchBundle(server, 'Condition?_count=0&_total=accurate');
    expect(bundle.total).toBe(ex.of('Condition').length);
    expect(bundle.entry ?? []).toEqual([]);
  });
});
