/**
 * String search over HTTP (search.html#string): case- and accent-insensitive starts-with by default,
 * :exact (case and accents count, whole value), :contains (anywhere; LIKE wildcards are plain
 * characters), HumanName and Address parts, several values in one resource, :missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { load, searchIds, type Case, type Json } from './helpers.js';

let server: RunningServer;

const patient = (id: string, extra: Json): Json => ({ resourceType: 'Patient', id, ...extra });

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    patient('ps1', { name: [{ family: 'Müller', given: ['Hans'] }] }),
    patient('ps2', { name: [{ family: 'Mullins', given: ['Anna'] }] }),
    patient('ps3', { name: [{ family: "O'Brien", given: ['Seán', 'Patrick'] }] }),
    patient('ps4', { name: [{ family: 'van der Berg', given: ['Jan'] }], address: [{ line: ['1 Rua Augusta'], city: 'São Paulo', country: 'BR' }] }),
    patient('ps5', { name: [{ text: 'Dr. Mary Smith' }] }),
    patient('ps6', { gender: 'unknown' }),
    patient('ps7', { name: [{ family: 'Smith' }, { family: 'Jones', given: ['Ann'] }], address: [{ city: 'Paulo Afonso' }] }),
    patient('ps8', { name: [{ family: '100%_Pure' }] }),
  ]);
});
afterAll(() => server.close());

describe('default: starts-with, case- and accent-insensitive', () => {
  const cases: Case[] = [
    ['Patient?name=mull', ['ps1', 'ps2']],
    ['Patient?name=MÜLL', ['ps1', 'ps2']],
    ['Patient?name=mu%CC%88ll', ['ps1', 'ps2']],
    ['Patient?name=müller', ['ps1']],
    ['Patient?family=muller', ['ps1']],
    ['Patient?name=ller', []],
    ['Patient?given=sean', ['ps3']],
    ['Patient?given=pat', ['ps3']],
    ['Patient?given=an', ['ps2', 'ps7']],
    ['Patient?family=van%20der', ['ps4']],
    ['Patient?family=o%27b', ['ps3']],
    // HumanName.text is part of name, not of family.
    ['Patient?name=dr.%20mary', ['ps5']],
    ['Patient?name=smith', ['ps7']],
    ['Patient?family=smith', ['ps7']],
    ['Patient?address-city=sao', ['ps4']],
    ['Patient?address=paulo', ['ps7']],
    ['Patient?address=1%20rua', ['ps4']],
    ['Patient?address=rua', []],
    ['Patient?address-country=br', ['ps4']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe(':exact and :contains', () => {
  const cases: Case[] = [
    ['Patient?name:exact=Müller', ['ps1']],
    ['Patient?name:exact=müller', []],
    ['Patient?name:exact=Muller', []],
    ['Patient?name:exact=Mull', []],
    ['Patient?family:exact=van%20der%20Berg', ['ps4']],
    ['Patient?name:contains=ller', ['ps1']],
    ['Patient?name:contains=ULL', ['ps1', 'ps2']],
    ['Patient?name:contains=der', ['ps4']],
    ['Patient?name:contains=mary', ['ps5']],
    ['Patient?address:contains=paulo', ['ps4', 'ps7']],
    // % and _ are characters to find, not wildcards.
    ['Patient?name:contains=%25', ['ps8']],
    ['Patient?name:contains=_', ['ps8']],
    ['Patient?name:contains=0%25_p', ['ps8']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('several values, OR, AND and :missing', () => {
  const cases: Case[] = [
    ['Patient?family=jones&family=smith', ['ps7']],
    ['Patient?family=jones&given=ann', ['ps7']],
    ['Patient?family=jones,mull', ['ps1', 'ps2', 'ps7']],
    ['Patient?name:exact=Jones,Mullins', ['ps2', 'ps7']],
    ['Patient?name:missing=true', ['ps6']],
    ['Patient?family:missing=true', ['ps5', 'ps6']],
    ['Patient?address:missing=false', ['ps4', 'ps7']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});
