/**
 * `qiao migrate`: brings a database's schema to the version this Qiao uses and reports it. `qiao serve`
 * migrates on start too; this command lets an operator upgrade the schema once, before rolling new
 * server processes out, and see what it did.
 */
import type { Command } from 'commander';
import { configFromEnv, DEFAULTS } from '../config.js';
import { openStore } from '../store/open-store.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Create or upgrade the database schema, then report its version')
    .option('--db <connection>', `database: sqlite:PATH or postgres://user@host:5432/db (env QIAO_DB, default ${DEFAULTS.db})`)
    .action(async (opts: { db?: string }) => {
      const store = await openStore(opts.db ?? configFromEnv().db ?? DEFAULTS.db);
      try {
        const { version, applied } = store.schema;
        console.log(
          applied.length
            ? `applied migrations ${applied.join(', ')}; the schema is at version ${version}`
            : `the schema is already at version ${version}; nothing to apply`,
        );
      } finally {
        await store.close();
      }
    });
}
