/** What granted scopes allow: per level, interaction and type; restrictions OR together; search filters; _include. */
import { describe, expect, it } from 'vitest';
import { Grant, type Decision } from '../../src/auth/scopes-grant.js';
import { parseScopes, type Interaction, type Level } from '../../src/auth/scopes.js';

function grant(scope: string, context: { patient?: string } = { patient: '123' }): Grant {
  const { scopes, errors } = parseScopes(scope);
  expect(errors).toEqual([]);
  return new Grant(scopes, context);
}

const ALLOWED: Decision = { kind: 'allowed' };
const DENIED: Decision = { kind: 'denied' };
const only = (...anyOf: [string, string][][]): Decision => ({ kind: 'restricted', anyOf });

describe('allows(level, interaction, type)', () => {
  it.each<[string, Level, Interaction, string, Decision]>([
    ['patient/Observation.rs', 'patient', 'r', 'Observation', ALLOWED],
    ['patient/Observation.rs', 'patient', 's', 'Observation', ALLOWED],
    ['patient/Observation.rs', 'patient', 'c', 'Observation', DENIED],
    ['patient/Observation.rs', 'patient', 'r', 'Condition', DENIED],
    ['patient/Observation.rs', 'user', 'r', 'Observation', DENIED],
    ['patient/Observation.rs', 'system', 'r', 'Observation', DENIED],
    ['user/*.cruds', 'patient', 'r', 'Observation', DENIED],
    ['system/*.cruds', 'user', 'r', 'Observation', DENIED],
    ['patient/Patient.r', 'patient', 's', 'Patient', DENIED],
    ['patient/Observation.c', 'patient', 'r', 'Observation', DENIED],
    // v1
    ['patient/*.read', 'patient', 'r', 'Condition', ALLOWED],
    ['patient/*.read', 'patient', 's', 'Observation', ALLOWED],
    ['patient/*.read', 'patient', 'd', 'Observation', DENIED],
    ['patient/*.read', 'patient', 'c', 'Observation', DENIED],
    ['user/Observation.write', 'user', 'c', 'Observation', ALLOWED],
    ['user/Observation.write', 'user', 'u', 'Observation', ALLOWED],
    ['user/Observation.write', 'user', 'd', 'Observation', ALLOWED],
    ['user/Observation.write', 'user', 'r', 'Observation', DENIED],
    ['system/*.*', 'system', 'd', 'Binary', ALLOWED],
    // wildcard and type scopes add up
    ['user/Observation.r user/*.s', 'user', 'r', 'Observation', ALLOWED],
    ['user/Observation.r user/*.s', 'user', 's', 'Condition', ALLOWED],
    ['user/Observation.r user/*.s', 'user', 'r', 'Condition', DENIED],
    // restrictions
    ['patient/Observation.rs?category=laboratory', 'patient', 's', 'Observation', only([['category', 'laboratory']])],
    ['patient/Observation.rs?category=laboratory', 'patient', 'c', 'Observation', DENIED],
    ['patient/Observation.rs?category=laboratory', 'patient', 's', 'Condition', DENIED],
    [
      'patient/Observation.rs?category=laboratory patient/Observation.rs?category=vital-signs&status=final',
      'patient', 's', 'Observation',
      only([['category', 'laboratory']], [['category', 'vital-signs'], ['status', 'final']]),
    ],
    // an unrestricted scope wins over restricted ones for the interactions it has
    ['patient/Observation.rs?category=laboratory patient/Observation.r', 'patient', 'r', 'Observation', ALLOWED],
    ['patient/Observation.rs?category=laboratory patient/Observation.r', 'patient', 's', 'Observation', only([['category', 'laboratory']])],
    ['patient/Observation.rs?category=laboratory patient/*.rs', 'patient', 's', 'Observation', ALLOWED],
    // a restriction contained in a broader one adds nothing; identical ones count once; order does not matter
    ['patient/Observation.rs?category=laboratory&status=final patient/Observation.s?category=laboratory', 'patient', 's', 'Observation', only([['category', 'laboratory']])],
    ['patient/Observation.s?a=1&b=2 patient/Observation.rs?b=2&a=1', 'patient', 's', 'Observation', only([['a', '1'], ['b', '2']])],
    ['patient/*.rs?_tag=x', 'patient', 'r', 'Encounter', only([['_tag', 'x']])],
  ])('%s: %s %s %s', (scope, level, interaction, type, decision) => {
    expect(grant(scope).allows(level, interaction, type)).toEqual(decision);
  });

  it('patient/ scopes allow nothing without a launch patient (fail closed)', () => {
    for (const patient of [undefined, '']) {
      const g = grant('patient/*.cruds user/Patient.r', { patient });
      expect(g.patient).toBeUndefined();
      expect(g.allows('patient', 'r', 'Observation')).toEqual(DENIED);
      expect(g.allows('user', 'r', 'Patient')).toEqual(ALLOWED);
    }
  });

  it('named scopes grant no resource access but can be asked about', () => {
    const g = grant('openid fhirUser launch/patient offline_access');
    for (const level of ['patient', 'user', 'system'] as const) expect(g.allows(level, 'r', 'Patient')).toEqual(DENIED);
    expect([g.has('openid'), g.has('fhirUser'), g.has('offline_access'), g.has('online_access'), g.has('launch')]).toEqual([true, true, true, false, false]);
  });
});

describe('searchFilter(type, interaction)', () => {
  it('denied when no level allows it', () => {
    expect(grant('patient/Condition.rs user/Observation.r').searchFilter('Observation')).toEqual({ kind: 'denied' });
  });

  it('unrestricted through a user/ or system/ scope, whatever else is granted', () => {
    expect(grant('patient/Observation.rs?category=x user/Observation.s').searchFilter('Observation')).toEqual({ kind: 'unrestricted', level: 'user' });
    expect(grant('user/*.rs system/*.rs').searchFilter('Observation')).toEqual({ kind: 'unrestricted', level: 'system' });
  });

  it('patient/ scopes confine to the launch patient compartment, with their restrictions', () => {
    expect(grant('patient/*.rs').searchFilter('Observation')).toEqual({
      kind: 'filtered',
      anyOf: [{ level: 'patient', patient: '123', restriction: [] }],
    });
    expect(grant('patient/Observation.rs?category=laboratory patient/Observation.s?category=vital-signs').searchFilter('Observation')).toEqual({
      kind: 'filtered',
      anyOf: [
        { level: 'patient', patient: '123', restriction: [['category', 'laboratory']] },
        { level: 'patient', patient: '123', restriction: [['category', 'vital-signs']] },
      ],
    });
  });

  it('levels OR together; a path contained in another is left out', () => {
    expect(grant('patient/Observation.rs user/Observation.rs?category=laboratory').searchFilter('Observation')).toEqual({
      kind: 'filtered',
      anyOf: [
        { level: 'user', restriction: [['category', 'laboratory']] },
        { level: 'patient', patient: '123', restriction: [] },
      ],
    });
    // Laboratory results anywhere include the patient's laboratory results.
    expect(grant('patient/Observation.rs?category=laboratory system/Observation.s?category=laboratory').searchFilter('Observation')).toEqual({
      kind: 'filtered',
      anyOf: [{ level: 'system', restriction: [['category', 'laboratory']] }],
    });
  });

  it('uses the interaction asked for (r for includes and reads turned into searches)', () => {
    const g = grant('patient/Observation.r?category=laboratory patient/Observation.s');
    expect(g.searchFilter('Observation', 'r')).toEqual({ kind: 'filtered', anyOf: [{ level: 'patient', patient: '123', restriction: [['category', 'laboratory']] }] });
    expect(g.searchFilter('Observation')).toEqual({ kind: 'filtered', anyOf: [{ level: 'patient', patient: '123', restriction: [] }] });
  });
});

describe('canReadAny(type), for _include', () => {
  it.each<[string, string, boolean]>([
    ['patient/Observation.rs', 'Observation', true],
    ['patient/Observation.r', 'Observation', true],
    ['patient/Observation.s', 'Observation', true],
    ['patient/Observation.rs?category=laboratory', 'Observation', true],
    ['patient/Observation.cud', 'Observation', false],
    ['patient/*.write', 'Observation', false],
    ['patient/Observation.rs', 'Practitioner', false],
    ['user/*.read', 'Practitioner', true],
    ['system/Practitioner.r', 'Practitioner', true],
    ['openid fhirUser', 'Patient', false],
  ])('%s -> %s: %s', (scope, type, expected) => {
    expect(grant(scope).canReadAny(type)).toBe(expected);
  });

  it('patient/ scopes without a launch patient read nothing', () => {
    expect(grant('patient/*.rs', {}).canReadAny('Observation')).toBe(false);
  });
});
