/** The value readers behind the converters: normal form, date ranges, number precision, references, UCUM. */
import { describe, expect, it } from 'vitest';
import { dateRange, MAX_DATE, MIN_DATE, periodRange, timingRange } from '../../../src/search/extract/dates.js';
import { normaliseText } from '../../../src/search/extract/normalise.js';
import { numberRange } from '../../../src/search/extract/numbers.js';
import { parseReference } from '../../../src/search/extract/references.js';
import { toCanonical, ucumCanonical } from '../../../src/search/extract/ucum.js';
import { normalizeString } from '../../../src/search/parse/normalize.js';

const ms = (iso: string) => Date.parse(iso);

describe('normaliseText', () => {
  it.each([
    ['Smith', 'smith'],
    ['  Van  der\tBerg ', 'van der berg'],
    ['Élodie Müller', 'elodie muller'],
    ['ÅNGSTRÖM', 'angstrom'],
    ['José\u00a0María', 'jose maria'],
    ['O\'Brien-Smith', "o'brien-smith"],
    ['', ''],
  ])('%j -> %j', (text, norm) => {
    expect(normaliseText(text)).toBe(norm);
  });

  it('agrees with the query parser on every input (ASCII fast path included)', () => {
    for (const s of ['Abc', 'a  b', ' a', 'a\nb', 'Ça va', '李小龙', '한국어', 'ǅ', 'x\u0301', 'İstanbul', '\u00a0']) {
      expect(normaliseText(s)).toBe(normalizeString(s));
    }
  });
});

describe('dateRange: precision makes a closed range; no zone is UTC', () => {
  it.each([
    ['2024', '2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['2024-03-05', '2024-03-05T00:00:00.000Z', '2024-03-05T23:59:59.999Z'],
    ['2024-03-05T10:20:30Z', '2024-03-05T10:20:30.000Z', '2024-03-05T10:20:30.999Z'],
    ['2024-03-05T10:20:30+01:00', '2024-03-05T09:20:30.000Z', '2024-03-05T09:20:30.999Z'],
    ['2024-03-05T10:20:30-04:00', '2024-03-05T14:20:30.000Z', '2024-03-05T14:20:30.999Z'],
    ['2024-03-05T10:20:30', '2024-03-05T10:20:30.000Z', '2024-03-05T10:20:30.999Z'],
    ['2024-03-05T10:20:30.123Z', '2024-03-05T10:20:30.123Z', '2024-03-05T10:20:30.123Z'],
    ['2024-03-05T10:20:30.12345Z', '2024-03-05T10:20:30.123Z', '2024-03-05T10:20:30.123Z'],
    ['2024-03-05T10:20:30.5Z', '2024-03-05T10:20:30.500Z', '2024-03-05T10:20:30.599Z'],
  ])('%s', (text, start, end) => {
    expect(dateRange(text)).toEqual([ms(start), ms(end)]);
  });

  it('years before 100 stay themselves', () => {
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 0, 1); // Date.UTC(50, ...) would mean 1950
    expect(dateRange('0050')).toEqual([year50.getTime(), expect.any(Number)]);
    expect(new Date(dateRange('0050')![0]).getUTCFullYear()).toBe(50);
  });

  it('invalid text has no range', () => {
    for (const s of ['2024-13', '2024-02-30', 'yesterday', '24-03-05', '']) expect(dateRange(s)).toBeUndefined();
  });

  it('Period: start of start to end of end; open ends are the extreme Dates', () => {
    expect(periodRange({ start: '2024-01', end: '2024-02-10' })).toEqual([ms('2024-01-01T00:00:00Z'), ms('2024-02-10T23:59:59.999Z')]);
    expect(periodRange({ start: '2024-01-01' })).toEqual([ms('2024-01-01T00:00:00Z'), MAX_DATE]);
    expect(periodRange({ end: '2024-01-01' })).toEqual([MIN_DATE, ms('2024-01-01T23:59:59.999Z')]);
    expect([MIN_DATE, MAX_DATE]).toEqual([-8.64e15, 8.64e15]);
    expect(periodRange({})).toBeUndefined();
  });

  it('Timing: the outer limits of its events and bounds', () => {
    expect(timingRange({ event: ['2024-01-05', '2024-01-02T10:00:00Z'] })).toEqual([ms('2024-01-02T10:00:00Z'), ms('2024-01-05T23:59:59.999Z')]);
    expect(timingRange({ repeat: { boundsPeriod: { start: '2024-01-01', end: '2024-03-01' }, frequency: 2, period: 1, periodUnit: 'd' } })).toEqual([
      ms('2024-01-01T00:00:00Z'),
      ms('2024-03-01T23:59:59.999Z'),
    ]);
    expect(timingRange({ event: ['2023-12-31'], repeat: { boundsPeriod: { start: '2024-01-01' } } })).toEqual([ms('2023-12-31T00:00:00Z'), MAX_DATE]);
    expect(timingRange({ repeat: { boundsDuration: { value: 5, unit: 'd' } } })).toBeUndefined();
  });
});

describe('numberRange: half a unit of the last digit either side', () => {
  it.each([
    [100, 99.5, 100.5],
    [100.25, 100.245, 100.255],
    [0, -0.5, 0.5],
    [-3.5, -3.55, -3.45],
    [0.001, 0.0005, 0.0015],
    [1.5, 1.45, 1.55],
    [5e-7, 4.5e-7, 5.5e-7],
  ])('%d -> [%d, %d]', (value, low, high) => {
    expect(numberRange(value)).toEqual([low, high]);
  });

  it('many digits: the float arithmetic is close', () => {
    const [low, high] = numberRange(166.82501702858627);
    expect(low).toBeCloseTo(166.825017028586, 12);
    // half a unit of the 17th digit is below a double's resolution here, so the bound may equal the value
    expect(high).toBeGreaterThanOrEqual(166.82501702858627);
  });
});

describe('parseReference', () => {
  it.each([
    ['Patient/123', { type: 'Patient', id: '123', version: null, url: null }],
    ['Patient/123/_history/2', { type: 'Patient', id: '123', version: '2', url: null }],
    ['http://example.org/fhir/Patient/123', { type: 'Patient', id: '123', version: null, url: 'http://example.org/fhir/Patient/123' }],
    ['https://x.org/base/Observation/a.b-1/_history/7', { type: 'Observation', id: 'a.b-1', version: '7', url: 'https://x.org/base/Observation/a.b-1/_history/7' }],
    ['urn:uuid:5f0c3c5e-1a8a-4e1e-9c4d-1c1d2f0e8a11', { type: null, id: null, version: null, url: 'urn:uuid:5f0c3c5e-1a8a-4e1e-9c4d-1c1d2f0e8a11' }],
    ['http://example.org/not/a/Thing/1', { type: null, id: null, version: null, url: 'http://example.org/not/a/Thing/1' }],
    ['Unknown/123', { type: null, id: null, version: null, url: 'Unknown/123' }],
  ])('%s', (ref, parsed) => {
    expect(parseReference(ref)).toEqual(parsed);
  });

  it('#contained references and empty strings are not indexed', () => {
    expect(parseReference('#med1')).toBeUndefined();
    expect(parseReference('')).toBeUndefined();
  });
});

describe('UCUM canonical units', () => {
  const canon = (code: string, value: number) => {
    const unit = ucumCanonical(code);
    return unit && { value: toCanonical(unit, value), code: unit.code };
  };

  it('1 g and 1000 mg are the same canonical quantity', () => {
    expect(canon('g', 1)).toEqual({ value: 1, code: 'g' });
    expect(canon('mg', 1000)).toEqual({ value: 1, code: 'g' });
    expect(canon('kg', 0.001)).toEqual({ value: 1, code: 'g' });
  });

  it('commensurable units share a canonical code', () => {
    expect(ucumCanonical('mg/dL')!.code).toBe(ucumCanonical('g/L')!.code);
    expect(canon('mg/dL', 100)!.value).toBeCloseTo(canon('g/L', 1)!.value!, 9);
    expect(canon('mmol/L', 5)!.code).toBe(canon('umol/mL', 5)!.code);
    expect(canon('mmol/L', 5)!.value).toBeCloseTo(canon('umol/mL', 5)!.value!, -10);
    expect(canon('cm', 170)).toEqual({ value: 1.7, code: 'm' });
    expect(canon('[in_i]', 1)!.value).toBeCloseTo(0.0254, 12);
  });

  it('special units convert affinely (Cel, [degF]) per value', () => {
    expect(canon('Cel', 37)!.value).toBeCloseTo(310.15, 9);
    expect(canon('[degF]', 98.6)!.value).toBeCloseTo(310.15, 9);
    expect(canon('Cel', 0)!.code).toBe('K');
  });

  it('dimensionless, invalid and arbitrary units', () => {
    expect(canon('%', 50)).toEqual({ value: 0.5, code: '1' });
    expect(ucumCanonical('not-a-unit')).toBeNull();
    expect(ucumCanonical('[IU]')).toBeNull();
  });
});

describe('UCUM: amounts of substance are not counts', () => {
  it('mmol/L and 10*12/L do not share a canonical unit (the library will not convert them either)', () => {
    expect(ucumCanonical('mmol/L')!.code).not.toBe(ucumCanonical('10*12/L')!.code);
    expect(ucumCanonical('mmol/L')!.code).toBe(ucumCanonical('umol/mL')!.code);
    expect(ucumCanonical('kat')!.code).toBe(ucumCanonical('mol/s')!.code);
  });
});
