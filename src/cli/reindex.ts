/**
 * `qiao reindex`: rebuilds the search index from the stored resources (after custom SearchParameters
 * were added or changed, or after an upgrade that indexes more). Safe while a server runs on the same
 * database: it works in short transactions.
 */
import type { Command } from 'commander';
import { configFromEnv, DEFAULTS } from '../config.js';
import { definitions } from '../fhir/definitions.js';
import { followSearchParameters } from '../store/custom-search-params.js';
import { openStore } from '../store/open-store.js';

export function registerReindex(program: Command): void {
  program
    .command('reindex')
    .description('Rebuild the search index of stored resources (e.g. after adding SearchParameters)')
    .option('--db <connection>', `database: sqlite:PATH or postgres://user@host:5432/db (env QIAO_DB, default ${DEFAULTS.db})`)
    .option('--type <types>', 'only resources of these types, comma-separated (default: all)')
    .action(async (opts: { db?: string; type?: string }) => {
      const types = (opts.type ?? '').split(',').filter((t) => t !== '');
      for (const t of types) if (!definitions().isResourceType(t)) program.error(`--type: '${t}' is not a FHIR R4 resource type`);
      const store = await openStore(opts.db ?? configFromEnv().db ?? DEFAULTS.db);
      try {
        const custom = await followSearchParameters(store);
        const started = Date.now();
        const n = await store.reindex({ types });
        const seconds = (Date.now() - started) / 1000;
        console.log(`reindexed ${n} resources in ${seconds.toFixed(1)} s (${custom} stored SearchParameters in force)`);
      } finally {
        await store.close();
      }
    });
}
