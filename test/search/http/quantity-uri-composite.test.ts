/**
 * Quantity, uri and composite search over HTTP (search.html#quantity, #uri, #composite): prefixes,
 * `value|system|code` and `value||code`, UCUM-canonical comparison (1 g/L is 100 mg/dL, 5 mmol/L is
 * 5000 umol/L), uri :above and :below, and composites whose components must come from one element.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { load, searchIds, type Case, type Json } from './helpers.js';

let server: RunningServer;

const UCUM = 'http://unitsofmeasure.org';
const loinc = (code: string): Json => ({ coding: [{ system: 'http://loinc.org', code }] });
const ucum = (value: number, code: string): Json => ({ value, unit: code, system: UCUM, code });
const obs = (id: string, code: Json, extra: Json = {}): Json => ({ resourceType: 'Observation', id, status: 'final', code, ...extra });
const component = (code: string, value: number): Json => ({ code: loinc(code), valueQuantity: ucum(value, 'mm[Hg]') });

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    obs('oq1', loinc('2345-7'), { valueQuantity: ucum(1, 'g/L') }),
    obs('oq2', loinc('2345-7'), { valueQuantity: ucum(100, 'mg/dL') }),
    obs('oq3', loinc('2345-7'), { valueQuantity: ucum(5, 'mmol/L') }),
    obs('oq4', loinc('2345-7'), { valueQuantity: ucum(5000, 'umol/L') }),
    obs('oq5', loinc('2345-7'), { valueQuantity: { value: 5, unit: 'mmol/L' } }),
    obs('oq6', loinc('8480-6'), { valueQuantity: ucum(120, 'mm[Hg]') }),
    obs('oq7', loinc('2345-7'), { valueQuantity: { value: 6.2, system: 'http://acme.org/units', code: 'mmol/L' } }),
    obs('oq8', loinc('2345-7'), { valueString: 'pending' }),
    // Blood pressure panels: the values live on the components.
    obs('oc1', loinc('85354-9'), { component: [component('8480-6', 120), component('8462-4', 80)] }),
    obs('oc2', loinc('85354-9'), { component: [component('8480-6', 140), component('8462-4', 95)] }),
    // Systolic as the code, but 120 is another component's value: no composite may pair them.
    obs('oc3', loinc('8480-6'), { component: [component('9999-9', 120)] }),
    { resourceType: 'ValueSet', id: 'vs1', url: 'http://acme.org/fhir/ValueSet/a', status: 'active' },
    { resourceType: 'ValueSet', id: 'vs2', url: 'http://acme.org/fhir/ValueSet/a/b', status: 'active' },
    { resourceType: 'ValueSet', id: 'vs3', url: 'http://acme.org/fhir/ValueSet/c', status: 'active' },
    { resourceType: 'ValueSet', id: 'vs4', url: 'http://other.org/vs', status: 'active' },
    { resourceType: 'ValueSet', id: 'vs5', url: 'urn:oid:1.2.3', status: 'active' },
    { resourceType: 'ValueSet', id: 'vs6', status: 'draft' },
  ]);
});
afterAll(() => server.close());

describe('quantities', () => {
  const cases: Case[] = [
    // UCUM: compared in canonical units.
    [`Observation?value-quantity=100|${UCUM}|mg/dL`, ['oq1', 'oq2']],
    [`Observation?value-quantity=1|${UCUM}|g/L`, ['oq1', 'oq2']],
    [`Observation?value-quantity=1000|${UCUM}|mg/L`, ['oq1', 'oq2']],
    [`Observation?value-quantity=5|${UCUM}|mmol/L`, ['oq3', 'oq4']],
    [`Observation?value-quantity=5000|${UCUM}|umol/L`, ['oq3', 'oq4']],
    [`Observation?value-quantity=gt4|${UCUM}|mmol/L`, ['oq3', 'oq4']],
    [`Observation?value-quantity=le5000|${UCUM}|umol/L`, ['oq3', 'oq4']],
    [`Observation?value-quantity=lt4000|${UCUM}|umol/L`, []],
    [`Observation?value-quantity=ap5|${UCUM}|mmol/L`, ['oq3', 'oq4']],
    [`Observation?value-quantity=120|${UCUM}|mm%5BHg%5D`, ['oq6']],
    // A code with no system: that code (or unit) in any system, values as stated.
    ['Observation?value-quantity=5||mmol/L', ['oq3', 'oq5']],
    ['Observation?value-quantity=6.2||mmol/L', ['oq7']],
    ['Observation?value-quantity=6.2|http://acme.org/units|mmol/L', ['oq7']],
    [`Observation?value-quantity=6.2|${UCUM}|mmol/L`, []],
    // A bare number: any unit.
    ['Observation?value-quantity=5', ['oq3', 'oq5']],
    ['Observation?value-quantity=gt100', ['oq4', 'oq6']],
    ['Observation?value-quantity=ge100&value-quantity=lt1000', ['oq2', 'oq6']],
    ['Observation?value-quantity=1,6.2', ['oq1', 'oq7']],
    ['Observation?value-quantity:missing=true', ['oc1', 'oc2', 'oc3', 'oq8']],
    // The components' quantities are several values of one resource.
    ['Observation?component-value-quantity=80', ['oc1']],
    [`Observation?component-value-quantity=gt90|${UCUM}|mm%5BHg%5D`, ['oc1', 'oc2', 'oc3']],
    ['Observation?component-value-quantity=lt90&component-value-quantity=gt100', ['oc1']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('composites: the components of one match', () => {
  const cases: Case[] = [
    ['Observation?code-value-quantity=http://loinc.org|8480-6$120', ['oq6']],
    ['Observation?code-value-quantity=8480-6$gt100', ['oq6']],
    [`Observation?code-value-quantity=http://loinc.org|2345-7$100|${UCUM}|mg/dL`, ['oq1', 'oq2']],
    ['Observation?code-value-quantity=8480-6$120,2345-7$6.2', ['oq6', 'oq7']],
    ['Observation?code-value-quantity=85354-9$120', []],
    ['Observation?component-code-value-quantity=http://loinc.org|8480-6$120', ['oc1']],
    ['Observation?component-code-value-quantity=8480-6$gt100', ['oc1', 'oc2']],
    ['Observation?component-code-value-quantity=8462-4$gt90', ['oc2']],
    // 80 belongs to the diastolic component, not the systolic one.
    ['Observation?component-code-value-quantity=8480-6$80', []],
    ['Observation?component-code-value-quantity=8480-6$120&component-code-value-quantity=8462-4$80', ['oc1']],
    ['Observation?component-code-value-quantity=8480-6$120&component-code-value-quantity=8462-4$95', []],
    ['Observation?combo-code-value-quantity=8480-6$120', ['oc1', 'oq6']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('uris', () => {
  const cases: Case[] = [
    ['ValueSet?url=http://acme.org/fhir/ValueSet/a', ['vs1']],
    ['ValueSet?url=http://acme.org/fhir/ValueSet', []],
    ['ValueSet?url=urn:oid:1.2.3', ['vs5']],
    ['ValueSet?url:below=http://acme.org/fhir/', ['vs1', 'vs2', 'vs3']],
    ['ValueSet?url:below=http://acme.org/fhir/ValueSet/a/', ['vs2']],
    ['ValueSet?url:above=http://acme.org/fhir/ValueSet/a/b/c', ['vs1', 'vs2']],
    ['ValueSet?url:above=http://acme.org/fhir/ValueSet/a', ['vs1']],
    ['ValueSet?url=http://other.org/vs,urn:oid:1.2.3', ['vs4', 'vs5']],
    ['ValueSet?url:missing=true', ['vs6']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});
