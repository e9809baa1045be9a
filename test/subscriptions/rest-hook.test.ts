/**
 * Subscriptions over HTTP on both engines (R4 subscription.html, rest-hook): endpoints outside the
 * allow-list are refused at create time; an accepted Subscription goes requested -> active; matching
 * creates and updates are POSTed to a real receiver on loopback with the channel's headers and the
 * payload the channel asks for (none, id-only, the full resource); non-matching writes send nothing;
 * failed deliveries are retried with backoff, and repeated failures set status error until a success.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { PAYLOAD_CONTENT_URL } from '../../src/subscriptions/subscription-model.js';
import { testEngines } from '../helpers/engines.js';
import { expectOutcome, FHIR_JSON, startTestServer } from '../helpers/server.js';
import { Receiver, sleep } from './receiver.js';

const { engines, cleanup } = testEngines();
afterAll(cleanup);

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/${path}`, { method, headers: body ? { 'Content-Type': FHIR_JSON, Prefer: 'return=representation' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function subscription(criteria: string, endpoint: string, channel: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceType: 'Subscription', status: 'requested', reason: 'test', criteria, channel: { type: 'rest-hook', endpoint, ...channel } };
}

function observation(code: string, value = 1): Record<string, unknown> {
  return { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] }, valueQuantity: { value } };
}

for (const engine of engines) {
  describe.skipIf(engine.skip !== undefined)(`Subscriptions on ${engine.name}`, () => {
    if (engine.skip) console.warn(engine.skip);
    let receiver: Receiver;
    let server: RunningServer;
    let base: string;

    beforeAll(async () => {
      receiver = await Receiver.start();
      server = await startTestServer({ db: engine.fresh(), subscriptionAllow: [`${receiver.url}/hooks/`], subscriptionRetryMs: 50, authFailureAlert: 'off' });
      base = server.fhirBase;
    });
    afterAll(async () => {
      await server?.close();
      await receiver?.stop();
    });
    afterEach(() => {
      receiver.failWith = [];
    });

    it('refuses endpoints outside the allow-list, naming channel.endpoint, and writes nothing', async () => {
      for (const endpoint of [`${receiver.url}/elsewhere`, 'ftp://127.0.0.1/hooks/', `http://user@127.0.0.1:${receiver.port}/hooks/x`]) {
        const res = await call(base, 'POST', 'Subscription', subscription('Observation?code=1-1', endpoint));
        expect(res.status).toBe(422);
        expectOutcome(res.body, { expression: 'Subscription.channel.endpoint', diagnostics: /is refused/ });
      }
      const listed = await call(base, 'GET', 'Subscription');
      expect(listed.body.total ?? (listed.body.entry as unknown[] | undefined)?.length ?? 0).toBe(0);
    });

    it('refuses criteria that are not a search and channels other than rest-hook', async () => {
      const bad = await call(base, 'POST', 'Subscription', subscription('Observation?nonsense=1', `${receiver.url}/hooks/x`));
      expect(bad.status).toBe(400);
      expectOutcome(bad.body, { expression: 'Subscription.criteria' });
      const ws = await call(base, 'POST', 'Subscription', subscription('Observation', `${receiver.url}/hooks/x`, { type: 'websocket' }));
      expect(ws.status).toBe(422);
      expectOutcome(ws.body, { expression: 'Subscription.channel.type' });
    });

    it('activates a requested Subscription and sends an empty POST with its headers on matching creates and updates only', async () => {
      const created = await call(base, 'POST', 'Subscription', subscription('Observation?code=http://loinc.org|1111-1', `${receiver.url}/hooks/empty`, { header: ['Authorization: Bearer s3cret', 'X-Tag: one'] }));
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const read = await call(base, 'GET', `Subscription/${id}`);
      expect(read.body).toMatchObject({ status: 'active', meta: { versionId: '2' } });

      await call(base, 'POST', 'Observation', observation('9999-9'));
      const obs = await call(base, 'POST', 'Observation', observation('1111-1'));
      const [first] = await receiver.waitFor('/hooks/empty', 1);
      expect(first.method).toBe('POST');
      expect(first.body).toBe('');
      expect(first.headers.authorization).toBe('Bearer s3cret');
      expect(first.headers['x-tag']).toBe('one');

      await call(base, 'PUT', `Observation/${obs.body.id as string}`, { ...observation('1111-1', 2), id: obs.body.id });
      await receiver.waitFor('/hooks/empty', 2);
      // An update that no longer matches, and a delete, send nothing.
      await call(base, 'PUT', `Observation/${obs.body.id as string}`, { ...observation('2222-2'), id: obs.body.id });
      await call(base, 'DELETE', `Observation/${obs.body.id as string}`);
      await sleep(300);
      expect(receiver.at('/hooks/empty')).toHaveLength(2);
      expect(await server.store.notifications.pending()).toBe(0);
    });

    it('sends the full resource for a JSON payload, and an id-only Bundle with the backport extension', async () => {
      await call(base, 'POST', 'Subscription', subscription('RiskAssessment?probability=gt0.2', `${receiver.url}/hooks/full`, { payload: 'application/fhir+json' }));
      await call(base, 'POST', 'Subscription', subscription('RiskAssessment?probability=gt0.2', `${receiver.url}/hooks/id-only`, {
        payload: 'application/fhir+json',
        _payload: { extension: [{ url: PAYLOAD_CONTENT_URL, valueCode: 'id-only' }] },
      }));
      const risk = (p: number) => ({ resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/p1' }, prediction: [{ probabilityDecimal: p }] });
      await call(base, 'POST', 'RiskAssessment', risk(0.1));
      const high = await call(base, 'POST', 'RiskAssessment', risk(0.5));
      const [full] = await receiver.waitFor('/hooks/full', 1);
      expect(full.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(JSON.parse(full.body)).toMatchObject({ resourceType: 'RiskAssessment', id: high.body.id, meta: { versionId: '1' }, prediction: [{ probabilityDecimal: 0.5 }] });
      const [idOnly] = await receiver.waitFor('/hooks/id-only', 1);
      const bundle = JSON.parse(idOnly.body) as { resourceType: string; type: string; entry: { fullUrl: string; resource?: unknown }[] };
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'history' });
      expect(bundle.entry).toHaveLength(1);
      expect(bundle.entry[0].fullUrl).toBe(`${base}/RiskAssessment/${high.body.id as string}/_history/1`);
      expect(bundle.entry[0].resource).toBeUndefined();
      await sleep(200);
      expect(receiver.at('/hooks/full')).toHaveLength(1);
    });

    it('retries a failed delivery with backoff until the receiver takes it', async () => {
      await call(base, 'POST', 'Subscription', subscription('Observation?code=http://loinc.org|3333-3', `${receiver.url}/hooks/retry`));
      receiver.failWith = [500, 503];
      await call(base, 'POST', 'Observation', observation('3333-3'));
      const got = await receiver.waitFor('/hooks/retry', 3);
      expect(got).toHaveLength(3);
      await sleep(300);
      expect(receiver.at('/hooks/retry')).toHaveLength(3);
      expect(await server.store.notifications.pending()).toBe(0);
    });

    it('sets status error with error text after repeated failures, and active again on a success', async () => {
      const created = await call(base, 'POST', 'Subscription', subscription('Observation?code=http://loinc.org|4444-4', `${receiver.url}/hooks/flaky`));
      const id = created.body.id as string;
      receiver.failWith = [500, 500, 500, 500];
      await call(base, 'POST', 'Observation', observation('4444-4'));
      await receiver.waitFor('/hooks/flaky', 3);
      // The third failure sets error (written right after the failure is recorded).
      let sub: Record<string, unknown> = {};
      for (let i = 0; i < 100 && sub.status !== 'error'; i++) {
        sub = (await call(base, 'GET', `Subscription/${id}`)).body;
        if (sub.status !== 'error') await sleep(20);
      }
      expect(sub.status).toBe('error');
      expect(sub.error).toMatch(/HTTP 500/);
      await receiver.waitFor('/hooks/flaky', 5);
      for (let i = 0; i < 100 && sub.status !== 'active'; i++) {
        sub = (await call(base, 'GET', `Subscription/${id}`)).body;
        if (sub.status !== 'active') await sleep(20);
      }
      expect(sub.status).toBe('active');
      expect(sub.error).toBeUndefined();
      const history = await call(base, 'GET', `Subscription/${id}/_history`);
      const statuses = (history.body.entry as { resource: { status: string } }[]).map((e) => e.resource.status).reverse();
      expect(statuses).toEqual(['requested', 'active', 'error', 'active']);
    });
  });
}

describe('Subscriptions without an allow-list', () => {
  it('refuses every endpoint and says how to allow some', async () => {
    const server = await startTestServer({ authFailureAlert: 'off' });
    try {
      const res = await call(server.fhirBase, 'POST', 'Subscription', subscription('Observation', 'https://hooks.example.org/x'));
      expect(res.status).toBe(422);
      expectOutcome(res.body, { expression: 'Subscription.channel.endpoint', diagnostics: /--subscription-allow/ });
    } finally {
      await server.close();
    }
  });
});
