/** parseSearch on composite parameters and on the special parameters (_text, _content, _list, near, _query). */
import { describe, expect, it } from 'vitest';
import { parseSearch } from '../../../src/search/parse/parse-query.js';
import { one, rejects, values } from './query-helpers.js';

const utc = Date.UTC;

describe('composite (Observation code-value-*)', () => {
  it('code-value-quantity: token $ quantity', () => {
    expect(values('Observation', 'code-value-quantity', 'http://loinc.org|8480-6$gt100')).toEqual([
      {
        kind: 'composite',
        parts: [
          { kind: 'token', system: 'http://loinc.org', code: '8480-6' },
          { kind: 'quantity', prefix: 'gt', value: 100, low: 99.5, high: 100.5, system: undefined, code: undefined },
        ],
      },
    ]);
  });

  it('code-value-concept: token $ token, ORed by commas, escaped $ inside a part', () => {
    expect(values('Observation', 'code-value-concept', 'http://loinc.org|72166-2$http://snomed.info/sct|8517006,a\\$b$c')).toEqual([
      { kind: 'composite', parts: [{ kind: 'token', system: 'http://loinc.org', code: '72166-2' }, { kind: 'token', system: 'http://snomed.info/sct', code: '8517006' }] },
      { kind: 'composite', parts: [{ kind: 'token', system: undefined, code: 'a$b' }, { kind: 'token', system: undefined, code: 'c' }] },
    ]);
  });

  it('code-value-date and component-code-value-quantity', () => {
    expect(values('Observation', 'code-value-date', '8480-6$ge2024')).toEqual([
      { kind: 'composite', parts: [{ kind: 'token', system: undefined, code: '8480-6' }, { kind: 'date', prefix: 'ge', start: utc(2024, 0, 1), end: utc(2025, 0, 1) - 1, raw: '2024' }] },
    ]);
    expect(values('Observation', 'component-code-value-quantity', 'http://loinc.org|8462-4$lt90|http://unitsofmeasure.org|mm[Hg]')).toEqual([
      {
        kind: 'composite',
        parts: [
          { kind: 'token', system: 'http://loinc.org', code: '8462-4' },
          { kind: 'quantity', prefix: 'lt', value: 90, low: 89.5, high: 90.5, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        ],
      },
    ]);
  });

  it(':missing', () => {
    expect(values('Observation', 'code-value-quantity:missing', 'true')).toEqual([{ kind: 'missing', missing: true }]);
  });

  it.each(['8480-6', '8480-6$1$2', '8480-6$', '$100', '8480-6$abc', '8480-6$5|mg'])('%j is a 400', (text) => rejects('Observation', 'code-value-quantity', text));
  it('other modifiers are a 400', () => rejects('Observation', 'code-value-quantity:exact', '1$2'));
});

describe('special parameters', () => {
  it('_text and _content are full-text strings without modifiers', () => {
    expect(values('Patient', '_text', 'Fever  Héadache')).toEqual([{ kind: 'string', value: 'Fever  Héadache', norm: 'fever headache' }]);
    expect(values('Observation', '_content', 'cough')).toEqual([{ kind: 'string', value: 'cough', norm: 'cough' }]);
    rejects('Patient', '_text:exact', 'x');
  });

  it('_list names a List by id', () => {
    const c = one('Patient', '_list', '42');
    expect(c.param.code).toBe('_list');
    expect(c.values).toEqual([{ kind: 'reference', targetType: 'List', id: '42' }]);
    expect(values('Condition', '_list', '$current-problems')).toEqual([{ kind: 'reference', targetType: 'List', id: '$current-problems' }]);
  });

  it('Location near (special) and _query are not supported: ignored', () => {
    const q = parseSearch(['Location'], [['near', '42.25|-83.69|10|km'], ['_query', 'x']]);
    expect(q.conditions).toEqual([]);
    expect(q.ignored).toEqual(['near', '_query']);
  });
});
