/**
 * The built-in security rule with auth on: more than N authorization failures (401/403) within M
 * minutes from one client — or, without a verified token, one address — write one Security Alert
 * AuditEvent (DCM 110113, outcome 8) per window, and a Subscription on `AuditEvent?outcome=8` is
 * notified of it at a real receiver on loopback.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';
import { FHIR_JSON } from '../helpers/server.js';
import { Receiver, sleep } from './receiver.js';

let secured: SecuredServer;
let receiver: Receiver;
let admin: string;

beforeAll(async () => {
  receiver = await Receiver.start();
  secured = await startSecuredServer({ subscriptionAllow: [receiver.url], authFailureAlert: '3/1', subscriptionRetryMs: 50 });
  admin = await secured.token('system/Subscription.cruds system/AuditEvent.rs', { clientId: 'admin-app' });
});
afterAll(async () => {
  await secured?.close();
  await receiver?.stop();
});

interface Alert {
  type: { code: string };
  outcome: string;
  agent: { who?: { identifier?: { value?: string } }; network?: { address?: string } }[];
}

/** Security Alerts received so far. */
function alerts(): Alert[] {
  return receiver
    .at('/alerts')
    .map((r) => JSON.parse(r.body) as Alert)
    .filter((a) => a.type?.code === '110113');
}

async function waitForAlerts(n: number): Promise<Alert[]> {
  for (let i = 0; i < 250 && alerts().length < n; i++) await sleep(20);
  expect(alerts()).toHaveLength(n);
  return alerts();
}

it('alerts once per window when an address or a client keeps failing authorization', async () => {
  const base = secured.server.fhirBase;
  const created = await fetch(`${base}/Subscription`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': FHIR_JSON },
    body: JSON.stringify({
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'security alerts',
      criteria: 'AuditEvent?outcome=8',
      channel: { type: 'rest-hook', endpoint: `${receiver.url}/alerts`, payload: 'application/fhir+json' },
    }),
  });
  expect(created.status, await created.clone().text()).toBe(201);

  // Three failures are within the limit; the fourth is one too many.
  for (let i = 0; i < 3; i++) expect((await fetch(`${base}/Patient`)).status).toBe(401);
  await sleep(200);
  expect(alerts()).toHaveLength(0);
  expect((await fetch(`${base}/Patient`)).status).toBe(401);
  const [byAddress] = await waitForAlerts(1);
  expect(byAddress.outcome).toBe('8');
  expect(byAddress.agent[0].network?.address).toMatch(/127\.0\.0\.1/);
  expect(byAddress.agent[0].who).toBeUndefined();

  // More failures in the same window raise no second alert for that address.
  for (let i = 0; i < 4; i++) expect((await fetch(`${base}/Patient`)).status).toBe(401);

  // A client whose token lacks the scope: keyed by its client id.
  const nosy = await secured.token('system/Observation.rs', { clientId: 'nosy-app' });
  for (let i = 0; i < 4; i++) expect((await fetch(`${base}/Patient`, { headers: { Authorization: `Bearer ${nosy}` } })).status).toBe(403);
  const all = await waitForAlerts(2);
  expect(all[1].agent[0].who?.identifier?.value).toBe('nosy-app');
  await sleep(300);
  expect(alerts()).toHaveLength(2);

  // The alerts are AuditEvents like any other.
  const search = await fetch(`${base}/AuditEvent?outcome=8&type=110113`, { headers: { Authorization: `Bearer ${admin}` } });
  const bundle = (await search.json()) as { entry?: unknown[] };
  expect(bundle.entry).toHaveLength(2);
});

it('refuses a Subscription on a type the creating token may not search in full', async () => {
  const limited = await secured.token('system/Subscription.cruds patient/Observation.rs', { clientId: 'limited-app', patient: 'p1' });
  const res = await fetch(`${secured.server.fhirBase}/Subscription`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${limited}`, 'Content-Type': FHIR_JSON },
    body: JSON.stringify({ resourceType: 'Subscription', status: 'requested', reason: 'x', criteria: 'Observation?code=1-1', channel: { type: 'rest-hook', endpoint: `${receiver.url}/x` } }),
  });
  expect(res.status).toBe(403);
  expect(((await res.json()) as { issue: { diagnostics: string }[] }).issue[0].diagnostics).toMatch(/Subscription on Observation/);
});
