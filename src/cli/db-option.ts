/** The `--db` flag every command shares with `serve`, so admin commands work on a running server's database. */
import type { Command } from 'commander';
import { configFromEnv, DEFAULTS } from '../config.js';
import { openStore } from '../store/open-store.js';
import type { ResourceStore } from '../store/store.js';

export function withDbOption(command: Command): Command {
  return command.option('--db <connection>', `database: sqlite:PATH or postgres://user@host:5432/db (env QIAO_DB, default ${DEFAULTS.db})`);
}

/** Opens the database the flag or QIAO_DB names, runs fn, and closes it. */
export async function withStore<T>(db: string | undefined, fn: (store: ResourceStore) => Promise<T>): Promise<T> {
  const store = await openStore(db ?? configFromEnv().db ?? DEFAULTS.db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** All of standard input, for secrets that must not appear in the process list or shell history. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
