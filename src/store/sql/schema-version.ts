/**
 * Schema versions mean the same on both engines: version N of the SQLite schema and version N of the
 * PostgreSQL schema hold the same tables, columns and indexes, each in its engine's types. A database
 * newer than this code is refused, never written to.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Startup refusal, not a request error: the CLI prints its message and exits non-zero. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly current: number,
    readonly known: number,
  ) {
    super(
      `The database schema is version ${current}, newer than this Qiao understands (${known}). Upgrade Qiao before using this database.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** What opening a database did to its schema: the version it is at now and the migrations just applied. */
export interface SchemaStatus {
  version: number;
  applied: number[];
}

export function refuseNewer(current: number, known: number): void {
  if (current > known) throw new SchemaTooNewError(current, known);
}

/** A database another process has not finished migrating (or rolled back): not ready to serve. */
export class SchemaBehindError extends Error {
  constructor(
    readonly current: number,
    readonly known: number,
  ) {
    super(`The database schema is version ${current}; this Qiao needs ${known}. Run \`qiao migrate\`.`);
    this.name = 'SchemaBehindError';
  }
}

/** ping's check: the schema must be exactly the version this code was built for (a newer Qiao may have migrated it since). */
export function requireCurrent(current: number, known: number): void {
  refuseNewer(current, known);
  if (current < known) throw new SchemaBehindError(current, known);
}
