/**
 * AuditEvents the audit queue writes in transactions of its own (reads, searches) notify Subscriptions
 * like any other write (subscriptions/notifying-store.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { FHIR_JSON, startTestServer } from '../helpers/server.js';
import { Receiver } from './receiver.js';

let receiver: Receiver;
let server: RunningServer;
beforeAll(async () => {
  receiver = await Receiver.start();
  server = await startTestServer({ subscriptionAllow: [receiver.url], authFailureAlert: 'off' });
});
afterAll(async () => {
  await server?.close();
  await receiver?.stop();
});

it('notifies a Subscription on AuditEvent about the audit of a read', async () => {
  const post = (type: string, body: unknown) =>
    fetch(`${server.fhirBase}/${type}`, { method: 'POST', headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
  const sub = await post('Subscription', {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'who reads',
    criteria: 'AuditEvent?subtype=read',
    channel: { type: 'rest-hook', endpoint: `${receiver.url}/audit`, payload: 'application/fhir+json' },
  });
  expect(sub.status).toBe(201);
  const patient = await post('Patient', { resourceType: 'Patient', name: [{ family: 'Zhao' }] });
  expect((await fetch(`${server.fhirBase}/Patient/${patient.body.id}`)).status).toBe(200);
  const [got] = await receiver.waitFor('/audit', 1);
  const event = JSON.parse(got.body) as { resourceType: string; subtype: { code: string }[]; entity?: { what?: { reference?: string } }[] };
  expect(event.resourceType).toBe('AuditEvent');
  expect(event.subtype.map((c) => c.code)).toContain('read');
  expect(JSON.stringify(event.entity)).toContain(`Patient/${patient.body.id}`);
});
