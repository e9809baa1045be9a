/** The case record format: the schema's checks as located issues, normalisation, unknown fields kept and reported. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaseRecord, parseCaseRecords } from '../../src/cases/case-record.js';
import type { OperationOutcomeIssue } from '../../src/fhir/types.js';

const errors = (issues: OperationOutcomeIssue[]) => issues.filter((i) => i.severity === 'error');
const where = (issues: OperationOutcomeIssue[]) => errors(issues).map((i) => i.expression?.[0]);

describe('parseCaseRecord', () => {
  it('parses the seed example, normalising single values to lists', () => {
    const r = parseCaseRecord({ patient_id: '123', diagnosis: '心脏病', treatment: '药物治疗' });
    expect(r.issues).toEqual([]);
    expect(r.record).toEqual({
      patient_id: '123', diagnosis: ['心脏病'], treatment: ['药物治疗'], observations: [], medications: [],
    });
  });

  it('parses a full Chinese record: 男 → male, numeric strings → numbers, SI units kept', () => {
    const r = parseCaseRecord({
      patient_id: '00123', name: '张三', gender: '男', birth_date: '1958-03',
      diagnosis: ['高血压', 'ICD-10:I10'], treatment: '药物治疗',
      observations: [
        { name: '血糖', value: '5.6', unit: 'mmol/L', date: '2024-05-01' },
        { name: '肌酐', value: 88, unit: 'µmol/L', date: '2024-05-01T08:30:00+08:00' },
      ],
      medications: '氨氯地平 5mg qd', recorded_at: '2024-05-02', source: '某市人民医院',
    });
    expect(r.issues).toEqual([]);
    expect(r.record?.gender).toBe('male');
    expect(r.record?.patient_id).toBe('00123');
    expect(r.record?.diagnosis).toEqual(['高血压', 'ICD-10:I10']);
    expect(r.record?.medications).toEqual(['氨氯地平 5mg qd']);
    expect(r.record?.observations).toEqual([
      { name: '血糖', value: 5.6, unit: 'mmol/L', date: '2024-05-01' },
      { name: '肌酐', value: 88, unit: 'µmol/L', date: '2024-05-01T08:30:00+08:00' },
    ]);
  });

  it('parses an English record; 女 → female', () => {
    const r = parseCaseRecord({
      patient_id: 'H-9', name: 'Jane Doe', gender: 'female', birth_date: '1970',
      diagnosis: 'hypertension', treatment: ['lifestyle advice', 'medication'],
      observations: [{ code: 'LOINC:2345-7', value: ' 6.1 ', unit: 'mmol/L' }], recorded_at: '2024-05-02T10:00:00Z',
    });
    expect(r.issues).toEqual([]);
    expect(r.record?.observations[0].value).toBe(6.1);
    expect(r.record?.treatment).toEqual(['lifestyle advice', 'medication']);
    expect(parseCaseRecord({ patient_id: '1', gender: '女' }).record?.gender).toBe('female');
  });

  it.each([
    [{}, 'patient_id', 'required'],
    [{ patient_id: 123 }, 'patient_id', 'structure'],
    [{ patient_id: '  ' }, 'patient_id', 'value'],
    [{ patient_id: '1', gender: 'M' }, 'gender', 'code-invalid'],
    [{ patient_id: '1', birth_date: '1990-13-01' }, 'birth_date', 'value'],
    [{ patient_id: '1', birth_date: '1990-01-01T00:00:00Z' }, 'birth_date', 'value'],
    [{ patient_id: '1', recorded_at: '2024-01-01 10:00' }, 'recorded_at', 'value'],
    [{ patient_id: '1', diagnosis: 5 }, 'diagnosis', 'structure'],
    [{ patient_id: '1', diagnosis: ['a', 3] }, 'diagnosis[1]', 'structure'],
    [{ patient_id: '1', treatment: '' }, 'treatment', 'value'],
    [{ patient_id: '1', medications: [{}] }, 'medications[0]', 'structure'],
    [{ patient_id: '1', observations: {} }, 'observations', 'structure'],
    [{ patient_id: '1', observations: [{ code: 'c', value: 1 }, { code: 'c', value: 'high' }] }, 'observations[1].value', 'value'],
    [{ patient_id: '1', observations: [{ code: 'c' }] }, 'observations[0].value', 'required'],
    [{ patient_id: '1', observations: [{ value: 1, unit: 'mmol/L' }] }, 'observations[0]', 'required'],
    [{ patient_id: '1', observations: [{ name: 'x', value: 1, date: '2024-02-30T10:00' }] }, 'observations[0].date', 'value'],
    [{ patient_id: '1', observations: [{ name: 'x', value: '1e999' }] }, 'observations[0].value', 'value'],
  ])('rejects %j at %s (%s)', (input, expression, code) => {
    const r = parseCaseRecord(input);
    expect(r.record).toBeUndefined();
    expect(errors(r.issues)).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: 'error', code, expression: [expression] });
    expect(r.issues[0].diagnostics).toMatch(new RegExp(`^${expression.replace(/[[\].]/g, '\\$&')}: `));
  });

  it('says why a numeric patient_id is refused, and which observation lacks a code or a name', () => {
    expect(parseCaseRecord({ patient_id: 123 }).issues[0].diagnostics).toMatch(/quote numeric ids/);
    expect(parseCaseRecord({ patient_id: '1', observations: [{ value: 1 }] }).issues[0].diagnostics)
      .toBe('observations[0]: an observation needs a `code` or a `name`');
  });

  it('reports every error of a record, not only the first', () => {
    const r = parseCaseRecord({ gender: 'x', observations: [{ value: 'y' }] });
    expect(where(r.issues).sort()).toEqual(['gender', 'observations[0]', 'observations[0].value', 'patient_id']);
  });

  it('rejects what is not an object, without an expression', () => {
    for (const input of [null, 'x', 5, undefined]) {
      const r = parseCaseRecord(input);
      expect(r.record).toBeUndefined();
      expect(r.issues).toEqual([{ severity: 'error', code: 'structure', diagnostics: 'a case record must be a JSON object' }]);
    }
  });

  it('keeps unknown fields and reports each as a warning naming it', () => {
    const r = parseCaseRecord({
      patient_id: '1', ward: '心内科', 血压: '140/90', observations: [{ name: '血糖', value: 5, method: 'fasting' }],
    });
    expect(r.record?.extra).toEqual({ ward: '心内科', 血压: '140/90' });
    expect(r.record?.observations[0].extra).toEqual({ method: 'fasting' });
    expect(r.issues.map((i) => [i.severity, i.code, i.expression?.[0]])).toEqual([
      ['warning', 'informational', 'observations[0].method'],
      ['warning', 'informational', 'ward'],
      ['warning', 'informational', '`血压`'],
    ]);
  });

  it('keeps a JSON "__proto__" key as a plain unknown field', () => {
    const r = parseCaseRecord(JSON.parse('{"patient_id": "1", "__proto__": {"polluted": true}}'));
    expect(Object.keys(r.record?.extra ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(r.record?.extra)).toBe(Object.prototype);
    expect(r.issues[0].expression).toEqual(['__proto__']);
  });

  it('reports unknown fields of a record that fails validation too', () => {
    const r = parseCaseRecord({ ward: 3, observations: [{ value: 1, name: 'x', extra: 1 }, 'not an object'] });
    expect(r.record).toBeUndefined();
    expect(r.issues.map((i) => [i.severity, i.expression?.[0]])).toEqual([
      ['error', 'patient_id'],
      ['error', 'observations[1]'],
      ['warning', 'observations[0].extra'],
      ['warning', 'ward'],
    ]);
  });

  it('accepts any non-empty patient_id with only known free-text fields', () => {
    const nonBlank = fc.string({ minLength: 1 }).filter((s) => /\S/.test(s));
    const textOrList = fc.oneof(nonBlank, fc.array(nonBlank));
    const arb = fc.record(
      { patient_id: nonBlank, name: nonBlank, diagnosis: textOrList, treatment: textOrList, medications: textOrList, source: nonBlank },
      { requiredKeys: ['patient_id'] },
    );
    fc.assert(
      fc.property(arb, (input) => {
        const r = parseCaseRecord(input);
        expect(r.issues).toEqual([]);
        expect(r.record?.patient_id).toBe(input.patient_id.trim());
        for (const k of ['diagnosis', 'treatment', 'medications'] as const) expect(Array.isArray(r.record?.[k])).toBe(true);
      }),
    );
  });
});

describe('parseCaseRecords', () => {
  it('takes one record as a list of one, expressions unprefixed', () => {
    const r = parseCaseRecords({ patient_id: '123', diagnosis: '心脏病' });
    expect(r.results).toHaveLength(1);
    expect(r.results[0].record?.diagnosis).toEqual(['心脏病']);
    expect(r.issues).toEqual([]);
  });

  it('reports issues per record index, keeping the good records', () => {
    const r = parseCaseRecords([
      { patient_id: '1', diagnosis: 'hypertension' },
      { patient_id: '2', observations: [{ name: 'glucose', value: 'n/a' }] },
      { patient_id: '3', bed: 12 },
    ]);
    expect(r.results.map((x) => x.record?.patient_id)).toEqual(['1', undefined, '3']);
    expect(r.results[1].issues[0].expression).toEqual(['observations[0].value']);
    expect(r.issues.map((i) => [i.severity, i.expression?.[0]])).toEqual([
      ['error', '[1].observations[0].value'],
      ['warning', '[2].bed'],
    ]);
    expect(r.issues[0].diagnostics).toMatch(/^\[1\]\.observations\[0\]\.value: must be a number/);
  });

  it('names a record that is not an object by its index, and refuses an empty list', () => {
    expect(parseCaseRecords([{ patient_id: '1' }, 7]).issues).toEqual([
      { severity: 'error', code: 'structure', diagnostics: '[1]: a case record must be a JSON object' },
    ]);
    expect(errors(parseCaseRecords([]).issues)).toHaveLength(1);
  });
});
