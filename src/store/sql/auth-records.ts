/**
 * AuthRecords (../auth-records.ts) on either SQL engine, from one set of query objects. Every
 * statement is a single atomic statement (upsert, DELETE ... RETURNING), so it needs no transaction
 * and no isolation level: two processes racing on a key are ordered by the primary key.
 */
import type { AuthRecords } from '../auth-records.js';
import { compileQuery } from './builder.js';
import type { SqlExecutor } from './executor.js';

/**
 * Writes go through `write`, which the adapter uses to serialise them with its own transactions
 * (SQLite's single writer connection); reads through `read`.
 */
export class SqlAuthRecords implements AuthRecords {
  constructor(
    private readonly read: SqlExecutor,
    private readonly write: <T>(run: (exec: SqlExecutor) => Promise<T>) => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  private get qb() {
    return this.read.dialect.qb;
  }

  private unexpired(kind: string) {
    const now = this.now();
    return this.qb
      .selectFrom('auth_record')
      .where('kind', '=', kind)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  }

  // Why compiled once: get() runs on every FHIR request (the revocation check), and building and
  // compiling the query object each time cost more than the lookup itself. Parameters: kind, now, key.
  private getSql?: string;

  async get(kind: string, key: string): Promise<string | undefined> {
    this.getSql ??= compileQuery(this.unexpired(kind).where('key', '=', key).select('value')).sql;
    const rows = await this.read.all<{ value: string }>({ sql: this.getSql, parameters: [kind, this.now(), key] });
    return rows[0]?.value;
  }

  async put(kind: string, key: string, value: string, expiresAt?: number): Promise<void> {
    const q = this.qb
      .insertInto('auth_record')
      .values({ kind, key, value, expires_at: expiresAt ?? null })
      .onConflict((oc) => oc.columns(['kind', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), expires_at: eb.ref('excluded.expires_at') })))
      .returning('key');
    await this.write((exec) => exec.all(compileQuery(q)));
  }

  async insertNew(kind: string, key: string, value: string, expiresAt?: number): Promise<boolean> {
    // An expired record with the key is replaced; an unexpired one is left alone and nothing returns.
    const q = this.qb
      .insertInto('auth_record')
      .values({ kind, key, value, expires_at: expiresAt ?? null })
      .onConflict((oc) =>
        oc
          .columns(['kind', 'key'])
          .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), expires_at: eb.ref('excluded.expires_at') }))
          .where('auth_record.expires_at', 'is not', null)
          .where('auth_record.expires_at', '<=', this.now()),
      )
      .returning('key');
    const rows = await this.write((exec) => exec.all(compileQuery(q)));
    return rows.length === 1;
  }

  async take(kind: string, key: string): Promise<string | undefined> {
    const q = this.qb.deleteFrom('auth_record').where('kind', '=', kind).where('key', '=', key).returning(['value', 'expires_at']);
    const rows = await this.write((exec) => exec.all<{ value: string; expires_at: number | null }>(compileQuery(q)));
    const row = rows[0];
    return row && (row.expires_at === null || row.expires_at > this.now()) ? row.value : undefined;
  }

  async delete(kind: string, key: string): Promise<boolean> {
    const q = this.qb.deleteFrom('auth_record').where('kind', '=', kind).where('key', '=', key).returning('key');
    return (await this.write((exec) => exec.all(compileQuery(q)))).length > 0;
  }

  async list(kind: string): Promise<{ key: string; value: string }[]> {
    return this.read.all<{ key: string; value: string }>(compileQuery(this.unexpired(kind).select(['key', 'value']).orderBy('key')));
  }

  async purgeExpired(): Promise<number> {
    const q = this.qb.deleteFrom('auth_record').where('expires_at', 'is not', null).where('expires_at', '<=', this.now()).returning('key');
    return (await this.write((exec) => exec.all(compileQuery(q)))).length;
  }
}
