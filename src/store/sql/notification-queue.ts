/**
 * NotificationQueue (../notification-queue.ts) on either SQL engine, from one set of query objects.
 * Each method is one atomic statement; claim() is an UPDATE ... RETURNING that re-checks the lease in
 * its own WHERE, so of two workers racing for a row only one sets the lease (on PostgreSQL the second
 * re-reads the updated row and skips it; SKIP LOCKED spares it the wait).
 */
import type { NewNotification, NotificationQueue, QueuedNotification } from '../notification-queue.js';
import { compileQuery } from './builder.js';
import type { SqlExecutor } from './executor.js';

type Row = { nid: number; subscription: string; type: string; id: string; version: number; payload: string; attempts: number; last_error: string | null };

/** The insert a transaction runs (through its own executor) so the rows commit with the write. */
export async function insertNotifications(exec: SqlExecutor, rows: readonly NewNotification[], now = Date.now()): Promise<void> {
  if (!rows.length) return;
  const q = exec.dialect.qb
    .insertInto('subscription_notification')
    .values(rows.map((r) => ({ ...r, attempts: 0, next_attempt: now, created_at: now })))
    .returning('nid');
  await exec.all(compileQuery(q));
}

export class SqlNotificationQueue implements NotificationQueue {
  /** Statements go through `run`, which the adapter uses to serialise them with its transactions (SQLite). */
  constructor(
    private readonly run: <T>(fn: (exec: SqlExecutor) => Promise<T>) => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  claim(limit: number, leaseMs: number): Promise<QueuedNotification[]> {
    return this.run(async (exec) => {
      const { qb, name } = exec.dialect;
      const now = this.now();
      let due = qb
        .selectFrom('subscription_notification')
        .select('nid')
        .where('next_attempt', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .orderBy('nid')
        .limit(limit);
      if (name === 'postgres') due = due.forUpdate().skipLocked();
      const q = qb
        .updateTable('subscription_notification')
        .set({ lease_until: now + leaseMs })
        .where('nid', 'in', due)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .returning(['nid', 'subscription', 'type', 'id', 'version', 'payload', 'attempts', 'last_error']);
      const rows = await exec.all<Row>(compileQuery(q));
      return rows
        .map((r) => ({
          nid: Number(r.nid),
          subscription: r.subscription,
          type: r.type,
          id: r.id,
          version: Number(r.version),
          payload: r.payload,
          attempts: Number(r.attempts),
          ...(r.last_error !== null ? { lastError: r.last_error } : {}),
        }))
        .sort((a, b) => a.nid - b.nid);
    });
  }

  remove(nid: number): Promise<void> {
    return this.run(async (exec) => {
      await exec.all(compileQuery(exec.dialect.qb.deleteFrom('subscription_notification').where('nid', '=', nid).returning('nid')));
    });
  }

  retry(nid: number, attempts: number, nextAttemptAt: number, error: string): Promise<void> {
    return this.run(async (exec) => {
      const q = exec.dialect.qb
        .updateTable('subscription_notification')
        .set({ attempts, next_attempt: nextAttemptAt, lease_until: null, last_error: error })
        .where('nid', '=', nid)
        .returning('nid');
      await exec.all(compileQuery(q));
    });
  }

  pending(): Promise<number> {
    return this.run(async (exec) => {
      const q = exec.dialect.qb.selectFrom('subscription_notification').select((eb) => eb.fn.countAll<number>().as('n'));
      const rows = await exec.all<{ n: number | string }>(compileQuery(q));
      return Number(rows[0]?.n ?? 0);
    });
  }
}
