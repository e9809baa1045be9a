/**
 * Token search over HTTP (search.html#token): `code`, `system|code`, `|code`, `system|`, :not
 * (includes resources without the value), :text, :of-type on identifiers, :missing, booleans,
 * implicit code systems, and :in / :not-in against value sets the server holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { load, searchIds, type Case, type Json } from './helpers.js';

let server: RunningServer;

const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const mr = { coding: [{ system: V2, code: 'MR' }], text: 'Medical record number' };

const patient = (id: string, extra: Json): Json => ({ resourceType: 'Patient', id, ...extra });
const observation = (id: string, code: Json, extra: Json = {}): Json => ({ resourceType: 'Observation', id, status: 'final', code, ...extra });

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    patient('pt1', { gender: 'female', active: true, identifier: [{ system: 'urn:mrn', value: '12345', type: mr }] }),
    patient('pt2', { gender: 'male', active: false, identifier: [{ system: 'urn:ssn', value: '12345', type: { coding: [{ system: V2, code: 'SS' }] } }] }),
    patient('pt3', { gender: 'female', identifier: [{ value: '12345' }], telecom: [{ system: 'phone', value: '555-1234' }] }),
    patient('pt4', { identifier: [{ system: 'urn:mrn', value: '999', type: mr }, { system: 'urn:ssn', value: '12345' }] }),
    patient('pt5', { gender: 'other', identifier: [{ system: 'urn:mrn', value: '777', type: { coding: [{ code: 'MR' }] } }] }),
    observation('ot1', { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] }, {
      category: [{ coding: [{ system: CATEGORY, code: 'vital-signs' }] }],
    }),
    observation('ot2', { coding: [{ system: 'http://loinc.org', code: '8462-4' }, { system: 'http://snomed.info/sct', code: '271650006' }], text: 'Diastolic BP' }, {
      category: [{ coding: [{ system: 'http://acme.org/category', code: 'vital-signs' }] }],
    }),
    observation('ot3', { coding: [{ code: '8480-6' }] }, { category: [{ coding: [{ system: CATEGORY, code: 'laboratory' }] }] }),
    observation('ot4', { text: 'free text code' }),
    observation('ot5', { coding: [{ system: 'http://acme.org/codes', code: '8480-6' }] }),
  ]);
});
afterAll(() => server.close());

describe('code, system|code, |code, system|', () => {
  const cases: Case[] = [
    ['Observation?code=8480-6', ['ot1', 'ot3', 'ot5']],
    ['Observation?code=http://loinc.org|8480-6', ['ot1']],
    ['Observation?code=http%3A%2F%2Floinc.org%7C8480-6', ['ot1']],
    ['Observation?code=|8480-6', ['ot3']],
    ['Observation?code=http://loinc.org|', ['ot1', 'ot2']],
    ['Observation?code=http://snomed.info/sct|271650006', ['ot2']],
    ['Observation?code=http://snomed.info/sct|8480-6', []],
    ['Observation?code=8480-6,8462-4', ['ot1', 'ot2', 'ot3', 'ot5']],
    ['Observation?code=8480-6&code=http://loinc.org|', ['ot1']],
    ['Observation?code=8480', []],
    ['Observation?code=8480-6&category=laboratory', ['ot3']],
    // Codes with an implicit system (required single-system bindings).
    ['Patient?gender=female', ['pt1', 'pt3']],
    ['Patient?gender=http://hl7.org/fhir/administrative-gender|female', ['pt1', 'pt3']],
    ['Patient?gender=|female', []],
    ['Patient?gender=female,other', ['pt1', 'pt3', 'pt5']],
    ['Patient?active=true', ['pt1']],
    ['Patient?active=false', ['pt2']],
    ['Patient?telecom=555-1234', ['pt3']],
    ['Patient?phone=555-1234', ['pt3']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('identifiers and :of-type', () => {
  const cases: Case[] = [
    ['Patient?identifier=12345', ['pt1', 'pt2', 'pt3', 'pt4']],
    ['Patient?identifier=urn:mrn|12345', ['pt1']],
    ['Patient?identifier=|12345', ['pt3']],
    ['Patient?identifier=urn:mrn|', ['pt1', 'pt4', 'pt5']],
    ['Patient?identifier=urn:mrn|999', ['pt4']],
    ['Patient?identifier:text=medical', ['pt1', 'pt4']],
    [`Patient?identifier:of-type=${V2}|MR|12345`, ['pt1']],
    [`Patient?identifier:of-type=${V2}|SS|12345`, ['pt2']],
    // pt4's MR identifier is 999; its 12345 has no type: the type and the value must be one identifier's.
    [`Patient?identifier:of-type=${V2}|MR|999`, ['pt4']],
    [`Patient?identifier:of-type=${V2}|SS|999`, []],
    // No system given for the type: any system (pt5's MR coding has none).
    ['Patient?identifier:of-type=|MR|777', ['pt5']],
    [`Patient?identifier:of-type=${V2}|MR|777`, []],
    [`Patient?identifier:of-type=${V2}|MR|12345,${V2}|SS|12345`, ['pt1', 'pt2']],
    [`Patient?identifier:of-type=${V2}|MR|1234`, []],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe(':not, :text, :missing, :in and :not-in', () => {
  const cases: Case[] = [
    // :not includes resources with no value at all (pt4 has no gender).
    ['Patient?gender:not=male', ['pt1', 'pt3', 'pt4', 'pt5']],
    ['Patient?gender:not=female,male', ['pt4', 'pt5']],
    ['Observation?code:not=8480-6', ['ot2', 'ot4']],
    ['Observation?code:not=http://loinc.org|8480-6', ['ot2', 'ot3', 'ot4', 'ot5']],
    ['Patient?active:not=true', ['pt2', 'pt3', 'pt4', 'pt5']],
    ['Observation?code:text=systolic', ['ot1']],
    ['Observation?code:text=SYSTOLIC%20blood', ['ot1']],
    ['Observation?code:text=diastolic', ['ot2']],
    ['Observation?code:text=free', ['ot4']],
    ['Observation?code:text=8480', []],
    ['Patient?gender:missing=true', ['pt4']],
    ['Patient?active:missing=true', ['pt3', 'pt4', 'pt5']],
    ['Patient?active:missing=false', ['pt1', 'pt2']],
    ['Observation?category:missing=true', ['ot4', 'ot5']],
    ['Patient?gender:in=http://hl7.org/fhir/ValueSet/administrative-gender', ['pt1', 'pt2', 'pt3', 'pt5']],
    ['Patient?gender:not-in=http://hl7.org/fhir/ValueSet/administrative-gender', ['pt4']],
    ['Observation?category:in=http://hl7.org/fhir/ValueSet/observation-category', ['ot1', 'ot3']],
    ['Observation?category:not-in=http://hl7.org/fhir/ValueSet/observation-category', ['ot2', 'ot4', 'ot5']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});
