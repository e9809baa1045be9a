/** Value parsing by type: numbers and dates as ranges, escaping, string normal form, prefixes. */
import { describe, expect, it } from 'vitest';
import { dateRange, parseDateValue } from '../../../src/search/parse/date.js';
import { splitUnescaped, unescapeValue } from '../../../src/search/parse/escape.js';
import { normalizeString } from '../../../src/search/parse/normalize.js';
import { decimalRange, parseNumberValue } from '../../../src/search/parse/number.js';
import { takePrefix } from '../../../src/search/parse/prefix.js';
import { thrown } from '../../helpers/thrown.js';

describe('number ranges from precision (search.html#number)', () => {
  it.each([
    ['100', 100, 99.5, 100.5],
    ['100.00', 100, 99.995, 100.005],
    ['1e2', 100, 95, 105], // the spec's table: 1e2 is [95 ... 105)
    ['1.1e2', 110, 109.5, 110.5],
    ['2.5E-1', 0.25, 0.2495, 0.2505],
    ['0', 0, -0.5, 0.5],
    ['0.1', 0.1, 0.05, 0.15],
    ['-100', -100, -100.5, -99.5],
    ['+7', 7, 6.5, 7.5],
    ['007', 7, 6.5, 7.5],
    ['3.14159', 3.14159, 3.141585, 3.141595],
  ])('%s -> %d in [%d, %d)', (text, value, low, high) => {
    expect(decimalRange(text)).toEqual({ value, low, high });
  });

  it.each(['', 'abc', '1.', '.5', '1e', '1,5', '1 000', '0x10', 'NaN', 'Infinity', '1e400'])('%j is not a decimal', (text) => {
    expect(decimalRange(text)).toBeUndefined();
  });

  it.each([
    ['eq100', 'eq'],
    ['ne100', 'ne'],
    ['gt100', 'gt'],
    ['lt100', 'lt'],
    ['ge100', 'ge'],
    ['le100', 'le'],
    ['sa100', 'sa'],
    ['eb100', 'eb'],
    ['ap100', 'ap'],
    ['100', 'eq'],
  ])('%s has prefix %s and keeps the range of 100', (text, prefix) => {
    expect(parseNumberValue(text, 'probability')).toEqual({ kind: 'number', prefix, value: 100, low: 99.5, high: 100.5 });
  });

  it.each(['xx100', 'gtx', 'GT100', 'gt', 'ge 100'])('%j is a 400 naming the parameter', (text) => {
    const err = thrown(() => parseNumberValue(text, 'probability'));
    expect(err.status).toBe(400);
    expect(err.outcome.issue[0].diagnostics).toContain('probability');
    expect(err.outcome.issue[0].expression).toEqual(['probability']);
  });
});

describe('prefixes', () => {
  it('takes a known two-letter prefix only', () => {
    expect(takePrefix('ge2024')).toEqual({ prefix: 'ge', rest: '2024' });
    expect(takePrefix('2024')).toEqual({ prefix: 'eq', rest: '2024' });
    expect(takePrefix('ab2024')).toEqual({ prefix: 'eq', rest: 'ab2024' });
  });
});

const utc = Date.UTC;

describe('date ranges in epoch ms (closed, UTC when no zone)', () => {
  it.each([
    ['2024', utc(2024, 0, 1), utc(2025, 0, 1) - 1],
    ['2024-02', utc(2024, 1, 1), utc(2024, 2, 1) - 1], // leap February
    ['2023-02', utc(2023, 1, 1), utc(2023, 2, 1) - 1],
    ['2024-12', utc(2024, 11, 1), utc(2025, 0, 1) - 1],
    ['2024-03-15', utc(2024, 2, 15), utc(2024, 2, 16) - 1],
    ['2024-02-29', utc(2024, 1, 29), utc(2024, 2, 1) - 1],
    ['2024-03-15T10:30', utc(2024, 2, 15, 10, 30), utc(2024, 2, 15, 10, 31) - 1],
    ['2024-03-15T10:30:05', utc(2024, 2, 15, 10, 30, 5), utc(2024, 2, 15, 10, 30, 5, 999)],
    ['2024-03-15T10:30:05Z', utc(2024, 2, 15, 10, 30, 5), utc(2024, 2, 15, 10, 30, 5, 999)],
    ['2024-03-15T10:30:05.5Z', utc(2024, 2, 15, 10, 30, 5, 500), utc(2024, 2, 15, 10, 30, 5, 599)],
    ['2024-03-15T10:30:05.25Z', utc(2024, 2, 15, 10, 30, 5, 250), utc(2024, 2, 15, 10, 30, 5, 259)],
    ['2024-03-15T10:30:05.123Z', utc(2024, 2, 15, 10, 30, 5, 123), utc(2024, 2, 15, 10, 30, 5, 123)],
    ['2024-03-15T10:30:05.123456Z', utc(2024, 2, 15, 10, 30, 5, 123), utc(2024, 2, 15, 10, 30, 5, 123)],
    ['2024-03-15T10:30:05+02:00', utc(2024, 2, 15, 8, 30, 5), utc(2024, 2, 15, 8, 30, 5, 999)],
    ['2024-03-15T10:30:05-05:30', utc(2024, 2, 15, 16, 0, 5), utc(2024, 2, 15, 16, 0, 5, 999)],
    ['2024-03-15T10:30+14:00', utc(2024, 2, 14, 20, 30), utc(2024, 2, 14, 20, 31) - 1],
    ['2024-03-15T10:30:05 02:00', utc(2024, 2, 15, 8, 30, 5), utc(2024, 2, 15, 8, 30, 5, 999)], // '+' decoded as space
    ['2024-01-01T00:00:00+01:00', utc(2023, 11, 31, 23), utc(2023, 11, 31, 23, 0, 0, 999)],
  ])('%s -> [%d, %d]', (text, start, end) => {
    expect(dateRange(text)).toEqual({ start, end });
  });

  it('gives exact epoch values', () => {
    expect(dateRange('1970')).toEqual({ start: 0, end: 31_535_999_999 });
    expect(dateRange('2000-01-01')).toEqual({ start: 946_684_800_000, end: 946_771_199_999 });
  });

  it('handles years before 100 and far in the future without Date quirks', () => {
    const y50 = new Date(0);
    y50.setUTCFullYear(50, 0, 1);
    expect(dateRange('0050')?.start).toBe(y50.getTime());
    expect(dateRange('9999-12-31')?.end).toBe(utc(9999, 11, 31, 23, 59, 59, 999));
  });

  it.each([
    '24',
    '2024-1',
    '2024-13',
    '2024-00',
    '2023-02-29',
    '2024-04-31',
    '2024-03-00',
    '2024-03-15T10',
    '2024-03-15T24:00',
    '2024-03-15T10:60',
    '2024-03-15T10:30:61',
    '2024-03-15Z',
    '2024-03-15T10:30:05+15:00',
    '2024-03-15T10:30:05+01:60',
    '2024-03-15T10:30:05+0100',
    '2024-03-15 10:30',
    '0000',
    'today',
    '',
  ])('%j is not a date', (text) => {
    expect(dateRange(text)).toBeUndefined();
  });

  it('keeps the prefix and the value as written', () => {
    expect(parseDateValue('ap2024-03', 'birthdate')).toEqual({ kind: 'date', prefix: 'ap', start: utc(2024, 2, 1), end: utc(2024, 3, 1) - 1, raw: '2024-03' });
    expect(parseDateValue('2024', 'birthdate')).toMatchObject({ prefix: 'eq', raw: '2024' });
  });

  it('is a 400 naming the parameter for an invalid date', () => {
    const err = thrown(() => parseDateValue('ge2024-13-01', 'birthdate'));
    expect(err.status).toBe(400);
    expect(err.outcome.issue[0].diagnostics).toContain("'birthdate'");
    expect(err.outcome.issue[0].diagnostics).toContain('ge2024-13-01');
    expect(err.outcome.issue[0].expression).toEqual(['birthdate']);
  });
});

describe('escaping (search.html#escaping)', () => {
  it.each([
    ['a,b', ',', ['a', 'b']],
    ['a\\,b,c', ',', ['a\\,b', 'c']],
    ['a\\\\,b', ',', ['a\\\\', 'b']], // an escaped backslash does not escape the comma
    ['x|y\\|z|w', '|', ['x', 'y\\|z', 'w']],
    ['p\\$q$r', '$', ['p\\$q', 'r']],
    [',', ',', ['', '']],
    ['', ',', ['']],
  ])('split %j on %j', (value, sep, parts) => {
    expect(splitUnescaped(value, sep)).toEqual(parts);
  });

  it.each([
    ['a\\,b', 'a,b'],
    ['a\\$b', 'a$b'],
    ['a\\|b', 'a|b'],
    ['a\\\\b', 'a\\b'],
    ['a\\nb', 'a\\nb'], // not an escape: kept
    ['trailing\\', 'trailing\\'],
    ['plain', 'plain'],
  ])('unescape %j -> %j', (value, out) => {
    expect(unescapeValue(value)).toBe(out);
  });
});

describe('string normal form', () => {
  it.each([
    ['Ölçer', 'olcer'],
    ['  José   María ', 'jose maria'],
    ['ÉCOLE\tÉlémentaire', 'ecole elementaire'],
    ['Zoë', 'zoe'],
    ['Dvořák', 'dvorak'],
    ['o’brien', 'o’brien'], // punctuation is kept
  ])('%j -> %j', (text, norm) => {
    expect(normalizeString(text)).toBe(norm);
  });
});
