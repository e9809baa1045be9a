/**
 * Reference search over HTTP (search.html#reference): by `id`, `Type/id`, an absolute URL on this
 * server's base (the same as Type/id) or elsewhere (only itself), the `:Type` modifier, `:identifier`,
 * versioned references, canonicals, several references in one resource, and :missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { load, searchIds, type Case, type Json } from './helpers.js';

let server: RunningServer;

const FOREIGN = 'http://other.example.org/fhir';
const observation = (id: string, extra: Json): Json => ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, ...extra });

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    { resourceType: 'Patient', id: 'pr1', identifier: [{ system: 'urn:mrn', value: '1' }] },
    { resourceType: 'Patient', id: 'pr2' },
    { resourceType: 'Group', id: 'pr1', type: 'person', actual: true },
    { resourceType: 'Practitioner', id: 'prac1' },
    observation('or1', { subject: { reference: 'Patient/pr1' } }),
    observation('or2', { subject: { reference: `${server.fhirBase}/Patient/pr2` } }),
    observation('or3', { subject: { reference: 'Group/pr1' } }),
    observation('or4', { subject: { identifier: { system: 'urn:mrn', value: '1' } } }),
    observation('or5', {}),
    observation('or6', { subject: { reference: `${FOREIGN}/Patient/pr1` } }),
    observation('or7', { subject: { reference: 'Patient/pr1' }, performer: [{ reference: 'Practitioner/prac1' }, { reference: 'Patient/pr2' }] }),
    observation('or8', { subject: { reference: 'Patient/pr1/_history/1' } }),
    { resourceType: 'QuestionnaireResponse', id: 'qr1', status: 'completed', questionnaire: 'http://acme.org/Questionnaire/q1|2.0' },
    { resourceType: 'QuestionnaireResponse', id: 'qr2', status: 'completed', questionnaire: 'http://acme.org/Questionnaire/q2' },
  ]);
});
afterAll(() => server.close());

describe('reference values', () => {
  // BASE stands for server.fhirBase, known only once the server runs.
  const cases: Case[] = [
    ['Observation?subject=Patient/pr1', ['or1', 'or7', 'or8']],
    ['Observation?subject:Patient=pr1', ['or1', 'or7', 'or8']],
    ['Observation?patient=pr1', ['or1', 'or7', 'or8']],
    // subject may refer to several types: a plain id matches any of them, and nothing foreign.
    ['Observation?subject=pr1', ['or1', 'or3', 'or7', 'or8']],
    ['Observation?subject:Group=pr1', ['or3']],
    ['Observation?subject=Group/pr1', ['or3']],
    // Absolute URLs on our own base are local references, both ways.
    ['Observation?subject=Patient/pr2', ['or2']],
    ['Observation?subject=BASE/Patient/pr2', ['or2']],
    ['Observation?subject=BASE/Patient/pr1', ['or1', 'or7', 'or8']],
    ['Observation?subject:Patient=BASE/Patient/pr1', ['or1', 'or7', 'or8']],
    // A reference to another server is only itself.
    [`Observation?subject=${FOREIGN}/Patient/pr1`, ['or6']],
    ['Observation?subject=Patient/pr1/_history/1', ['or8']],
    ['Observation?subject=Patient/pr1,Patient/pr2', ['or1', 'or2', 'or7', 'or8']],
    ['Observation?subject:identifier=urn:mrn|1', ['or4']],
    ['Observation?subject:identifier=1', ['or4']],
    ['Observation?subject:identifier=urn:other|1', []],
    ['Observation?subject:missing=true', ['or5']],
    ['Observation?subject:missing=false', ['or1', 'or2', 'or3', 'or4', 'or6', 'or7', 'or8']],
    ['Observation?performer=Practitioner/prac1', ['or7']],
    ['Observation?performer=Patient/pr2', ['or7']],
    ['Observation?performer=Patient/pr2&subject=Patient/pr1', ['or7']],
    ['Observation?subject=Patient/nobody', []],
    // Canonicals: the url, with or without the version.
    ['QuestionnaireResponse?questionnaire=http://acme.org/Questionnaire/q1', ['qr1']],
    ['QuestionnaireResponse?questionnaire=http://acme.org/Questionnaire/q2', ['qr2']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query.replace('BASE', server.fhirBase))).toEqual(expected);
  });
});
