import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/thrown.js';
import type { Resource } from '../../../src/fhir/types.js';
import { applyJsonPatch } from '../../../src/interactions/patch/json-patch.js';
import { haveSharedCases, patchCasesDir } from './shared-cases.js';

interface JsonPatchCase {
  comment: string;
  doc: unknown;
  patch: unknown;
  expected?: unknown;
  error?: string;
}

if (!haveSharedCases) console.log(`JSON Patch official cases skipped: ${patchCasesDir} is absent`);

(haveSharedCases ? describe : describe.skip)('JSON Patch: official fhir-test-cases r4/patch/json-patch-tests.json', () => {
  const cases = haveSharedCases
    ? (JSON.parse(readFileSync(join(patchCasesDir, 'json-patch-tests.json'), 'utf8')) as JsonPatchCase[])
    : [];
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(c.comment, () => {
      const doc = c.doc as Resource;
      const before = structuredClone(doc);
      if (c.error !== undefined) {
        const err = thrown(() => applyJsonPatch(doc, c.patch));
        expect(err.status).toBe(422);
        expect(err.outcome.issue[0].expression?.[0]).toMatch(/^\[\d+\]\./);
      } else {
        expect(applyJsonPatch(doc, c.patch)).toEqual(c.expected);
      }
      expect(doc).toEqual(before);
    });
  }
});

describe('JSON Patch: handwritten', () => {
  const patient = (): Resource => ({
    resourceType: 'Patient',
    id: 'p1',
    name: [{ family: 'Chalmers', given: ['Peter', 'James'] }],
    birthDate: '1974-12-25',
    _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] },
  });

  it('applies a sequence without mutating the input or aliasing the patch', () => {
    const input = patient();
    const before = structuredClone(input);
    const patch = [
      { op: 'test', path: '/name/0/family', value: 'Chalmers' },
      { op: 'replace', path: '/name/0/family', value: 'Chalmers1' },
      { op: 'add', path: '/telecom', value: [{ system: 'phone', value: '555' }] },
      { op: 'copy', from: '/name/0', path: '/name/-' },
      { op: 'move', from: '/name/0/given/1', path: '/name/0/given/0' },
      { op: 'remove', path: '/birthDate' },
    ];
    const out = applyJsonPatch(input, patch);
    expect(input).toEqual(before);
    expect(out).toEqual({
      resourceType: 'Patient',
      id: 'p1',
      name: [
        { family: 'Chalmers1', given: ['James', 'Peter'] },
        { family: 'Chalmers1', given: ['Peter', 'James'] },
      ],
      _birthDate: before._birthDate,
      telecom: [{ system: 'phone', value: '555' }],
    });
    (out.telecom as { value: string }[])[0].value = 'changed';
    expect(patch[2].value).toEqual([{ system: 'phone', value: '555' }]);
  });

  it.each([
    ['not an array', { op: 'add' }, ''],
    ['an operation that is not an object', [{ op: 'test', path: '/id', value: 'p1' }, 3], '[1]'],
    ['an unknown op', [{ op: 'test', path: '/id', value: 'p1' }, { op: 'frobnicate', path: '/id' }], '[1].op'],
    ['a missing path', [{ op: 'remove' }], '[0].path'],
    ['a path that is not a pointer', [{ op: 'remove', path: 'id' }], '[0].path'],
    ['a missing value', [{ op: 'test', path: '/id', value: 'p1' }, { op: 'test', path: '/id', value: 'p1' }, { op: 'add', path: '/x' }], '[2].value'],
    ['a missing from', [{ op: 'move', path: '/x' }], '[0].from'],
    ['a move into its own child', [{ op: 'move', from: '/name', path: '/name/0' }], '[0].from'],
  ])('rejects %s with 400 naming the operation', (_what, patch, expression) => {
    const err = thrown(() => applyJsonPatch(patient(), patch));
    expect(err.status).toBe(400);
    expect(err.outcome.issue[0].expression).toEqual([expression]);
  });

  it.each([
    ['a failing test', [{ op: 'test', path: '/id', value: 'p1' }, { op: 'test', path: '/name/0/family', value: 'Smith' }], '[1].path', /not equal/],
    ['removing a path that does not exist', [{ op: 'remove', path: '/gender' }], '[0].path', /does not exist/],
    ['replacing a path that does not exist', [{ op: 'replace', path: '/name/3/family', value: 'x' }], '[0].path', /does not exist/],
    ['adding under a missing object', [{ op: 'add', path: '/maritalStatus/text', value: 'x' }], '[0].path', /does not exist/],
    ['adding past the end of an array', [{ op: 'add', path: '/name/5', value: {} }], '[0].path', /greater than/],
    ['moving from a path that does not exist', [{ op: 'move', from: '/gender', path: '/x' }], '[0].from', /does not exist/],
  ])('rejects %s with 422', (_what, patch, expression, message) => {
    const err = thrown(() => applyJsonPatch(patient(), patch));
    expect(err.status).toBe(422);
    expect(err.outcome.issue[0].expression).toEqual([expression]);
    expect(err.outcome.issue[0].diagnostics).toMatch(message);
    expect(err.outcome.issue[0].diagnostics).not.toContain('Chalmers'); // no document dump
  });

  it('refuses prototype pollution', () => {
    const err = thrown(() => applyJsonPatch(patient(), [{ op: 'add', path: '/__proto__/polluted', value: 1 }]));
    expect(err.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses replacing the resource with a non-object', () => {
    expect(thrown(() => applyJsonPatch(patient(), [{ op: 'replace', path: '', value: 3 }])).status).toBe(422);
  });
});
