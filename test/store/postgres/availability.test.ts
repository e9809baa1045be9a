/**
 * Says whether the PostgreSQL suites ran. Without QIAO_TEST_PG they skip with a printed reason — except
 * in CI (CI set), where .ci/run provides PostgreSQL and a missing setting or an unreachable server must
 * fail the run instead of passing it silently.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_SKIP_REASON, PG_URL } from '../../helpers/postgres.js';

describe('PostgreSQL for the test suites', () => {
  if (!PG_URL) {
    if (process.env.CI) {
      it('is configured in CI', () => {
        expect.fail(`CI is set but QIAO_TEST_PG is not: the PostgreSQL suites would not run. ${PG_SKIP_REASON}`);
      });
    } else {
      console.warn(PG_SKIP_REASON);
      it.skip(PG_SKIP_REASON, () => {});
    }
    return;
  }

  it(`is reachable at QIAO_TEST_PG`, async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      expect(rows[0].one).toBe(1);
    } catch (err) {
      expect.fail(`QIAO_TEST_PG is set but PostgreSQL is unreachable: ${(err as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
});
