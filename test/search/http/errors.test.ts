/**
 * Search errors over HTTP (search.html#errors): unknown parameters are ignored (and left out of the
 * self link) unless the client sends `Prefer: handling=strict`, then they are a 400; malformed values,
 * unknown prefixes and unknown modifiers are always a 400 whose OperationOutcome names the parameter.
 * Nothing a client sends is ever a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { expectNoStackTrace, startTestServer } from '../../helpers/server.js';
import { expectRejected, fhir, link, linkParams, load, searchBundle, searchIds } from './helpers.js';

let server: RunningServer;
const STRICT = { prefer: 'handling=strict' };

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    { resourceType: 'Patient', id: 'pe1', name: [{ family: 'Error' }], birthDate: '1980-01-01' },
    { resourceType: 'Observation', id: 'oe1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pe1' } },
  ]);
});
afterAll(() => server.close());

describe('unknown parameters', () => {
  it('are ignored, and left out of the self link', async () => {
    const bundle = await searchBundle(server, 'Patient?no-such-param=1&family=error&_sort=nope');
    expect(((bundle.entry ?? []) as { resource: { id: string } }[]).map((e) => e.resource.id)).toEqual(['pe1']);
    expect(linkParams(link(bundle, 'self')!)).toEqual([['family', 'error']]);
    expect(await searchIds(server, 'Observation?subject.no-such-param=1')).toEqual(['oe1']);
  });

  it('are ignored with Prefer: handling=lenient', async () => {
    expect((await fhir(server, 'Patient?no-such-param=1', { headers: { prefer: 'handling=lenient' } })).status).toBe(200);
  });

  it.each([
    ['Patient?no-such-param=1', 'no-such-param'],
    ['Patient?family=error&_sort=nope', '_sort'],
    ['Observation?subject.no-such-param=1', 'subject.no-such-param'],
    ['Patient?_contained=true', '_contained'],
  ])('with Prefer: handling=strict are a 400: %s', async (query, param) => {
    await expectRejected(server, query, param, 400, STRICT);
  });

  it('known parameters pass with Prefer: handling=strict', async () => {
    expect((await fhir(server, 'Patient?family=error', { headers: STRICT })).status).toBe(200);
  });
});

describe('malformed values are a 400 naming the parameter', () => {
  const cases: [query: string, param: string][] = [
    // dates
    ['Patient?birthdate=1980-13', 'birthdate'],
    ['Patient?birthdate=1980-02-30', 'birthdate'],
    ['Patient?birthdate=xx1980', 'birthdate'],
    ['Patient?birthdate=ge', 'birthdate'],
    ['Patient?birthdate=yesterday', 'birthdate'],
    ['Observation?date=2024-03-05Z', 'date'],
    ['Observation?date=2024-03-05T25:00', 'date'],
    ['Patient?birthdate=1980,notadate', 'birthdate'],
    ['Patient?_lastUpdated=gx2020', '_lastUpdated'],
    // numbers and quantities
    ['RiskAssessment?probability=abc', 'probability'],
    ['RiskAssessment?probability=zz5', 'probability'],
    ['RiskAssessment?probability=1,,x', 'probability'],
    ['Observation?value-quantity=abc|http://unitsofmeasure.org|mg', 'value-quantity'],
    ['Observation?value-quantity=5|mg', 'value-quantity'],
    // tokens, references, composites
    ['Patient?identifier=a|b|c', 'identifier'],
    ['Patient?identifier:of-type=MR|12345', 'identifier:of-type'],
    ['Observation?subject=Medication/1', 'subject'],
    ['Observation?subject=Foo/1', 'subject'],
    ['Observation?subject:Foo=1', 'subject:Foo'],
    ['Observation?code-value-quantity=8480-6', 'code-value-quantity'],
    ['Patient?gender:in=http://example.org/no-such-value-set', 'gender:in'],
    // unknown modifiers
    ['Patient?name:foo=x', 'name:foo'],
    ['Patient?gender:exact=female', 'gender:exact'],
    ['Patient?birthdate:contains=1980', 'birthdate:contains'],
    ['Patient?family:missing=maybe', 'family:missing'],
    ['Patient?_id:exact=pe1', '_id:exact'],
    ['Observation?code:below=123', 'code:below'],
    // chains and _has
    ['Patient?name.family=x', 'name.family'],
    ['Patient?_has:Observation=x', '_has:Observation'],
    ['Patient?_has:Nope:patient:code=x', '_has:Nope:patient:code'],
    ['Patient?_has:Observation:patient:code:foo=x', '_has:Observation:patient:code:foo'],
    // result parameters
    ['Patient?_count=-1', '_count'],
    ['Patient?_count=ten', '_count'],
    ['Patient?_count=5&_count=6', '_count'],
    ['Patient?_summary=maybe', '_summary'],
    ['Patient?_total=all', '_total'],
    ['Patient?_sort=--family', '_sort'],
    ['Observation?_include=Observation:nothing', '_include'],
    ['Observation?_include=Nope:subject', '_include'],
    ['Observation?_include:deep=Observation:subject', '_include:deep'],
    ['Patient?_revinclude=Observation:code', '_revinclude'],
    ['Patient?_elements=name!', '_elements'],
    ['Patient?_cursor=garbage', '_cursor'],
    ['?_type=Nope', '_type'],
  ];
  it.each(cases)('%s', async (query, param) => {
    await expectRejected(server, query, param);
  });
});

describe('never a 500', () => {
  const hostile = [
    "' OR 1=1 --",
    '%00',
    '\\',
    '\\\\|\\$\\,',
    '|',
    '||',
    '$',
    '*',
    '%',
    '"',
    'ge',
    'ap',
    'x'.repeat(5000),
    '😀',
    '%E0%A4%A',
  ];
  const params = ['name', 'family:exact', 'name:contains', 'birthdate', 'identifier', 'identifier:of-type', 'gender:not', 'general-practitioner', 'organization:identifier', '_id', '_text', '_content', '_lastUpdated', '_tag', '_profile', '_list', '_sort', '_has:Observation:patient:code', 'general-practitioner.name', 'phonetic'];
  it('hostile values on every kind of parameter give a 200 or a 4xx OperationOutcome', async () => {
    for (const p of params) {
      for (const v of hostile) {
        const query = `Patient?${p}=${v.startsWith('%') ? v : encodeURIComponent(v)}`;
        const res = await fhir(server, query);
        expectNoStackTrace(res.text);
        expect(res.status, `${query}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.resourceType, query).toBe('OperationOutcome');
      }
    }
  });

  it('the same for quantities, numbers, composites and system search', async () => {
    const queries = ['Observation?value-quantity', 'RiskAssessment?probability', 'Observation?component-code-value-quantity', 'Observation?code-value-string', 'ValueSet?url:below', '?_tag', '?_type'];
    for (const q of queries) {
      for (const v of hostile) {
        const query = `${q}=${v.startsWith('%') ? v : encodeURIComponent(v)}`;
        const res = await fhir(server, query);
        expectNoStackTrace(res.text);
        expect(res.status, `${query}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
      }
    }
  });
});
