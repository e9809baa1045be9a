/**
 * A PostgreSQL connection string (`postgres://user@host:5432/db?schema=qiao&pool=10`) as a pg Pool.
 * Qiao's own parameters — `schema` (default public) and `pool` (connections per process, default 10) —
 * are taken out; the rest goes to pg as given (sslmode and the like).
 */
import pg from 'pg';
import { badRequest } from '../../fhir/errors.js';

export interface PgConnection {
  pool: pg.Pool;
  schema: string;
  /** The connection string without Qiao's parameters, for the listener connection. */
  config: pg.ClientConfig;
}

const INT8 = 20;

/**
 * Row values as the shared SQL code expects them on both engines: bigint as a JS number (rid, seq,
 * dates in epoch milliseconds and counts all stay below 2^53).
 */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export function parsePgConnection(connection: string): { config: pg.ClientConfig; schema: string; poolSize: number } {
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw badRequest(`'${connection.replace(/:[^:@/]*@/, ':***@')}' is not a PostgreSQL URL (postgres://user@host:5432/db)`);
  }
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw badRequest(`schema '${schema}': use lower-case letters, digits and _`);
  const poolSize = Number(url.searchParams.get('pool') ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) throw badRequest('pool: a number of connections from 1 to 1000');
  url.searchParams.delete('schema');
  url.searchParams.delete('pool');
  // search_path set at connection start: every statement, pooled or not, sees Qiao's schema first.
  return { config: { connectionString: url.toString(), options: `-c search_path=${schema}`, types }, schema, poolSize };
}

export function connect(connection: string): PgConnection {
  const { config, schema, poolSize } = parsePgConnection(connection);
  const pool = new pg.Pool({ ...config, max: poolSize });
  // An idle client losing its server (restart, failover) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return { pool, schema, config };
}
