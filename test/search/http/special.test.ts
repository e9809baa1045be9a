/**
 * The parameters every resource has (search.html#all): _id, _lastUpdated, _tag, _profile,
 * _security, _source, _text (narrative), _content (all text), _list; at type and system level.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { fhir, load, searchIds, type Case } from './helpers.js';

let server: RunningServer;
let before = '';
let between = '';

const CONF = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const PROFILE = 'http://hl7.org/fhir/StructureDefinition/bmi';
const narrative = (text: string) => ({ status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${text}</div>` });

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    {
      resourceType: 'Patient',
      id: 'sp1',
      meta: { tag: [{ system: 'urn:tags', code: 'vip' }], security: [{ system: CONF, code: 'R' }], source: 'http://acme.org/source#a' },
      text: narrative('Loves tennis and chess'),
      name: [{ family: 'Alpha' }],
    },
    { resourceType: 'Patient', id: 'sp2', meta: { tag: [{ system: 'urn:tags', code: 'test' }, { code: 'vip' }], security: [{ system: CONF, code: 'N' }] }, name: [{ family: 'Beta' }] },
    { resourceType: 'Patient', id: 'sp3', text: narrative('Plays football'), address: [{ city: 'Springfield' }] },
    {
      resourceType: 'Observation',
      id: 'so1',
      meta: { tag: [{ system: 'urn:tags', code: 'vip' }], profile: [PROFILE] },
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '39156-5' }] },
      subject: { reference: 'Patient/sp1' },
      effectiveDateTime: '2024-01-01',
      valueQuantity: { value: 22, unit: 'kg/m2', system: 'http://unitsofmeasure.org', code: 'kg/m2' },
    },
    { resourceType: 'List', id: 'l1', status: 'current', mode: 'working', entry: [{ item: { reference: 'Patient/sp1' } }, { item: { reference: 'Patient/sp3' } }] },
  ]);
  before = new Date(Date.now() - 60_000).toISOString();
  await new Promise((r) => setTimeout(r, 20));
  between = (await fhir(server, 'Patient/sp3')).body.meta.lastUpdated as string;
  await new Promise((r) => setTimeout(r, 20));
  await load(server, [{ resourceType: 'Patient', id: 'sp4', name: [{ family: 'Late' }] }]);
});
afterAll(() => server.close());

describe('_id, _tag, _profile, _security, _source, _text, _content, _list', () => {
  const cases: Case[] = [
    ['Patient?_id=sp1', ['sp1']],
    ['Patient?_id=sp1,sp3,nobody', ['sp1', 'sp3']],
    ['Patient?_id:not=sp1', ['sp2', 'sp3', 'sp4']],
    ['Patient?_id=so1', []],
    ['Patient?_tag=vip', ['sp1', 'sp2']],
    ['Patient?_tag=urn:tags|vip', ['sp1']],
    ['Patient?_tag=|vip', ['sp2']],
    ['Patient?_tag=urn:tags|', ['sp1', 'sp2']],
    ['Patient?_tag:not=urn:tags|vip', ['sp2', 'sp3', 'sp4']],
    ['Patient?_tag:missing=true', ['sp3', 'sp4']],
    [`Patient?_security=${CONF}|R`, ['sp1']],
    [`Patient?_security=${CONF}|R,${CONF}|N`, ['sp1', 'sp2']],
    ['Patient?_source=http://acme.org/source%23a', ['sp1']],
    [`Observation?_profile=${PROFILE}`, ['so1']],
    ['Observation?_profile=http://hl7.org/fhir/StructureDefinition/vitalsigns', []],
    ['Patient?_text=tennis', ['sp1']],
    ['Patient?_text=TENN', ['sp1']],
    ['Patient?_text=chess%20tennis', ['sp1']],
    ['Patient?_text=tennis,football', ['sp1', 'sp3']],
    ['Patient?_text=springfield', []],
    ['Patient?_content=springfield', ['sp3']],
    ['Patient?_content=alpha', ['sp1']],
    // Text is words, never FTS query syntax: a quote is punctuation, OR is a word to find.
    ['Patient?_content=%22alpha', ['sp1']],
    ['Patient?_content=alpha%20OR%20beta', []],
    ['Patient?_content=alpha,beta', ['sp1', 'sp2']],
    ['Patient?_list=l1', ['sp1', 'sp3']],
    ['Patient?_list=nolist', []],
    ['Patient?_list=l1&_tag=vip', ['sp1']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('_lastUpdated', () => {
  it('compares instants with prefixes, and dates as ranges', async () => {
    expect(await searchIds(server, `Patient?_lastUpdated=gt${encodeURIComponent(between)}`)).toEqual(['sp4']);
    expect(await searchIds(server, `Patient?_lastUpdated=le${encodeURIComponent(between)}`)).toEqual(['sp1', 'sp2', 'sp3']);
    expect(await searchIds(server, `Patient?_lastUpdated=${encodeURIComponent(between)}`)).toEqual(['sp3']);
    expect(await searchIds(server, `Patient?_lastUpdated=ge${encodeURIComponent(before)}`)).toEqual(['sp1', 'sp2', 'sp3', 'sp4']);
    expect(await searchIds(server, `Patient?_lastUpdated=ge${encodeURIComponent(before)}&_lastUpdated=le${encodeURIComponent(between)}`)).toEqual(['sp1', 'sp2', 'sp3']);
    expect(await searchIds(server, 'Patient?_lastUpdated=lt2000')).toEqual([]);
    expect(await searchIds(server, `Patient?_lastUpdated=${between.slice(0, 4)}`)).toEqual(['sp1', 'sp2', 'sp3', 'sp4']);
  });
});

describe('system level', () => {
  const cases: Case[] = [
    ['?_tag=urn:tags|vip', ['Observation/so1', 'Patient/sp1']],
    ['?_tag=vip&_type=Observation', ['Observation/so1']],
    ['?_id=sp1,so1,l1', ['List/l1', 'Observation/so1', 'Patient/sp1']],
    ['?_type=Patient,List&_id=sp1,so1,l1', ['List/l1', 'Patient/sp1']],
    ['?_text=tennis', ['Patient/sp1']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query, true)).toEqual(expected);
  });
});
