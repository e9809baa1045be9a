/** ResourceStore.purgeBefore on PostgreSQL: batches, each one transaction on a pooled connection. */
import type pg from 'pg';
import { postgresDialect } from '../sql/dialect.js';
import { purgeCandidates, purgeStatements } from '../sql/purge.js';

const PURGE_BATCH = 500;

export async function purgeBefore(pool: pg.Pool, type: string, before: string): Promise<number> {
  let count = 0;
  for (;;) {
    const client = await pool.connect();
    let removed = 0;
    try {
      await client.query('BEGIN');
      const candidates = purgeCandidates(postgresDialect, type, before, PURGE_BATCH);
      // FOR UPDATE: a concurrent write of one of them waits, rather than leaving index rows behind.
      const { rows } = await client.query<{ rid: string; id: string }>({ text: `${candidates.sql} for update`, values: candidates.parameters as unknown[] });
      for (const q of purgeStatements(postgresDialect, type, rows.map((r) => ({ rid: Number(r.rid), id: r.id })))) {
        if (rows.length) await client.query({ text: q.sql, values: q.parameters as unknown[] });
      }
      await client.query('COMMIT');
      removed = rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    count += removed;
    if (removed < PURGE_BATCH) return count;
  }
}
