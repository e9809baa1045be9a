/**
 * Planner statistics follow bulk loads on PostgreSQL (src/store/postgres/statistics.ts): while a
 * process writes, it analyses Qiao's tables that changed much since their last analysis, without
 * waiting for autovacuum's next round. last_analyze is set only by ANALYZE itself (autovacuum sets
 * last_autoanalyze), so this fails if Qiao never analyses.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { extractIndexRows } from '../../../src/search/extract/extract.js';
import { PostgresStore } from '../../../src/store/postgres/pg-store.js';
import { dropPgSchema, freshPgDatabase, PG_SKIP_REASON, PG_URL } from '../../helpers/postgres.js';

const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropPgSchema(s);
});

async function analysed(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string }>(
      'SELECT relname FROM pg_stat_user_tables WHERE schemaname = $1 AND last_analyze IS NOT NULL ORDER BY relname',
      [schema],
    );
    return rows.map((r) => r.relname);
  } finally {
    await client.end();
  }
}

describe.skipIf(!PG_URL)('planner statistics on PostgreSQL', () => {
  if (!PG_URL) console.warn(PG_SKIP_REASON);

  it('are refreshed by the writing process after a bulk load', async () => {
    const { url, schema } = freshPgDatabase();
    schemas.push(schema);
    const store = await PostgresStore.open({ connection: url, extractor: extractIndexRows });
    try {
      expect(await analysed(schema)).toEqual([]);
      // Batches of 500 until the tables are analysed; the statistics PostgreSQL reports lag a little
      // behind the commits, so the first check may come too early — a later one must not.
      let batches = 0;
      while (!(await analysed(schema)).includes('search_string') && batches < 30) {
        const base = batches++ * 500;
        await store.transaction(async (tx) => {
          for (let i = 0; i < 500; i++) {
            const n = base + i;
            await tx.write('Patient', `p${n}`, { resourceType: 'Patient', name: [{ family: `Family${n % 97}` }], birthDate: '1980-01-01' }, 'PUT');
          }
        });
        await new Promise((r) => setTimeout(r, 200));
      }
      const tables = await analysed(schema);
      expect(tables).toEqual(expect.arrayContaining(['resource', 'resource_version', 'search_string', 'search_date']));
      expect(batches).toBeLessThan(30);
    } finally {
      await store.close();
    }
  });
});
