/** Parsing and writing SMART scopes (scopes-and-launch-context.html): v1, v2, restrictions, named scopes, errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatClinical,
  INTERACTIONS,
  LEVELS,
  NAMED_SCOPES,
  parseScope,
  parseScopes,
  type ClinicalScope,
  type Scope,
} from '../../src/auth/scopes.js';

const LAB = 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory';

function clinical(token: string): ClinicalScope {
  const s = parseScope(token);
  if (!('kind' in s) || s.kind !== 'clinical') throw new Error(`${token}: ${JSON.stringify(s)}`);
  return s;
}

describe('clinical scopes', () => {
  it.each([
    ['patient/Observation.read', 'patient', 'Observation', 'rs', 1],
    ['user/*.write', 'user', '*', 'cud', 1],
    ['system/*.*', 'system', '*', 'cruds', 1],
    ['patient/Patient.r', 'patient', 'Patient', 'r', 2],
    ['patient/Observation.rs', 'patient', 'Observation', 'rs', 2],
    ['patient/Observation.cu', 'patient', 'Observation', 'cu', 2],
    ['user/Appointment.cruds', 'user', 'Appointment', 'cruds', 2],
    ['system/Encounter.cud', 'system', 'Encounter', 'cud', 2],
    ['system/*.s', 'system', '*', 's', 2],
    ['patient/*.d', 'patient', '*', 'd', 2],
  ])('%s -> %s, %s, %s (v%d)', (token, level, type, perms, version) => {
    const s = clinical(token);
    expect(s).toMatchObject({ kind: 'clinical', raw: token, level, type, version, restriction: [] });
    expect(s.interactions.join('')).toBe(perms);
  });

  it.each([
    ['read', 'rs'],
    ['write', 'cud'],
    ['*', 'cruds'],
  ])('v1 .%s means v2 .%s (and never e.g. .rd for read)', (v1, v2) => {
    for (const level of LEVELS) {
      for (const type of ['Observation', '*']) {
        const a = clinical(`${level}/${type}.${v1}`);
        const b = clinical(`${level}/${type}.${v2}`);
        expect([a.version, b.version]).toEqual([1, 2]);
        expect(a.interactions).toEqual(b.interactions);
      }
    }
  });

  it('every non-empty in-order subset of cruds is a v2 permission', () => {
    fc.assert(
      fc.property(fc.subarray([...INTERACTIONS], { minLength: 1 }), (perms) => {
        expect(clinical(`user/Condition.${perms.join('')}`).interactions).toEqual(perms);
      }),
    );
  });
});

describe('restrictions', () => {
  it.each([
    [`patient/Observation.rs?category=${LAB}`, [['category', LAB]]],
    ['user/Observation.rs?category=laboratory&status=final', [['category', 'laboratory'], ['status', 'final']]],
    ['patient/Observation.rs?category=a&category=b', [['category', 'a'], ['category', 'b']]],
    ['patient/Observation.rs?code:in=http://valueset.example.org/ValueSet/diabetes-codes', [['code:in', 'http://valueset.example.org/ValueSet/diabetes-codes']]],
    ['patient/Observation.rs?patient.birthdate=1990', [['patient.birthdate', '1990']]],
    ['patient/*.rs?_tag=http://example.org|x', [['_tag', 'http://example.org|x']]],
    ['patient/Observation.rs?code=http%3A%2F%2Floinc.org%7C1234-5', [['code', 'http://loinc.org|1234-5']]],
    ['patient/Observation.rs?_filter=code%20eq%20x', [['_filter', 'code eq x']]],
    ['patient/Observation.rs?value=a=b', [['value', 'a=b']]],
    ['patient/Observation.rs?note=50%25%26more', [['note', '50%&more']]],
  ])('%s', (token, restriction) => {
    const s = clinical(token);
    expect(s.restriction).toEqual(restriction);
    expect(s.version).toBe(2);
  });

  it('written back, a restriction parses to the same pairs whatever characters it holds', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:-]{0,8}$/);
    const value = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
    fc.assert(
      fc.property(
        fc.constantFrom(...LEVELS),
        fc.constantFrom('Observation', '*'),
        fc.subarray([...INTERACTIONS], { minLength: 1 }),
        fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 3 }),
        (level, type, perms, restriction) => {
          const raw = formatClinical(level, type, perms, restriction);
          expect(raw).not.toMatch(/\s/);
          expect(clinical(raw)).toMatchObject({ level, type, interactions: perms, restriction, version: 2 });
        },
      ),
    );
  });
});

describe('named scopes', () => {
  it.each([...NAMED_SCOPES])('%s', (name) => {
    expect(parseScope(name)).toEqual({ kind: 'named', raw: name, name });
  });
});

describe('malformed and unknown scopes are errors, not exceptions', () => {
  it.each([
    ['patient/Observation.xyz', /permissions 'xyz'/],
    ['patient/Observation.READ', /permissions 'READ'/],
    ['patient/Observation.', /permissions ''/],
    // The spec: "Valid suffixes are a subset of the in-order string .cruds"; out-of-order requests MAY be rejected.
    ['patient/*.sr', /permissions 'sr'/],
    ['patient/*.dus', /permissions 'dus'/],
    ['patient/*.rrs', /permissions 'rrs'/],
    ['patient/*.r.s', /permissions 'r.s'/],
    ['patient/*.readwrite', /permissions 'readwrite'/],
    ['patient/Foo.rs', /'Foo', which is not a FHIR R4 resource type/],
    ['patient/observation.rs', /'observation', which is not/],
    ['patient/Resource.rs', /'Resource', which is not/],
    ['patient/DomainResource.rs', /'DomainResource', which is not/],
    ['patient/Observation/x.rs', /'Observation\/x', which is not/],
    ['bogus/*.rs', /is not <patient\|user\|system>/],
    ['Patient/Observation.rs', /is not <patient\|user\|system>/],
    ['patient/Observation', /is not <patient\|user\|system>/],
    ['patient/.rs', /is not <patient\|user\|system>/],
    ['patient/*.rs?', /'' that is not param=value/],
    ['patient/*.rs?category', /'category' that is not param=value/],
    ['patient/*.rs?a=1&&b=2', /'' that is not param=value/],
    ['patient/*.rs?=x', /invalid parameter name ''/],
    ['patient/*.rs?1a=x', /invalid parameter name '1a'/],
    ['patient/*.rs?category=', /'category' with an empty value/],
    ['patient/*.rs?code=%zz', /badly percent-encoded/],
    ['patient/*.read?category=laboratory', /v1 permissions 'read' with a \?query/],
    ['patient/*.*?category=laboratory', /v1 permissions '\*'/],
    ['patient/*.rs?note="x"', /characters a scope may not have/],
    ['patient/*.rs?x=caf\u00e9', /characters a scope may not have/],
    ['launch/diagnosticreport', /not a scope this server knows/],
    ['launch/', /not a scope this server knows/],
    ['fhiruser', /not a scope this server knows/],
    ['OPENID', /not a scope this server knows/],
    ['__profilePhoto.manage', /not a scope this server knows/],
  ])('%s', (token, message) => {
    const s = parseScope(token);
    expect(s).toEqual({ scope: token, message: expect.stringMatching(message) });
  });
});

describe('parseScopes', () => {
  it('splits on spaces, skips empty tokens and repeats, keeps order, collects errors', () => {
    const { scopes, errors } = parseScopes('  openid fhirUser\tpatient/*.rs patient/Foo.rs  openid patient/*.sr launch/patient ');
    expect(scopes.map((s: Scope) => s.raw)).toEqual(['openid', 'fhirUser', 'patient/*.rs', 'launch/patient']);
    expect(errors.map((e) => e.scope)).toEqual(['patient/Foo.rs', 'patient/*.sr']);
  });

  it('an empty or blank string is no scopes and no errors', () => {
    expect(parseScopes('')).toEqual({ scopes: [], errors: [] });
    expect(parseScopes('   ')).toEqual({ scopes: [], errors: [] });
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const { scopes, errors } = parseScopes(text);
        expect(scopes.length + errors.length).toBeLessThanOrEqual(text.length);
      }),
    );
  });
});
