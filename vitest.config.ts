import { defineConfig } from 'vitest/config';

/**
 * The contract suite: REST, search, history and transaction tests that must pass on both engines. The
 * `sqlite` project runs every test; the `postgres` project runs these again on PostgreSQL when
 * QIAO_TEST_PG is set (test/helpers/postgres.ts), each server in a schema of its own.
 */
const CONTRACT = ['test/http/**/*.test.ts', 'test/search/http/**/*.test.ts', 'test/search/examples.test.ts', 'test/e2e/fhir-kit-*.test.ts', 'test/conformance/examples-roundtrip.test.ts'];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'] } },
      ...(process.env.QIAO_TEST_PG
        ? [{ test: { ...shared, name: 'postgres', include: CONTRACT, env: { QIAO_TEST_ENGINE: 'postgres' } } }]
        : []),
    ],
  },
});
