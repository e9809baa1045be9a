import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/thrown.js';
import type { Parameters, ParametersParameter, Resource } from '../../../src/fhir/types.js';
import { applyFhirPathPatch } from '../../../src/interactions/patch/fhirpath-patch.js';

type Part = ParametersParameter;

/** One `operation` parameter from its parts (`value` may be a value[x] object or nested parts). */
function op(type: string, path: string, extra: Record<string, unknown> = {}): ParametersParameter {
  const part: Part[] = [
    { name: 'type', valueCode: type },
    { name: 'path', valueString: path },
  ];
  for (const [name, v] of Object.entries(extra)) {
    if (name === 'name') part.push({ name, valueString: v as string });
    else if (name === 'index' || name === 'source' || name === 'destination') part.push({ name, valueInteger: v as number });
    else if (name === 'value') part.push({ name: 'value', ...(v as object) });
  }
  return { name: 'operation', part };
}

const patch = (...operations: ParametersParameter[]): Parameters => ({ resourceType: 'Parameters', parameter: operations });

const birthTime = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] };

function patient(): Resource {
  return {
    resourceType: 'Patient',
    id: 'p1',
    identifier: [
      { use: 'official', system: 'http://example.org', value: '1' },
      { use: 'secondary', system: 'http://example.org', value: '2' },
    ],
    name: [{ family: 'Chalmers', given: ['Peter', 'James', 'Jim'], _given: [null, { id: 'g2' }, null] }],
    birthDate: '1974-12-25',
    _birthDate: structuredClone(birthTime),
    deceasedBoolean: false,
  };
}

describe('FHIRPath Patch: handwritten', () => {
  it('never mutates the resource or the Parameters, and does not alias patch values', () => {
    const input = patient();
    const before = structuredClone(input);
    const params = patch(
      op('replace', 'Patient.birthDate', { value: { valueDate: '1975-01-01' } }),
      op('add', 'Patient', { name: 'maritalStatus', value: { valueCodeableConcept: { text: 'married' } } }),
      op('delete', 'Patient.identifier[0]'),
    );
    const paramsBefore = structuredClone(params);
    const out = applyFhirPathPatch(input, params);
    expect(input).toEqual(before);
    expect(params).toEqual(paramsBefore);
    (out.maritalStatus as { text: string }).text = 'changed';
    expect(params).toEqual(paramsBefore);
  });

  it('keeps a primitive’s extensions when replacing its value, and drops them when deleting it', () => {
    const replaced = applyFhirPathPatch(patient(), patch(op('replace', 'Patient.birthDate', { value: { valueDate: '1975-01-01' } })));
    expect(replaced.birthDate).toBe('1975-01-01');
    expect(replaced._birthDate).toEqual(birthTime);
    const deleted = applyFhirPathPatch(patient(), patch(op('delete', 'Patient.birthDate')));
    expect('birthDate' in deleted || '_birthDate' in deleted).toBe(false);
  });

  it('keeps _given aligned through insert, move and delete in a primitive list', () => {
    const out = applyFhirPathPatch(
      patient(),
      patch(
        op('insert', 'Patient.name[0].given', { index: 0, value: { valueString: 'Dr' } }),
        op('move', 'Patient.name[0].given', { source: 2, destination: 0 }),
        op('delete', 'Patient.name[0].given[3]'),
      ),
    );
    expect((out.name as Record<string, unknown>[])[0]).toEqual({ family: 'Chalmers', given: ['James', 'Dr', 'Peter'], _given: [{ id: 'g2' }, null, null] });
  });

  it('adds an extension to a primitive, and to a primitive in a list', () => {
    const out = applyFhirPathPatch(
      patient(),
      patch(
        op('add', 'Patient.name[0].given[2]', {
          name: 'extension',
          value: { part: [{ name: 'url', valueUri: 'http://example.org/nick' }, { name: 'value', valueBoolean: true }] },
        }),
        op('add', 'Patient.deceased', { name: 'id', value: { valueString: 'd1' } }),
      ),
    );
    expect((out.name as Record<string, unknown>[])[0]._given).toEqual([null, { id: 'g2' }, { extension: [{ url: 'http://example.org/nick', valueBoolean: true }] }]);
    expect(out._deceasedBoolean).toEqual({ id: 'd1' });
  });

  it('replaces a choice element with another of its types', () => {
    const out = applyFhirPathPatch(patient(), patch(op('replace', 'Patient.deceased', { value: { valueDateTime: '2020-01-01' } })));
    expect(out.deceasedDateTime).toBe('2020-01-01');
    expect('deceasedBoolean' in out).toBe(false);
    const err = thrown(() => applyFhirPathPatch(patient(), patch(op('replace', 'Patient.deceased', { value: { valueString: 'x' } }))));
    expect(err.status).toBe(422);
  });

  it('adds a choice element named without its suffix', () => {
    const input = patient();
    delete input.deceasedBoolean;
    const out = applyFhirPathPatch(input, patch(op('add', 'Patient', { name: 'deceased', value: { valueBoolean: true } })));
    expect(out.deceasedBoolean).toBe(true);
  });

  it('inserts into a list that does not exist yet, and lays out nested parts by cardinality', () => {
    const out = applyFhirPathPatch(
      patient(),
      patch(
        op('insert', 'Patient.contact', {
          index: 0,
          value: { part: [{ name: 'telecom', valueContactPoint: { system: 'phone', value: '555' } }, { name: 'gender', valueCode: 'female' }] },
        }),
      ),
    );
    expect(out.contact).toEqual([{ telecom: [{ system: 'phone', value: '555' }], gender: 'female' }]);
  });

  it('treats delete of nothing as a no-op, and removes objects left empty', () => {
    expect(applyFhirPathPatch(patient(), patch(op('delete', 'Patient.maritalStatus')))).toEqual(patient());
    const input: Resource = { resourceType: 'Patient', maritalStatus: { text: 'married' } };
    expect(applyFhirPathPatch(input, patch(op('delete', 'Patient.maritalStatus.text')))).toEqual({ resourceType: 'Patient' });
  });

  it.each([
    ['a parameter not named operation', { resourceType: 'Parameters', parameter: [{ name: 'op' }] }, 'Parameters.parameter[0].name'],
    ['an unknown type', patch(op('delete', 'Patient.id'), op('frob', 'Patient')), 'Parameters.parameter[1].part[0]'],
    ['a missing value', patch(op('delete', 'Patient.id'), op('replace', 'Patient.id')), 'Parameters.parameter[1]'],
    ['a part the type does not take', patch(op('delete', 'Patient.id', { index: 1 })), 'Parameters.parameter[0].part[2]'],
    ['a FHIRPath syntax error', patch(op('delete', 'Patient.id'), op('delete', 'Patient.name[')), 'Parameters.parameter[1].part[1]'],
    ['a negative index', patch(op('insert', 'Patient.identifier', { index: -1, value: { valueIdentifier: {} } })), 'Parameters.parameter[0].part[2]'],
    ['a value with two value[x]', patch(op('replace', 'Patient.id', { value: { valueId: 'a', valueString: 'b' } })), 'Parameters.parameter[0].part[2]'],
  ])('rejects %s with 400 naming the operation', (_what, params, expression) => {
    const err = thrown(() => applyFhirPathPatch(patient(), params as Parameters));
    expect(err.status).toBe(400);
    expect(err.outcome.issue[0].expression).toEqual([expression]);
  });

  it.each([
    ['replace matching nothing', op('replace', 'Patient.gender', { value: { valueCode: 'male' } }), 'part[1]', /No content found/],
    ['replace matching several', op('replace', 'Patient.identifier.value', { value: { valueString: 'x' } }), 'part[1]', /matches 2 elements/],
    ['delete matching several', op('delete', 'Patient.name.given'), 'part[1]', /matches 3 elements/],
    ['add to several', op('add', 'Patient.identifier', { name: 'use', value: { valueCode: 'old' } }), 'part[1]', /matches 2 elements/],
    ['add of a single element that exists', op('add', 'Patient', { name: 'birthDate', value: { valueDate: '1980' } }), 'part[2]', /use replace/],
    ['add of an unknown element', op('add', 'Patient', { name: 'colour', value: { valueString: 'blue' } }), 'part[2]', /not an element/],
    ['insert beyond the end', op('insert', 'Patient.identifier', { index: 3, value: { valueIdentifier: { value: '3' } } }), 'part[2]', /beyond the end/],
    ['move from beyond the end', op('move', 'Patient.identifier', { source: 2, destination: 0 }), 'part[2]', /source 2/],
    ['insert into something not a list', op('insert', 'Patient.birthDate', { index: 0, value: { valueDate: '1980' } }), 'part[1]', /one list/],
    ['a path to a computed value', op('delete', 'Patient.name.given.count()'), 'part[1]', /computed value/],
    ['delete of the resource itself', op('delete', 'Patient'), 'part[1]', /the resource itself/],
  ])('rejects %s with 422 naming the operation', (_what, operation, part, message) => {
    const err = thrown(() => applyFhirPathPatch(patient(), patch(op('delete', 'Patient.active'), operation)));
    expect(err.status).toBe(422);
    expect(err.outcome.issue[0].expression).toEqual([`Parameters.parameter[1].${part}`]);
    expect(err.outcome.issue[0].diagnostics).toMatch(message);
  });

  it('accepts Patient.text.div although div is a FHIRPath operator', () => {
    const input: Resource = { resourceType: 'Patient', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">a</div>' } };
    const div = '<div xmlns="http://www.w3.org/1999/xhtml">b</div>';
    const out = applyFhirPathPatch(input, patch(op('replace', "Patient.text.where(status = 'x.div' or true).div", { value: { valueString: div } })));
    expect(out.text).toEqual({ status: 'generated', div });
  });
});
