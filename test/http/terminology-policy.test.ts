/**
 * Writes and $validate differ on one point only: a code that a complete CodeSystem does not define,
 * outside a required binding, blocks nothing on write (a warning) but is an error in the strict
 * $validate report, as HL7's validator has it. Required bindings are errors everywhere.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { FHIR_JSON, startTestServer } from '../helpers/server.js';

const observation = (category: string) => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
  code: { text: 'heart rate' },
});

let server: RunningServer;
let api: ReturnType<typeof request>;
beforeAll(async () => {
  server = await startTestServer();
  api = request(server.url);
});
afterAll(async () => server?.close());

const unknownCodeIssue = (body: { issue?: { severity: string; diagnostics?: string; expression?: string[] }[] }) =>
  body.issue?.find((i) => /Unknown code 'vital-sign'/.test(i.diagnostics ?? ''));

describe('codes unknown to a complete CodeSystem, outside a required binding', () => {
  it('are accepted on create', async () => {
    const res = await api.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(JSON.stringify(observation('vital-sign')));
    expect(res.status).toBe(201);
  });

  it('are a warning in $validate mode=create and an error in the strict $validate report', async () => {
    const asCreate = await api.post('/fhir/Observation/$validate?mode=create').set('Content-Type', FHIR_JSON).send(JSON.stringify(observation('vital-sign')));
    expect(unknownCodeIssue(asCreate.body)?.severity).toBe('warning');
    const strict = await api.post('/fhir/Observation/$validate').set('Content-Type', FHIR_JSON).send(JSON.stringify(observation('vital-sign')));
    expect(unknownCodeIssue(strict.body)).toMatchObject({ severity: 'error', expression: ['Observation.category[0].coding[0].code'] });
  });

  it('a known code raises no such issue', async () => {
    const res = await api.post('/fhir/Observation/$validate').set('Content-Type', FHIR_JSON).send(JSON.stringify(observation('vital-signs')));
    expect(res.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
  });

  it('a required binding still rejects the write', async () => {
    const res = await api.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(JSON.stringify({ ...observation('vital-signs'), status: 'done' }));
    expect(res.status).toBe(422);
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', expression: ['Observation.status'] });
  });
});
