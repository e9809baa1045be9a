/**
 * PostgreSQL for the tests: `QIAO_TEST_PG` names the server (e.g. postgres://postgres@127.0.0.1:5432/test).
 * Every test server gets a schema of its own, dropped when it closes, so concurrent runs and files
 * never see each other's data. Without QIAO_TEST_PG the PostgreSQL suites skip and say why — except in
 * CI, where .ci/run sets it and a missing or unreachable PostgreSQL fails the run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.QIAO_TEST_PG || undefined;
export const PG_SKIP_REASON = 'PostgreSQL suites skipped: set QIAO_TEST_PG (e.g. postgres://postgres@127.0.0.1:5432/test) to run them';

/** Is this vitest project the PostgreSQL run of the contract suite (vitest.config.ts)? */
export const CONTRACT_ON_PG = process.env.QIAO_TEST_ENGINE === 'postgres';

/** A connection string for a new, empty schema (created by Qiao's migrations on first use). */
export function freshPgDatabase(): { url: string; schema: string } {
  if (!PG_URL) throw new Error(PG_SKIP_REASON);
  const schema = `qiao_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  return { url: url.toString(), schema };
}

export async function dropPgSchema(schema: string): Promise<void> {
  if (!PG_URL) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
