/** Chaining (search.html#chaining) and reverse chaining with _has (search.html#has). */
import { describe, expect, it } from 'vitest';
import { parseSearch } from '../../../src/search/parse/parse-query.js';
import type { Condition } from '../../../src/search/types.js';
import { thrown } from '../../helpers/thrown.js';

function one(type: string, name: string, value: string): Condition {
  const q = parseSearch([type], [[name, value]]);
  expect(q.ignored).toEqual([]);
  expect(q.conditions).toHaveLength(1);
  return q.conditions[0];
}

/** The chain as [parameter code, target type] pairs. */
const links = (c: Condition) => c.chain?.map((l) => [l.param.code, l.targetType]);

function rejects(type: string, name: string, value: string) {
  const err = thrown(() => parseSearch([type], [[name, value]]));
  expect(err.status).toBe(400);
  expect(err.outcome.issue[0].diagnostics).toContain(`'${name}'`);
  expect(err.outcome.issue[0].expression).toEqual([name]);
}

describe('chaining', () => {
  it('subject.name: several targets have name, so no target type is recorded', () => {
    const c = one('Observation', 'subject.name', 'peter');
    expect(c.name).toBe('subject.name');
    expect(links(c)).toEqual([['subject', undefined]]);
    expect(c.chain?.[0].param.url).toBe('http://hl7.org/fhir/SearchParameter/Observation-subject');
    expect(c.param).toMatchObject({ code: 'name', type: 'string' });
    expect(c.values).toEqual([{ kind: 'string', value: 'peter', norm: 'peter' }]);
  });

  it('subject:Patient.name: the :Type names the target', () => {
    const c = one('Observation', 'subject:Patient.name', 'peter');
    expect(links(c)).toEqual([['subject', 'Patient']]);
    expect(c.param.url).toBe('http://hl7.org/fhir/SearchParameter/Patient-name');
  });

  it('Encounter subject.name: only Patient among Patient and Group has name, so it is recorded', () => {
    const c = one('Encounter', 'subject.name', 'peter');
    expect(links(c)).toEqual([['subject', 'Patient']]);
    expect(c.param.url).toBe('http://hl7.org/fhir/SearchParameter/Patient-name');
  });

  it('multi-level general-practitioner.organization.name: only PractitionerRole has organization', () => {
    const c = one('Patient', 'general-practitioner.organization.name', 'Acme');
    expect(links(c)).toEqual([
      ['general-practitioner', 'PractitionerRole'],
      ['organization', 'Organization'],
    ]);
    expect(c.chain?.[1].param.url).toBe('http://hl7.org/fhir/SearchParameter/PractitionerRole-organization');
    expect(c.param.url).toBe('http://hl7.org/fhir/SearchParameter/Organization-name');
  });

  it('the final parameter keeps its modifier, prefix and type', () => {
    const exact = one('Observation', 'subject:Patient.name:exact', 'Peter');
    expect(exact.modifier).toBe('exact');
    expect(exact.values).toEqual([{ kind: 'string', value: 'Peter', norm: 'peter' }]);
    const date = one('Observation', 'patient.birthdate', 'ge2000');
    expect(links(date)).toEqual([['patient', 'Patient']]);
    expect(date.values).toEqual([{ kind: 'date', prefix: 'ge', start: Date.UTC(2000, 0, 1), end: Date.UTC(2001, 0, 1) - 1, raw: '2000' }]);
    const token = one('Condition', 'subject:Patient.identifier', 'http://hospital.example/mrn|42');
    expect(token.values).toEqual([{ kind: 'token', system: 'http://hospital.example/mrn', code: '42' }]);
    const ref = one('DiagnosticReport', 'subject:Patient.organization', 'Organization/1');
    expect(ref.values).toEqual([{ kind: 'reference', targetType: 'Organization', id: '1' }]);
    const id = one('Observation', 'subject._id', 'p1');
    expect(id.param.code).toBe('_id');
  });

  it('a chained parameter typed differently on two possible targets needs a :Type', () => {
    // Observation focus may point at anything; target is a reference on Provenance, a token on SearchParameter
    rejects('Observation', 'focus.target', 'x');
    expect(one('Observation', 'focus:Provenance.target', 'Patient/1').values).toEqual([{ kind: 'reference', targetType: 'Patient', id: '1' }]);
  });

  it('an unknown chained parameter is ignored (lenient) and a 400 (strict)', () => {
    const q = parseSearch(['Observation'], [['subject.foo', 'x'], ['subject:Patient.code', 'x']]);
    expect(q.conditions).toEqual([]);
    expect(q.ignored).toEqual(['subject.foo', 'subject:Patient.code']);
    const err = thrown(() => parseSearch(['Observation'], [['subject.foo', 'x']], { strict: true }));
    expect(err.status).toBe(400);
    expect(err.outcome.issue[0].expression).toEqual(['subject.foo']);
  });

  it.each<[string, string]>([
    ['Patient', 'name.family'], // not a reference
    ['Observation', 'code.display'],
    ['Observation', 'subject:Medication.code'], // not a target
    ['Observation', 'subject:Foo.name'],
    ['Observation', 'subject:missing.name'],
    ['Observation', 'subject..name'],
    ['Observation', 'subject.'],
    ['Observation', 'subject:Patient.name:foo'],
  ])('%s %s is a 400', (type, name) => rejects(type, name, 'x'));
});

describe('_has', () => {
  it('_has:Observation:patient:code=1234-5', () => {
    const c = one('Patient', '_has:Observation:patient:code', '1234-5');
    expect(c.name).toBe('_has:Observation:patient:code');
    expect(c.has?.type).toBe('Observation');
    expect(c.has?.referenceParam.url).toBe('http://hl7.org/fhir/SearchParameter/clinical-patient');
    expect(c.has?.condition).toMatchObject({ name: 'code', param: { code: 'code', type: 'token' } });
    expect(c.has?.condition.values).toEqual([{ kind: 'token', system: undefined, code: '1234-5' }]);
    // the outer condition mirrors the innermost one
    expect(c.param).toBe(c.has?.condition.param);
    expect(c.values).toEqual(c.has?.condition.values);
  });

  it('nested: _has:Observation:patient:_has:AuditEvent:entity:agent', () => {
    const c = one('Patient', '_has:Observation:patient:_has:AuditEvent:entity:agent', 'Practitioner/1');
    const inner = c.has?.condition;
    expect(inner?.name).toBe('_has:AuditEvent:entity:agent');
    expect(inner?.has?.type).toBe('AuditEvent');
    expect(inner?.has?.referenceParam.code).toBe('entity');
    expect(inner?.has?.condition).toMatchObject({ name: 'agent', values: [{ kind: 'reference', targetType: 'Practitioner', id: '1' }] });
    expect(c.values).toEqual([{ kind: 'reference', targetType: 'Practitioner', id: '1' }]);
    expect(c.param.code).toBe('agent');
  });

  it('the inner parameter may carry a modifier or a chain, and ORs', () => {
    const text = one('Patient', '_has:Observation:subject:code:text', 'Blood Pressure');
    expect(text.modifier).toBe('text');
    expect(text.has?.condition.modifier).toBe('text');
    expect(text.values).toEqual([{ kind: 'text', norm: 'blood pressure' }]);
    const chained = one('Patient', '_has:Encounter:subject:service-provider.name', 'Acme,Beta');
    expect(chained.has?.condition.chain?.map((l) => [l.param.code, l.targetType])).toEqual([['service-provider', 'Organization']]);
    expect(chained.values).toHaveLength(2);
  });

  it('system search: no target check against all types', () => {
    const q = parseSearch(undefined, [['_type', 'Patient'], ['_has:Observation:patient:code', 'x']]);
    expect(q.conditions[0].has?.type).toBe('Observation');
  });

  it('an unknown reference or inner parameter is ignored', () => {
    const q = parseSearch(['Patient'], [['_has:Observation:foo:code', 'x'], ['_has:Observation:patient:foo', 'x']]);
    expect(q.conditions).toEqual([]);
    expect(q.ignored).toEqual(['_has:Observation:foo:code', '_has:Observation:patient:foo']);
  });

  it.each<[string, string]>([
    ['Patient', '_has'],
    ['Patient', '_has:Observation'],
    ['Patient', '_has:Observation:patient'],
    ['Patient', '_has:Observation:patient:'],
    ['Patient', '_has:Foo:patient:code'], // not a type
    ['Patient', '_has:Observation:code:status'], // code is not a reference
    ['Practitioner', '_has:Observation:patient:code'], // patient does not refer to Practitioner
    ['Patient', '_has:Observation:patient:code:exact'],
  ])('%s %s is a 400', (type, name) => rejects(type, name, 'x'));

  it('a malformed inner value is a 400 naming the whole parameter and the inner one', () => {
    const err = thrown(() => parseSearch(['Patient'], [['_has:Observation:patient:date', 'soon']]));
    expect(err.status).toBe(400);
    expect(err.outcome.issue[0].diagnostics).toContain("'_has:Observation:patient:date', in 'date'");
    expect(err.outcome.issue[0].expression).toEqual(['_has:Observation:patient:date']);
  });
});
