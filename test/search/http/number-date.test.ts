/**
 * Date and number search over HTTP (search.html#date, #number, #prefix): every prefix evaluated on
 * ranges (a value's precision makes it a range), Periods, Timings and instants, time zones, and
 * number precision (100 matches 99.6; 1e2 is [95, 105)).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { load, searchIds, type Case, type Json } from './helpers.js';

let server: RunningServer;

const patient = (id: string, birthDate?: string): Json => ({ resourceType: 'Patient', id, ...(birthDate ? { birthDate } : {}) });
const observation = (id: string, effective: Json): Json => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] },
  ...effective,
});
const risk = (id: string, ...probabilities: number[]): Json => ({
  resourceType: 'RiskAssessment',
  id,
  status: 'final',
  subject: { reference: 'Patient/pd1' },
  ...(probabilities.length ? { prediction: probabilities.map((p) => ({ probabilityDecimal: p })) } : {}),
});

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    patient('pd1', '1980-06-01'),
    patient('pd2', '1980'),
    patient('pd3', '1981-01-01'),
    patient('pd4', '1979-12-31'),
    patient('pd5'),
    patient('pd6', '1970-03'),
    // 23:30 in New York on the 5th is 04:30 UTC on the 6th.
    observation('od1', { effectiveDateTime: '2024-03-05T23:30:00-05:00' }),
    observation('od2', { effectivePeriod: { start: '2024-03-01', end: '2024-03-10' } }),
    observation('od3', { effectivePeriod: { start: '2024-03-20' } }),
    observation('od4', { effectiveTiming: { event: ['2024-02-01T08:00:00Z', '2024-02-03T08:00:00Z'] } }),
    observation('od5', { effectiveInstant: '2024-03-06T10:00:00.000Z' }),
    observation('od6', {}),
    risk('rn1', 99.6),
    risk('rn2', 100),
    risk('rn3', 99.4),
    risk('rn4', 95),
    risk('rn5', 94),
    risk('rn7', 10, 60),
    risk('rn8'),
  ]);
});
afterAll(() => server.close());

describe('date precision makes a range (Patient.birthDate)', () => {
  const cases: Case[] = [
    ['Patient?birthdate=1980', ['pd1', 'pd2']],
    ['Patient?birthdate=eq1980', ['pd1', 'pd2']],
    ['Patient?birthdate=1980-06', ['pd1']],
    ['Patient?birthdate=1980-06-01', ['pd1']],
    ['Patient?birthdate=1980-06-02', []],
    ['Patient?birthdate=ne1980', ['pd3', 'pd4', 'pd6']],
    ['Patient?birthdate=gt1980', ['pd3']],
    ['Patient?birthdate=ge1980', ['pd1', 'pd2', 'pd3']],
    ['Patient?birthdate=lt1980', ['pd4', 'pd6']],
    ['Patient?birthdate=le1980', ['pd1', 'pd2', 'pd4', 'pd6']],
    // The year 1980 reaches past 1 June on both sides, so it is both gt and lt that day.
    ['Patient?birthdate=gt1980-06-01', ['pd2', 'pd3']],
    ['Patient?birthdate=lt1980-06-01', ['pd2', 'pd4', 'pd6']],
    ['Patient?birthdate=sa1979', ['pd1', 'pd2', 'pd3']],
    ['Patient?birthdate=sa1980-03', ['pd1', 'pd3']],
    ['Patient?birthdate=eb1980', ['pd4', 'pd6']],
    ['Patient?birthdate=eb1980-06-01', ['pd4', 'pd6']],
    // ap: within 10% of the distance from now (over 40 years here), so a few years either side.
    ['Patient?birthdate=ap1980-06-01', ['pd1', 'pd2', 'pd3', 'pd4']],
    ['Patient?birthdate=1970,1981', ['pd3', 'pd6']],
    ['Patient?birthdate=ge1980&birthdate=lt1981', ['pd1', 'pd2']],
    ['Patient?birthdate:missing=true', ['pd5']],
    ['Patient?birthdate:missing=false', ['pd1', 'pd2', 'pd3', 'pd4', 'pd6']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('dateTimes, instants, Periods and Timings; time zones honoured (Observation date)', () => {
  const cases: Case[] = [
    ['Observation?date=2024-03-06', ['od1', 'od5']],
    ['Observation?date=2024-03-05', []],
    ['Observation?date=2024-03-06T04:30:00Z', ['od1']],
    ['Observation?date=2024-03-06T05:30:00%2B01:00', ['od1']],
    ['Observation?date=2024-03-05T23:30:00-05:00', ['od1']],
    ['Observation?date=2024-03-05T23:30-05:00', ['od1']],
    ['Observation?date=2024-03', ['od1', 'od2', 'od5']],
    ['Observation?date=2024-02', ['od4']],
    ['Observation?date=ne2024-03', ['od3', 'od4']],
    // An open Period end reaches into every future.
    ['Observation?date=gt2024-03-31', ['od3']],
    ['Observation?date=gt2099', ['od3']],
    ['Observation?date=lt2024-03-02', ['od2', 'od4']],
    ['Observation?date=sa2024-03-10', ['od3']],
    ['Observation?date=eb2024-03-01', ['od4']],
    ['Observation?date=eb2024-03-06', ['od4']],
    // Only a Timing's outer limits count.
    ['Observation?date=2024-02-02', []],
    ['Observation?date=ge2024-02-02&date=le2024-02-02', ['od4']],
    ['Observation?date=ge2024-03-01&date=le2024-03-31', ['od1', 'od2', 'od3', 'od5']],
    // ap widens by 10% of the distance from now: years away, that is months either side.
    ['Observation?date=ap2024-03-06T10:00:00Z', ['od1', 'od2', 'od3', 'od4', 'od5']],
    ['Observation?date=ap2010', []],
    ['Observation?date:missing=true', ['od6']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('numbers with precision and prefixes (RiskAssessment probability)', () => {
  const cases: Case[] = [
    // 100 is [99.5, 100.5); probabilities stop at 100 (ras-2).
    ['RiskAssessment?probability=100', ['rn1', 'rn2']],
    ['RiskAssessment?probability=100.0', ['rn2']],
    ['RiskAssessment?probability=99.6', ['rn1']],
    // 1e2 is [95, 105) (the spec's table).
    ['RiskAssessment?probability=1e2', ['rn1', 'rn2', 'rn3', 'rn4']],
    ['RiskAssessment?probability=gt99.5', ['rn1', 'rn2']],
    ['RiskAssessment?probability=ge99.6', ['rn1', 'rn2']],
    ['RiskAssessment?probability=lt99.5', ['rn3', 'rn4', 'rn5', 'rn7']],
    ['RiskAssessment?probability=le95', ['rn4', 'rn5', 'rn7']],
    ['RiskAssessment?probability=ne100', ['rn3', 'rn4', 'rn5', 'rn7']],
    ['RiskAssessment?probability=ap100', ['rn1', 'rn2', 'rn3', 'rn4', 'rn5']],
    ['RiskAssessment?probability=10,94', ['rn5', 'rn7']],
    // Each ANDed condition may be met by a different value of the same resource.
    ['RiskAssessment?probability=gt50&probability=lt20', ['rn7']],
    ['RiskAssessment?probability=gt50&probability=lt99.5', ['rn3', 'rn4', 'rn5', 'rn7']],
    ['RiskAssessment?probability=-5', []],
    ['RiskAssessment?probability:missing=true', ['rn8']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});
