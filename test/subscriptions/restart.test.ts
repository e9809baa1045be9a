/**
 * Durability: notifications pending when the server stops are delivered after it starts again, exactly
 * once. `qiao serve` runs as a real process on an SQLite file; the receiver is down while the first
 * process tries (and retries), then up for the second.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { spawnServer, type ServerProcess } from '../helpers/process.js';
import { FHIR_JSON } from '../helpers/server.js';
import { Receiver, sleep } from './receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'qiao-subs-'));
const procs: ServerProcess[] = [];
let receiver: Receiver | undefined;
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await receiver?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function post(base: string, type: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/${type}`, { method: 'POST', headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Record<string, unknown>;
}

async function stop(p: ServerProcess): Promise<void> {
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
}

it('delivers notifications pending at shutdown after a restart, exactly once', async () => {
  const db = join(dir, 'q.db');
  const port = await Receiver.freePort();
  const args = ['--subscription-allow', `http://127.0.0.1:${port}/`, '--subscription-retry-ms', '100'];

  const first = await spawnServer(db, args);
  procs.push(first);
  await post(first.fhirBase, 'Subscription', {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'restart test',
    criteria: 'Observation?code=http://loinc.org|8867-4',
    channel: { type: 'rest-hook', endpoint: `http://127.0.0.1:${port}/hook`, payload: 'application/fhir+json' },
  });
  const obs = await post(first.fhirBase, 'Observation', { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } });
  // The receiver is down: the worker tries and schedules retries.
  await sleep(600);
  await stop(first);

  // The queue row, as the first process left it: not delivered, its failures recorded.
  const file = new Database(db, { readonly: true });
  const rows = file.prepare('SELECT type, id, version, attempts, last_error FROM subscription_notification').all() as { type: string; id: string; version: number; attempts: number; last_error: string }[];
  file.close();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ type: 'Observation', id: obs.id, version: 1 });
  expect(rows[0].attempts).toBeGreaterThanOrEqual(1);
  expect(rows[0].last_error).toMatch(/could not be reached/);

  receiver = await Receiver.start(port);
  const second = await spawnServer(db, args);
  procs.push(second);
  const [got] = await receiver.waitFor('/hook', 1, 15_000);
  expect(JSON.parse(got.body)).toMatchObject({ resourceType: 'Observation', id: obs.id });
  await sleep(800);
  expect(receiver.at('/hook')).toHaveLength(1);
  await stop(second);
  const after = await openStore(`sqlite:${db}`);
  expect(await after.notifications.pending()).toBe(0);
  await after.close();
});
