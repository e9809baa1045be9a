/**
 * Versioned schema migrations for PostgreSQL (schema-version.ts: version N here is version N of the
 * SQLite schema, in PostgreSQL's types). Each runs once, in order, in a transaction, under an advisory
 * lock, so that several `qiao serve` processes starting together migrate exactly once.
 *
 * Types: text columns compare byte-wise (COLLATE "C"), as SQLite's do, so prefix ranges, sorting and
 * cursors order identically on both engines; dates are epoch milliseconds in
 * bigint; full text is tsvector built from the words dialect.ts cuts.
 */
/*
 * Resources: \`document\` (jsonb) holds each version for SQL — reports, ad-hoc queries, GIN indexes an
 * operator adds — and \`content\` (text) the exact JSON Qiao serves. Why both: jsonb reorders keys and
 * respaces, so serving it would make a resource read back from PostgreSQL differ from the same resource
 * read back from SQLite (resourceType last, keys sorted by length); and sending stored text needs no
 * jsonb-to-text conversion on the read path.
 */
import type { PoolClient } from 'pg';
import { refuseNewer, type Migration } from '../sql/schema-version.js';

const T = 'text COLLATE "C"';

export const MIGRATIONS: Migration[] = [
  {
    version: 4,
    description: 'versioned resources (text and jsonb), current-version pointer, typed search indexes, full text (SQLite schema 4)',
    sql: `
      CREATE TABLE resource_version (
        seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type         ${T} NOT NULL,
        id           ${T} NOT NULL,
        version      integer NOT NULL,
        last_updated ${T} NOT NULL,
        method       text NOT NULL,
        deleted      smallint NOT NULL,
        content      text,
        document     jsonb
      );
      CREATE UNIQUE INDEX resource_version_key ON resource_version(type, id, version);
      CREATE INDEX resource_version_type_seq ON resource_version(type, seq);
      CREATE INDEX resource_version_time ON resource_version(last_updated);

      CREATE TABLE resource (
        rid          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type         ${T} NOT NULL,
        id           ${T} NOT NULL,
        version      integer NOT NULL,
        seq          bigint NOT NULL,
        deleted      smallint NOT NULL,
        last_updated ${T} NOT NULL
      );
      CREATE UNIQUE INDEX resource_key ON resource(type, id);
      CREATE INDEX resource_type_updated ON resource(type, last_updated);

      CREATE TABLE search_string (rid bigint NOT NULL, type ${T} NOT NULL, param ${T} NOT NULL, norm ${T} NOT NULL, exact ${T} NOT NULL, grp integer);
      CREATE INDEX search_string_value ON search_string(type, param, norm);
      CREATE INDEX search_string_owner ON search_string(rid);

      CREATE TABLE search_token (rid bigint NOT NULL, type ${T} NOT NULL, param ${T} NOT NULL, system ${T}, code ${T}, text ${T}, grp integer);
      CREATE INDEX search_token_value ON search_token(type, param, code, system);
      CREATE INDEX search_token_owner ON search_token(rid);

      CREATE TABLE search_date (rid bigint NOT NULL, type ${T} NOT NULL, param ${T} NOT NULL, start bigint NOT NULL, "end" bigint NOT NULL, grp integer);
      CREATE INDEX search_date_start ON search_date(type, param, start);
      CREATE INDEX search_date_end ON search_date(type, param, "end");
      CREATE INDEX search_date_owner ON search_date(rid);

      CREATE TABLE search_number (rid bigint NOT NULL, type ${T} NOT NULL, param ${T} NOT NULL, value double precision NOT NULL, low double precision NOT NULL, high double precision NOT NULL, grp integer);
      CREATE INDEX search_number_value ON search_number(type, param, value);
      CREATE INDEX search_number_owner ON search_number(rid);

      CREATE TABLE search_quantity (
        rid bigint NOT NULL, type ${T} NOT NULL, param ${T} NOT NULL,
        value double precision NOT NULL, low double precision NOT NULL, high double precision NOT NULL, system ${T}, code ${T}, unit ${T},
        canonical_value double precision, canonical_low double precision, canonical_high double precision, canonical_code ${T}, grp integer
      );
      CREATE INDEX search_quantity_value ON search_quantity(type, param, code, value);
      CREATE INDEX search_quantity_canonical ON search_quantity(type, param, canonical_code, canonical_value);
      CREATE INDEX search_quantity_owner ON search_quantity(rid);

      CREATE TABLE search_reference (
        rid bigint NOT NULL, type ${T} NOT NULL, param ${T} NOT NULL,
        target_type ${T}, target_id ${T}, target_version ${T}, url ${T}, identifier_system ${T}, identifier_value ${T}, grp integer
      );
      CREATE INDEX search_reference_value ON search_reference(type, param, target_id, target_type);
      CREATE INDEX search_reference_url ON search_reference(type, param, url);
      CREATE INDEX search_reference_owner ON search_reference(rid);

      CREATE TABLE search_uri (rid bigint NOT NULL, type ${T} NOT NULL, param ${T} NOT NULL, value ${T} NOT NULL, grp integer);
      CREATE INDEX search_uri_value ON search_uri(type, param, value);
      CREATE INDEX search_uri_owner ON search_uri(rid);

      CREATE TABLE search_text (rid bigint NOT NULL, narrative tsvector NOT NULL, content tsvector NOT NULL);
      CREATE INDEX search_text_owner ON search_text(rid);
      CREATE INDEX search_text_narrative ON search_text USING gin (narrative);
      CREATE INDEX search_text_content ON search_text USING gin (content);
    `,
  },
  {
    version: 5,
    description: 'records of the authorization server (store/auth-records.ts)',
    sql: `
      CREATE TABLE auth_record (kind ${T} NOT NULL, key ${T} NOT NULL, value text NOT NULL, expires_at bigint, PRIMARY KEY (kind, key));
      CREATE INDEX auth_record_expiry ON auth_record(expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 6,
    description: 'durable queue of Subscription notifications (store/notification-queue.ts)',
    sql: `
      CREATE TABLE subscription_notification (
        nid          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        subscription ${T} NOT NULL,
        type         ${T} NOT NULL,
        id           ${T} NOT NULL,
        version      integer NOT NULL,
        payload      text NOT NULL,
        attempts     integer NOT NULL,
        next_attempt bigint NOT NULL,
        lease_until  bigint,
        last_error   text,
        created_at   bigint NOT NULL
      );
      CREATE INDEX subscription_notification_due ON subscription_notification(next_attempt);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Brings the schema to SCHEMA_VERSION (creating it when absent); returns the versions applied. */
export async function migrate(client: PoolClient, schema: string): Promise<number[]> {
  await client.query('BEGIN');
  try {
    // One migrator per schema at a time; the lock ends with the transaction.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`qiao-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text, applied_at text NOT NULL)`);
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    const current = rows[0].v ?? 0;
    refuseNewer(current, SCHEMA_VERSION);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)', [m.version, m.description, new Date().toISOString()]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** A schema name checked by connection.ts, quoted for DDL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
