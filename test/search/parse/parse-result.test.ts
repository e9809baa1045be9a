/** Result parameters, system-level search, strict vs lenient handling, and the applied list. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OperationOutcomeError } from '../../../src/fhir/errors.js';
import { parseSearch } from '../../../src/search/parse/parse-query.js';
import { thrown } from '../../helpers/thrown.js';

function rejects(types: string[] | undefined, query: [string, string][], name: string) {
  const err = thrown(() => parseSearch(types, query));
  expect(err.status).toBe(400);
  expect(err.outcome.issue[0].diagnostics).toContain(`'${name}'`);
  expect(err.outcome.issue[0].expression).toEqual([name]);
}

describe('_count', () => {
  it('defaults to 20', () => {
    expect(parseSearch(['Patient'], []).count).toBe(20);
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['50', 50],
    ['1000', 1000],
    ['1001', 1000],
    ['99999999999999999999999', 1000],
  ])('_count=%s -> %d, applied as such', (raw, count) => {
    const q = parseSearch(['Patient'], [['_count', raw]]);
    expect(q.count).toBe(count);
    expect(q.applied).toEqual([['_count', String(count)]]);
  });

  it.each(['-1', '1.5', 'abc', '1e2', '+5', ' 5'])('_count=%j is a 400', (raw) => rejects(['Patient'], [['_count', raw]], '_count'));
  it('may appear once', () => rejects(['Patient'], [['_count', '1'], ['_count', '2']], '_count'));
  it('takes no modifier', () => rejects(['Patient'], [['_count:x', '1']], '_count:x'));
});

describe('_sort', () => {
  it('a comma list, - for descending, any parameter type', () => {
    const q = parseSearch(['Observation'], [['_sort', '-date,code,value-quantity,subject,_lastUpdated,-_id']]);
    expect(q.sort.map((k) => [k.param.code, k.param.type, k.descending])).toEqual([
      ['date', 'date', true],
      ['code', 'token', false],
      ['value-quantity', 'quantity', false],
      ['subject', 'reference', false],
      ['_lastUpdated', 'date', false],
      ['_id', 'token', true],
    ]);
    expect(q.applied).toEqual([['_sort', '-date,code,value-quantity,subject,_lastUpdated,-_id']]);
  });

  it('unknown keys are left out and listed (lenient), a 400 (strict)', () => {
    const q = parseSearch(['Patient'], [['_sort', 'family,-foo,birthdate']]);
    expect(q.sort.map((k) => k.param.code)).toEqual(['family', 'birthdate']);
    expect(q.applied).toEqual([['_sort', 'family,birthdate']]);
    expect(q.ignored).toEqual(['_sort=-foo']);
    const err = thrown(() => parseSearch(['Patient'], [['_sort', '-foo']], { strict: true }));
    expect(err.status).toBe(400);
    expect(err.outcome.issue[0].expression).toEqual(['_sort']);
    expect(parseSearch(['Patient'], [['_sort', 'foo']]).applied).toEqual([]);
  });

  it.each([['--date'], ['date:exact'], ['subject.name']])('_sort=%s is a 400', (raw) => rejects(['Observation'], [['_sort', raw]], '_sort'));
  it('_sort:asc is a 400', () => rejects(['Observation'], [['_sort:asc', 'date']], '_sort:asc'));
});

describe('_include and _revinclude', () => {
  it.each<[string, string, object]>([
    ['_include', 'Observation:subject', { sourceType: 'Observation', param: 'subject', iterate: false }],
    ['_include', 'Observation:subject:Patient', { sourceType: 'Observation', param: 'subject', targetType: 'Patient', iterate: false }],
    ['_include', 'Observation:*', { sourceType: 'Observation', param: '*', iterate: false }],
    ['_include:iterate', 'Observation:has-member', { sourceType: 'Observation', param: 'has-member', iterate: true }],
    ['_include:recurse', 'Observation:has-member', { sourceType: 'Observation', param: 'has-member', iterate: true }],
    ['_revinclude', 'Provenance:target', { sourceType: 'Provenance', param: 'target', iterate: false }],
    ['_revinclude:iterate', 'Observation:patient:Patient', { sourceType: 'Observation', param: 'patient', targetType: 'Patient', iterate: true }],
  ])('%s=%s', (name, raw, clause) => {
    const q = parseSearch(['Observation'], [[name, raw]]);
    const clauses = name.startsWith('_include') ? q.include : q.revinclude;
    expect(clauses.map((c) => ({ ...c, param: c.param === '*' ? '*' : c.param.code }))).toEqual([clause]);
    expect(q.applied).toEqual([[name, raw]]);
  });

  it('the clause carries the definition; repeats and commas add clauses', () => {
    const q = parseSearch(['Encounter'], [['_include', 'Encounter:subject'], ['_include', 'Encounter:participant,Encounter:service-provider']]);
    expect(q.include.map((c) => (c.param === '*' ? '*' : c.param.url))).toEqual([
      'http://hl7.org/fhir/SearchParameter/Encounter-subject',
      'http://hl7.org/fhir/SearchParameter/Encounter-participant',
      'http://hl7.org/fhir/SearchParameter/Encounter-service-provider',
    ]);
  });

  it.each<[string, string]>([
    ['_include', 'Observation'],
    ['_include', 'Foo:subject'],
    ['_include', 'Observation:foo'],
    ['_include', 'Observation:code'], // not a reference
    ['_include', 'Observation:subject:Medication'], // not a target
    ['_include', 'Observation:subject:Foo'],
    ['_include', 'Observation:subject:'],
    ['_include', 'Observation:subject:Patient:x'],
    ['_include:deep', 'Observation:subject'],
    ['_revinclude:x', 'Provenance:target'],
  ])('%s=%s is a 400', (name, raw) => rejects(['Observation'], [[name, raw]], name));
});

describe('_summary, _elements, _total', () => {
  it.each(['true', 'text', 'data', 'count', 'false'])('_summary=%s', (raw) => {
    expect(parseSearch(['Patient'], [['_summary', raw]])).toMatchObject({ summary: raw, applied: [['_summary', raw]] });
  });
  it.each(['none', 'estimate', 'accurate'])('_total=%s', (raw) => {
    expect(parseSearch(['Patient'], [['_total', raw]])).toMatchObject({ total: raw, applied: [['_total', raw]] });
  });
  it('_elements is a comma list', () => {
    expect(parseSearch(['Patient'], [['_elements', 'identifier,name, birthDate,Patient.gender']]).elements).toEqual(['identifier', 'name', 'birthDate', 'Patient.gender']);
  });
  it.each<[string, string]>([
    ['_summary', 'yes'],
    ['_summary', 'TRUE'],
    ['_total', 'all'],
    ['_elements', 'name,1bad'],
    ['_elements', 'name/family'],
  ])('%s=%s is a 400', (name, raw) => rejects(['Patient'], [[name, raw]], name));
  it('_summary may appear once', () => rejects(['Patient'], [['_summary', 'true'], ['_summary', 'data']], '_summary'));
});

describe('system-level search and _type', () => {
  it('_type names the types; a parameter must exist on each', () => {
    const q = parseSearch(undefined, [['_type', 'Patient,Observation'], ['_id', 'a'], ['_lastUpdated', 'ge2024'], ['patient', '1'], ['identifier', 'x']]);
    expect(q.types).toEqual(['Patient', 'Observation']);
    expect(q.conditions.map((c) => c.name)).toEqual(['_id', '_lastUpdated', 'identifier']);
    expect(q.ignored).toEqual(['patient']);
    expect(q.applied).toEqual([['_type', 'Patient,Observation'], ['_id', 'a'], ['_lastUpdated', 'ge2024'], ['identifier', 'x']]);
  });

  it('without _type every type is searched: only parameters all types share apply', () => {
    const q = parseSearch(undefined, [['_id', 'a'], ['_tag', 'x|y'], ['name', 'x'], ['_sort', '-_lastUpdated,name']]);
    expect(q.types).toEqual([]);
    expect(q.conditions.map((c) => c.param.url)).toEqual(['http://hl7.org/fhir/SearchParameter/Resource-id', 'http://hl7.org/fhir/SearchParameter/Resource-tag']);
    expect(q.sort.map((k) => k.param.code)).toEqual(['_lastUpdated']);
    expect(q.ignored).toEqual(['name', '_sort=name']);
  });

  it('a parameter typed differently on two searched types is a 400', () => {
    expect(parseSearch(undefined, [['_type', 'Observation,Encounter'], ['date', 'ge2024']]).conditions).toHaveLength(1);
    // series is a string on Immunization and a token on ImagingStudy
    rejects(undefined, [['_type', 'Immunization,ImagingStudy'], ['series', 'x']], 'series');
  });

  it('_type may appear once; repeated types in it count once', () => {
    rejects(undefined, [['_type', 'Patient'], ['_type', 'Group']], '_type');
    expect(parseSearch(undefined, [['_type', 'Patient,Group,Patient']]).types).toEqual(['Patient', 'Group']);
  });

  it.each([['Foo'], ['Patient,Foo'], ['patient']])('_type=%s is a 400', (raw) => rejects(undefined, [['_type', raw]], '_type'));

  it('_type in a type-level search is ignored', () => {
    const q = parseSearch(['Patient'], [['_type', 'Patient']]);
    expect(q.types).toEqual(['Patient']);
    expect(q.ignored).toEqual(['_type']);
  });
});

describe('lenient and strict', () => {
  const query: [string, string][] = [['name', 'x'], ['foo', '1'], ['_contained', 'true'], ['_containedType', 'contained'], ['_filter', 'name eq x']];

  it('lenient: unknown and unsupported parameters are left out and listed in order', () => {
    const q = parseSearch(['Patient'], query);
    expect(q.conditions.map((c) => c.name)).toEqual(['name']);
    expect(q.ignored).toEqual(['foo', '_contained', '_containedType', '_filter']);
    expect(q.applied).toEqual([['name', 'x']]);
  });

  it('strict: one not-supported issue per ignored parameter, each pointing at it', () => {
    const err = thrown(() => parseSearch(['Patient'], query, { strict: true }));
    expect(err.status).toBe(400);
    expect(err.outcome.issue.map((i) => [i.code, i.expression])).toEqual([
      ['not-supported', ['foo']],
      ['not-supported', ['_contained']],
      ['not-supported', ['_containedType']],
      ['not-supported', ['_filter']],
    ]);
    expect(err.outcome.issue[0].diagnostics).toContain("'foo'");
  });

  it('strict with only known parameters parses normally', () => {
    expect(parseSearch(['Patient'], [['name', 'x']], { strict: true }).conditions).toHaveLength(1);
  });

  it('malformed parameters are a 400 either way', () => {
    rejects(['Patient'], [['birthdate', 'notadate']], 'birthdate');
    const err = thrown(() => parseSearch(['Patient'], [['birthdate', 'notadate']], { strict: true }));
    expect(err.status).toBe(400);
  });
});

describe('applied, AND/OR and empty values', () => {
  it('one condition per occurrence (AND), values ORed; applied keeps names and values as written', () => {
    const q = parseSearch(
      ['Patient'],
      [
        ['name', 'a,b'],
        ['_count', '10'],
        ['name:exact', 'C\\,D'],
        ['birthdate', 'ge1990'],
        ['birthdate', 'lt2000'],
        ['_include', 'Patient:organization'],
      ],
    );
    expect(q.conditions.map((c) => [c.name, c.values.length])).toEqual([
      ['name', 2],
      ['name:exact', 1],
      ['birthdate', 1],
      ['birthdate', 1],
    ]);
    expect(q.conditions[1].values).toEqual([{ kind: 'string', value: 'C,D', norm: 'c,d' }]);
    expect(q.applied).toEqual([
      ['name', 'a,b'],
      ['_count', '10'],
      ['name:exact', 'C\\,D'],
      ['birthdate', 'ge1990'],
      ['birthdate', 'lt2000'],
      ['_include', 'Patient:organization'],
    ]);
  });

  it('empty values select nothing and are dropped; empty OR items are skipped', () => {
    const q = parseSearch(['Patient'], [['name', ''], ['_count', ''], ['gender', 'male,,female'], ['family', ',']]);
    expect(q.conditions.map((c) => [c.name, c.values.length])).toEqual([['gender', 2]]);
    expect(q.count).toBe(20);
    expect(q.applied).toEqual([['gender', 'male,,female']]);
    expect(q.ignored).toEqual([]);
  });

  it('works on Practitioner and Condition parameters alike', () => {
    const q = parseSearch(['Practitioner'], [['given', 'Ann'], ['address-city', 'Lyon']]);
    expect(q.conditions.map((c) => c.param.type)).toEqual(['string', 'string']);
    const c = parseSearch(['Condition'], [['clinical-status', 'active'], ['onset-date', 'le2020'], ['onset-age', 'gt65|http://unitsofmeasure.org|a']]);
    expect(c.conditions.map((x) => x.values[0].kind)).toEqual(['token', 'date', 'quantity']);
  });
});

describe('never anything but an OperationOutcomeError', () => {
  const names = ['name', 'birthdate', 'identifier', 'general-practitioner', 'subject', 'code', 'value-quantity', 'code-value-quantity', '_id', '_count', '_sort', '_include', '_has', '_type', 'probability', 'url'];
  const piece = fc.constantFrom('', ':', '.', '|', '$', ',', '\\', '-', 'ge', 'x', 'Patient', '1', '1e2', '2024-', 'T', 'missing', 'exact', 'Observation', '*', 'iterate');
  const word = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));
  const name = fc.oneof(fc.constantFrom(...names), fc.tuple(fc.constantFrom(...names), word).map(([n, w]) => n + w));
  const type = fc.constantFrom<string[] | undefined>(['Patient'], ['Observation'], ['RiskAssessment'], ['ValueSet'], undefined);

  it('for arbitrary names and values', () => {
    fc.assert(
      fc.property(type, fc.array(fc.tuple(name, word), { maxLength: 4 }), fc.boolean(), (types, query, strict) => {
        try {
          parseSearch(types, query, { strict });
        } catch (err) {
          expect(err).toBeInstanceOf(OperationOutcomeError);
          expect((err as OperationOutcomeError).status).toBe(400);
        }
      }),
      { numRuns: 400 },
    );
  });
});
