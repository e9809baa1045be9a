/**
 * Several servers on one PostgreSQL database: a Subscription created through one is in force on the
 * other (its cache follows other processes' commits), and each notification is delivered once, by
 * whichever server's worker claims it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main.js';
import { testEngines } from '../helpers/engines.js';
import { FHIR_JSON } from '../helpers/server.js';
import { Receiver, sleep } from './receiver.js';

const { engines, cleanup } = testEngines();
const postgres = engines[1];
const servers: RunningServer[] = [];
let receiver: Receiver | undefined;
afterAll(async () => {
  for (const s of servers) await s.close();
  await receiver?.stop();
  await cleanup();
});

describe.skipIf(postgres.skip !== undefined)('Subscriptions on two servers sharing PostgreSQL', () => {
  if (postgres.skip) console.warn(postgres.skip);

  it('delivers each notification once, whichever server took the write', async () => {
    receiver = await Receiver.start();
    const db = postgres.fresh();
    const options = { port: 0, host: '127.0.0.1', db, logLevel: 'silent', auth: 'off' as const, subscriptionAllow: [receiver.url], subscriptionRetryMs: 50, authFailureAlert: 'off' };
    servers.push(await startServer(options), await startServer(options));
    const [a, b] = servers;
    const post = (s: RunningServer, type: string, body: unknown) =>
      fetch(`${s.fhirBase}/${type}`, { method: 'POST', headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(body) }).then((r) => r.status);
    expect(
      await post(a, 'Subscription', {
        resourceType: 'Subscription',
        status: 'requested',
        reason: 'scale-out',
        criteria: 'Observation?code=http://loinc.org|2345-7',
        channel: { type: 'rest-hook', endpoint: `${receiver.url}/glucose`, payload: 'application/fhir+json' },
      }),
    ).toBe(201);
    // Server b learns of it through LISTEN/NOTIFY.
    await sleep(500);
    const obs = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] } };
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? b : a, 'Observation', obs)));
    expect(statuses.every((s) => s === 201)).toBe(true);
    const got = await receiver.waitFor('/glucose', 20, 15_000);
    await sleep(500);
    expect(receiver.at('/glucose')).toHaveLength(20);
    expect(new Set(got.map((r) => (JSON.parse(r.body) as { id: string }).id)).size).toBe(20);
  });
});
