/**
 * Nothing lost across a graceful shutdown: records still queued when `qiao serve` gets SIGTERM are
 * written before the database closes. And the queue itself: bounded, batched, pushes wait when full,
 * a failed batch is kept and tried again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditQueue } from '../../src/audit/audit-queue.js';
import { openStore } from '../../src/store/open-store.js';
import { spawnServer } from '../helpers/process.js';
import { FHIR_JSON, patient } from '../helpers/server.js';
import { allAuditEvents, requestIdOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'qiao-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit across SIGTERM', () => {
  it('writes every queued record before the process exits', async () => {
    const db = join(dir, 'sigterm.db');
    const proc = await spawnServer(db);
    const created = await fetch(`${proc.fhirBase}/Patient`, { method: 'POST', headers: { 'Content-Type': FHIR_JSON, 'X-Request-Id': 'term-create' }, body: JSON.stringify(patient('T')) });
    const { id } = (await created.json()) as { id: string };
    const N = 200;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => fetch(`${proc.fhirBase}/Patient/${id}`, { headers: { 'X-Request-Id': `term-read-${i}` } })));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    // At once: most of these records are still in the queue (it flushes every 100 ms).
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const store = await openStore(`sqlite:${db}`);
    try {
      const events = await allAuditEvents(store);
      expect(events.filter((e) => requestIdOf(e)?.startsWith('term-read-'))).toHaveLength(N);
      expect(events.filter((e) => requestIdOf(e) === 'term-create')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});

describe('the audit queue', () => {
  it('holds at most its capacity; pushes beyond wait until a batch is written, in order', async () => {
    const written: number[][] = [];
    let release: () => void = () => undefined;
    const queue = new AuditQueue<number>(
      (batch) =>
        new Promise<void>((resolve) => {
          release = () => {
            written.push([...batch]);
            resolve();
          };
        }),
      { capacity: 2, batchSize: 2, intervalMs: 1 },
    );
    expect(queue.push(1)).toBeUndefined();
    expect(queue.push(2)).toBeUndefined();
    let admitted = 0;
    const waits = [3, 4, 5].map((n) => queue.push(n)!.then(() => admitted++));
    expect(waits.every((w) => w instanceof Promise)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(admitted).toBe(0);
    expect(queue.size).toBe(5);
    const drain = (async () => {
      while (queue.size > 0) {
        release();
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await Promise.all([...waits, drain, queue.flush()]);
    expect(admitted).toBe(3);
    expect(written.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...written.map((b) => b.length))).toBeLessThanOrEqual(2);
  });

  it('keeps a batch the sink refused and writes it on a later try', async () => {
    const written: number[] = [];
    let fail = true;
    const errors: unknown[] = [];
    const queue = new AuditQueue<number>(
      async (batch) => {
        if (fail) {
          fail = false;
          throw new Error('database busy');
        }
        written.push(...batch);
      },
      { intervalMs: 1, onError: (err) => errors.push(err) },
    );
    queue.push(1);
    queue.push(2);
    await queue.flush();
    expect(errors).toHaveLength(1);
    expect(written).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });

  it('gives up only a record the sink never takes, writing the others, so flush ends', async () => {
    const written: number[] = [];
    const dropped: unknown[] = [];
    const queue = new AuditQueue<number>(
      async (batch) => {
        if (batch.includes(13)) throw new Error('refused');
        written.push(...batch);
      },
      { intervalMs: 1, onDropped: (err) => dropped.push(err) },
    );
    for (const n of [11, 12, 13, 14]) queue.push(n);
    await queue.flush();
    expect(written).toEqual([11, 12, 14]);
    expect(dropped).toHaveLength(1);
    expect(queue.size).toBe(0);
  });
});
