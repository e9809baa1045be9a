/** parseSearch on single parameters of every type, with their modifiers, prefixes and escapes. */
import { describe, expect, it } from 'vitest';
import { parseSearch } from '../../../src/search/parse/parse-query.js';
import { one, rejects, values } from './query-helpers.js';

const utc = Date.UTC;

describe('string (Patient name, given)', () => {
  it('gives the value and its normal form, the definition, no modifier', () => {
    const c = one('Patient', 'name', 'Müller  Hans');
    expect(c).toMatchObject({ name: 'name', param: { code: 'name', type: 'string', url: 'http://hl7.org/fhir/SearchParameter/Patient-name' } });
    expect(c.modifier).toBeUndefined();
    expect(c.chain).toBeUndefined();
    expect(c.values).toEqual([{ kind: 'string', value: 'Müller  Hans', norm: 'muller hans' }]);
  });

  it.each(['exact', 'contains'])(':%s keeps the modifier', (modifier) => {
    const c = one('Patient', `given:${modifier}`, 'Eve');
    expect(c.modifier).toBe(modifier);
    expect(c.values).toEqual([{ kind: 'string', value: 'Eve', norm: 'eve' }]);
  });

  it(':missing takes true or false', () => {
    expect(one('Patient', 'name:missing', 'true')).toMatchObject({ modifier: 'missing', values: [{ kind: 'missing', missing: true }] });
    expect(values('Patient', 'name:missing', 'false')).toEqual([{ kind: 'missing', missing: false }]);
    rejects('Patient', 'name:missing', 'yes');
  });

  it('commas OR, escaped commas do not; a prefix-like start is just text', () => {
    expect(values('Patient', 'name', 'a,b\\,c,gt5')).toEqual([
      { kind: 'string', value: 'a', norm: 'a' },
      { kind: 'string', value: 'b,c', norm: 'b,c' },
      { kind: 'string', value: 'gt5', norm: 'gt5' },
    ]);
  });

  it.each(['name:text', 'name:foo', 'name:not', 'name:Patient', 'name:'])('%s is an unknown modifier: 400', (name) => rejects('Patient', name, 'x'));
});

describe('token (Observation code, Patient identifier/gender, _id)', () => {
  it.each<[string, { system: string | null | undefined; code: string | null | undefined }]>([
    ['8480-6', { system: undefined, code: '8480-6' }],
    ['http://loinc.org|8480-6', { system: 'http://loinc.org', code: '8480-6' }],
    ['|8480-6', { system: null, code: '8480-6' }],
    ['http://loinc.org|', { system: 'http://loinc.org', code: undefined }],
    ['http://x|a\\|b', { system: 'http://x', code: 'a|b' }],
    ['a\\,b', { system: undefined, code: 'a,b' }],
    ['a\\\\', { system: undefined, code: 'a\\' }],
  ])('%s', (text, token) => {
    expect(values('Observation', 'code', text)).toEqual([{ kind: 'token', ...token }]);
  });

  it.each(['|', 'a|b|c'])('%j is a 400', (text) => rejects('Observation', 'code', text));

  it(':not keeps the modifier and the token', () => {
    const c = one('Patient', 'gender:not', 'male');
    expect(c.modifier).toBe('not');
    expect(c.values).toEqual([{ kind: 'token', system: undefined, code: 'male' }]);
  });

  it(':text searches normalised display text', () => {
    const c = one('Observation', 'code:text', 'Blood  Pressure');
    expect(c.modifier).toBe('text');
    expect(c.values).toEqual([{ kind: 'text', norm: 'blood pressure' }]);
  });

  it.each(['in', 'not-in'])(':%s names a value set', (modifier) => {
    const c = one('Condition', `code:${modifier}`, 'http://hl7.org/fhir/ValueSet/condition-code');
    expect(c.modifier).toBe(modifier);
    expect(c.values).toEqual([{ kind: 'valueset', url: 'http://hl7.org/fhir/ValueSet/condition-code' }]);
  });

  it(':of-type is the identifier type and value, as a composite of two tokens', () => {
    const c = one('Patient', 'identifier:of-type', 'http://terminology.hl7.org/CodeSystem/v2-0203|MR|446053');
    expect(c.modifier).toBe('of-type');
    expect(c.values).toEqual([
      {
        kind: 'composite',
        parts: [
          { kind: 'token', system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' },
          { kind: 'token', system: undefined, code: '446053' },
        ],
      },
    ]);
    expect(values('Patient', 'identifier:of-type', '|MR|1')).toEqual([
      { kind: 'composite', parts: [{ kind: 'token', system: undefined, code: 'MR' }, { kind: 'token', system: undefined, code: '1' }] },
    ]);
  });

  it.each(['MR|446053', 'a|MR|', '||1', 'a|b|c|d'])(':of-type %j is a 400', (text) => rejects('Patient', 'identifier:of-type', text));

  it.each(['above', 'below'])(':%s is a 400 not-supported (no subsumption)', (modifier) => rejects('Observation', `code:${modifier}`, 'x', 'not-supported'));

  it.each(['code:exact', 'code:contains', 'code:identifier', 'code:Patient'])('%s is a 400', (name) => rejects('Observation', name, 'x'));

  it('_tag and _security are tokens', () => {
    expect(values('Patient', '_tag', '|t')).toEqual([{ kind: 'token', system: null, code: 't' }]);
    expect(values('Patient', '_security', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R')).toEqual([
      { kind: 'token', system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
    ]);
  });

  it('_id takes plain ids, ORed; :not and :missing only', () => {
    expect(values('Patient', '_id', 'a,b.c-1')).toEqual([
      { kind: 'token', system: undefined, code: 'a' },
      { kind: 'token', system: undefined, code: 'b.c-1' },
    ]);
    expect(one('Patient', '_id:not', 'a').modifier).toBe('not');
    rejects('Patient', '_id:text', 'a');
    rejects('Patient', '_id:in', 'a');
  });
});

describe('reference (Observation subject/patient, Patient organization)', () => {
  it.each<[string, string, string, object]>([
    ['Observation', 'subject', '123', { kind: 'reference', id: '123' }],
    ['Observation', 'subject', 'Patient/123', { kind: 'reference', targetType: 'Patient', id: '123' }],
    ['Observation', 'subject', 'Patient/123/_history/2', { kind: 'reference', targetType: 'Patient', id: '123', version: '2' }],
    ['Observation', 'subject', 'http://other.org/fhir/Patient/1', { kind: 'reference', url: 'http://other.org/fhir/Patient/1' }],
    ['Observation', 'subject', 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0', { kind: 'reference', url: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0' }],
    ['Observation', 'subject:Patient', '123', { kind: 'reference', targetType: 'Patient', id: '123' }],
    ['Observation', 'subject:Patient', 'Patient/123', { kind: 'reference', targetType: 'Patient', id: '123' }],
    ['Observation', 'patient', '7', { kind: 'reference', id: '7' }], // targets Patient and Group
    ['Patient', 'organization', '7', { kind: 'reference', targetType: 'Organization', id: '7' }], // one target
  ])('%s %s=%s', (type, name, text, value) => {
    const c = one(type, name, text);
    expect(c.values).toEqual([value]);
    expect(c.modifier).toBeUndefined();
  });

  it(':identifier searches Reference.identifier with token syntax', () => {
    const c = one('Observation', 'subject:identifier', 'http://hospital.example/mrn|12345');
    expect(c.modifier).toBe('identifier');
    expect(c.values).toEqual([{ kind: 'identifier', system: 'http://hospital.example/mrn', value: '12345' }]);
    expect(values('Observation', 'subject:identifier', '12345')).toEqual([{ kind: 'identifier', system: undefined, value: '12345' }]);
  });

  it(':missing', () => {
    expect(one('Observation', 'subject:missing', 'true')).toMatchObject({ modifier: 'missing', values: [{ kind: 'missing', missing: true }] });
  });

  it.each<[string, string]>([
    ['subject', 'Medication/1'], // not a target of subject
    ['subject', 'Foo/1'], // not a resource type
    ['subject', 'a/b/c'],
    ['subject:Medication', '1'],
    ['subject:Foo', '1'],
    ['subject:Patient', 'Group/1'],
    ['subject:text', 'x'],
    ['subject:missing', 'maybe'],
  ])('%s=%s is a 400', (name, text) => rejects('Observation', name, text));

  it.each(['above', 'below'])(':%s is a 400 not-supported', (modifier) => rejects('Observation', `subject:${modifier}`, 'Patient/1', 'not-supported'));
});

describe('number (RiskAssessment probability)', () => {
  it.each<[string, object]>([
    ['0.8', { prefix: 'eq', value: 0.8, low: 0.75, high: 0.85 }],
    ['gt0.8', { prefix: 'gt', value: 0.8, low: 0.75, high: 0.85 }],
    ['ap100', { prefix: 'ap', value: 100, low: 99.5, high: 100.5 }],
    ['1e2', { prefix: 'eq', value: 100, low: 95, high: 105 }],
    ['100.00', { prefix: 'eq', value: 100, low: 99.995, high: 100.005 }],
  ])('%s', (text, value) => {
    expect(values('RiskAssessment', 'probability', text)).toEqual([{ kind: 'number', ...value }]);
  });

  it.each(['high', 'xx0.5', '0.5.5', 'gt'])('%j is a 400', (text) => rejects('RiskAssessment', 'probability', text));
  it.each(['probability:exact', 'probability:Patient'])('%s is a 400', (name) => rejects('RiskAssessment', name, '1'));
});

describe('date (Patient birthdate, Observation date, _lastUpdated)', () => {
  it.each<[string, string, string, object]>([
    ['Patient', 'birthdate', '1990', { prefix: 'eq', start: utc(1990, 0, 1), end: utc(1991, 0, 1) - 1, raw: '1990' }],
    ['Patient', 'birthdate', 'ge1990-05', { prefix: 'ge', start: utc(1990, 4, 1), end: utc(1990, 5, 1) - 1, raw: '1990-05' }],
    ['Patient', 'birthdate', 'lt1990-05-17', { prefix: 'lt', start: utc(1990, 4, 17), end: utc(1990, 4, 18) - 1, raw: '1990-05-17' }],
    ['Observation', 'date', 'sa2024-03-01T10:00:00Z', { prefix: 'sa', start: utc(2024, 2, 1, 10), end: utc(2024, 2, 1, 10, 0, 0, 999), raw: '2024-03-01T10:00:00Z' }],
    ['Observation', 'date', 'eb2024-03-01T10:00:00+01:00', { prefix: 'eb', start: utc(2024, 2, 1, 9), end: utc(2024, 2, 1, 9, 0, 0, 999), raw: '2024-03-01T10:00:00+01:00' }],
    ['Observation', 'date', 'ap2024-03-01T10:00', { prefix: 'ap', start: utc(2024, 2, 1, 10), end: utc(2024, 2, 1, 10, 1) - 1, raw: '2024-03-01T10:00' }],
    ['Patient', '_lastUpdated', 'gt2024-01-01T00:00:00.000Z', { prefix: 'gt', start: utc(2024, 0, 1), end: utc(2024, 0, 1), raw: '2024-01-01T00:00:00.000Z' }],
  ])('%s %s=%s', (type, name, text, value) => {
    expect(values(type, name, text)).toEqual([{ kind: 'date', ...value }]);
  });

  it('ORs and ANDs', () => {
    const q = parseSearch(['Patient'], [['birthdate', 'ge1990'], ['birthdate', 'le2000,2010']]);
    expect(q.conditions.map((c) => c.values.map((v) => (v.kind === 'date' ? v.prefix + v.raw : '')))).toEqual([['ge1990'], ['le2000', 'eq2010']]);
  });

  it.each(['1990-13', '1990-02-30', 'yesterday', 'xx1990', '1990-05-17T25:00', '1990-05-17+01:00'])('%j is a 400', (text) => rejects('Patient', 'birthdate', text));
  it.each(['birthdate:exact', 'birthdate:below'])('%s is a 400', (name) => rejects('Patient', name, '1990'));
});

describe('quantity (Observation value-quantity, Encounter length)', () => {
  it.each<[string, object]>([
    ['5.4|http://unitsofmeasure.org|mg', { prefix: 'eq', value: 5.4, low: 5.35, high: 5.45, system: 'http://unitsofmeasure.org', code: 'mg' }],
    ['5.4||mg', { prefix: 'eq', value: 5.4, low: 5.35, high: 5.45, system: undefined, code: 'mg' }],
    ['gt5.4', { prefix: 'gt', value: 5.4, low: 5.35, high: 5.45, system: undefined, code: undefined }],
    ['le100|http://unitsofmeasure.org|', { prefix: 'le', value: 100, low: 99.5, high: 100.5, system: 'http://unitsofmeasure.org', code: undefined }],
    ['ap1e2|http://unitsofmeasure.org|mm[Hg]', { prefix: 'ap', value: 100, low: 95, high: 105, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' }],
    ['1|http://x|a\\|b', { prefix: 'eq', value: 1, low: 0.5, high: 1.5, system: 'http://x', code: 'a|b' }],
  ])('%s', (text, value) => {
    expect(values('Observation', 'value-quantity', text)).toEqual([{ kind: 'quantity', ...value }]);
  });

  it('Encounter length', () => {
    expect(values('Encounter', 'length', 'ge2|http://unitsofmeasure.org|d')).toEqual([
      { kind: 'quantity', prefix: 'ge', value: 2, low: 1.5, high: 2.5, system: 'http://unitsofmeasure.org', code: 'd' },
    ]);
  });

  it.each(['5.4|mg', 'abc', '5.4|a|b|c', 'mg|http://unitsofmeasure.org|mg', '|http://unitsofmeasure.org|mg'])('%j is a 400', (text) => rejects('Observation', 'value-quantity', text));
});

describe('uri (ValueSet url, _profile, _source)', () => {
  it.each([
    ['url', undefined],
    ['url:below', 'below'],
    ['url:above', 'above'],
  ])('%s', (name, modifier) => {
    const c = one('ValueSet', name, 'http://hl7.org/fhir/ValueSet/x');
    expect(c.modifier).toBe(modifier);
    expect(c.values).toEqual([{ kind: 'uri', value: 'http://hl7.org/fhir/ValueSet/x' }]);
  });

  it('_profile and _source', () => {
    expect(values('Patient', '_profile', 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient')).toEqual([
      { kind: 'uri', value: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient' },
    ]);
    expect(values('Patient', '_source', 'http://example.org/source#a')).toEqual([{ kind: 'uri', value: 'http://example.org/source#a' }]);
  });

  it.each(['url:contains', 'url:exact'])('%s is a 400', (name) => rejects('ValueSet', name, 'http://x'));
});
