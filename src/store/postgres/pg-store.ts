/**
 * The PostgreSQL adapter (pg, pooled). Many `qiao serve` processes may share one database: nothing that
 * matters lives in one process — versions, index rows and paging cursors are all in the database, and
 * other processes' commits reach this one's caches through LISTEN/NOTIFY (onExternalCommit).
 *
 * Transactions run SERIALIZABLE: their outcome equals some serial order, so an If-Match check, a
 * conditional create's search and the read-modify-write of a PATCH cannot be overtaken between read
 * and write by another process. A transaction the database aborts for a conflict (serialization
 * failure, deadlock, a concurrently created key) is run again from the start, a few times, before the
 * client gets a 409; the interactions' transaction functions are written to be re-runnable.
 *
 * A run again queues first (retryLane): under SERIALIZABLE every transaction that took its snapshot
 * before the winner on a hot resource committed fails, so without a queue N clients writing one
 * resource fail together round after round and the last ones run out of attempts.
 */
import type pg from 'pg';
import { badRequest, conflict } from '../../fhir/errors.js';
import type { Resource } from '../../fhir/types.js';
import { LastUpdatedClock } from '../clock.js';
import type { CompiledSql } from '../sql/builder.js';
import { postgresDialect } from '../sql/dialect.js';
import type { SqlExecutor } from '../sql/executor.js';
import { historyPage, SqlSearch } from '../sql/search-runner.js';
import type {
  CommitListener,
  ExternalCommitListener,
  HistoryQuery,
  IndexExtractor,
  ReindexOptions,
  ResourceStore,
  SearchRequest,
  StoreReader,
  StoreTransaction,
  StoredVersion,
  WriteMethod,
} from '../store.js';
import { connect, type PgConnection } from './connection.js';
import { indexReplace, versionWrite } from './index-writer.js';
import { CommitChannel } from './commit-channel.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import { StatisticsKeeper } from './statistics.js';
import { purgeBefore } from './purge.js';
import { SqlAuthRecords } from '../sql/auth-records.js';
import type { AuthRecords } from '../auth-records.js';
import type { NewNotification, NotificationQueue } from '../notification-queue.js';
import { insertNotifications, SqlNotificationQueue } from '../sql/notification-queue.js';
import { requireCurrent, type SchemaStatus } from '../sql/schema-version.js';

type Queryable = pg.Pool | pg.PoolClient;

/** SQLSTATEs of a transaction the database aborted because of a concurrent one: worth running again. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 10;
/** The run from which reruns queue one at a time across all resources (retryLane). */
const GLOBAL_LANE_FROM = 3;
/** Resources reindexed per transaction. */
const REINDEX_BATCH = 500;

const VERSION_COLUMNS = 'v.version, v.last_updated, v.method, v.deleted, v.content';
const READ = `SELECT ${VERSION_COLUMNS} FROM resource r JOIN resource_version v ON v.seq = r.seq WHERE r.type = $1 AND r.id = $2`;
const VREAD = `SELECT ${VERSION_COLUMNS} FROM resource_version v WHERE v.type = $1 AND v.id = $2 AND v.version = $3`;
type VersionTuple = [number, string, string, number, string | null];

/** Errors PostgreSQL raises for values it cannot store or compare, which are the client's: 400, not 500. */
function clientError(err: unknown): Error | undefined {
  const code = (err as { code?: string }).code;
  // 22021/22P05: a NUL character (text and jsonb cannot hold one); 22003: a number out of range.
  if (code === '22021' || code === '22P05') return badRequest('The request holds a NUL character (\\u0000), which cannot be stored or searched');
  if (code === '22003') return badRequest('The request holds a number out of range');
  return undefined;
}

class PgExecutor implements SqlExecutor {
  readonly dialect = postgresDialect;
  constructor(private readonly db: Queryable) {}
  async all<T>(query: CompiledSql): Promise<T[]> {
    try {
      const result = await this.db.query({ text: query.sql, values: query.parameters as unknown[] });
      return result.rows as T[];
    } catch (err) {
      throw clientError(err) ?? err;
    }
  }
}

class PgReader implements StoreReader {
  private readonly searcher: SqlSearch;
  protected readonly exec: PgExecutor;
  constructor(protected readonly db: Queryable) {
    this.exec = new PgExecutor(db);
    this.searcher = new SqlSearch(this.exec);
  }

  protected async tuple(name: string, text: string, values: unknown[]): Promise<VersionTuple | undefined> {
    const result = await this.db.query<VersionTuple>({ name, text, values, rowMode: 'array' });
    return result.rows[0];
  }

  async read(type: string, id: string): Promise<StoredVersion | undefined> {
    const t = await this.tuple('qiao_read', READ, [type, id]);
    return t && fromTuple(type, id, t);
  }

  async vread(type: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
    const t = await this.tuple('qiao_vread', VREAD, [type, id, versionId]);
    return t && fromTuple(type, id, t);
  }

  history(q: HistoryQuery) {
    return historyPage(this.exec, q);
  }

  search(request: SearchRequest) {
    return this.searcher.run(request);
  }
}

function fromTuple(type: string, id: string, t: VersionTuple): StoredVersion {
  return { type, id, versionId: t[0], lastUpdated: t[1], method: t[2] as WriteMethod, deleted: t[3] === 1, json: t[4] ?? undefined };
}

class PgTransaction extends PgReader implements StoreTransaction {
  readonly written: StoredVersion[] = [];
  constructor(
    client: pg.PoolClient,
    private readonly extractor: IndexExtractor,
    private readonly clock: LastUpdatedClock,
    /** `type/id` of every existing resource this transaction set out to write, kept even when it fails. */
    private readonly targets: Set<string>,
  ) {
    super(client);
  }

  async write(type: string, id: string, resource: Resource | null, method: WriteMethod): Promise<StoredVersion> {
    // A POST's id is new, so no other transaction contends for it.
    if (method !== 'POST') this.targets.add(`${type}/${id}`);
    // FOR UPDATE: a second writer of this resource waits here, then fails as a serialization conflict
    // and runs again, instead of both computing the same next version.
    const [current, previousUpdate] =
      method === 'POST'
        ? []
        : ((
            await this.db.query<[number, string]>({
              name: 'qiao_current',
              text: 'SELECT version, last_updated FROM resource WHERE type = $1 AND id = $2 FOR UPDATE',
              values: [type, id],
              rowMode: 'array',
            })
          ).rows[0] ?? []);
    const versionId = (current ?? 0) + 1;
    // Other processes' clocks may run behind this one's: never stamp a version older than its predecessor.
    const lastUpdated = this.clock.now(previousUpdate);
    let json: string | null = null;
    if (resource) {
      resource.id = id;
      resource.meta = { ...resource.meta, versionId: String(versionId), lastUpdated };
      const { resourceType, id: _id, meta, ...rest } = resource;
      json = JSON.stringify({ resourceType, id, meta, ...rest });
    }
    const rows = resource ? this.extractor(resource) : undefined;
    try {
      await this.db.query(versionWrite({ type, id, version: versionId, lastUpdated, method, json, rows, replace: current !== undefined }));
    } catch (err) {
      throw clientError(err) ?? err;
    }
    const stored: StoredVersion = { type, id, versionId, lastUpdated, method, deleted: !resource, json: json ?? undefined };
    this.written.push(stored);
    return stored;
  }

  async enqueueNotifications(rows: readonly NewNotification[]): Promise<void> {
    await insertNotifications(this.exec, rows);
  }
}

export interface PostgresOptions {
  connection: string;
  extractor: IndexExtractor;
}

export class PostgresStore extends PgReader implements ResourceStore {
  private readonly listeners: CommitListener[] = [];
  private readonly clock = new LastUpdatedClock();
  private readonly statistics: StatisticsKeeper;
  readonly auth: AuthRecords;
  readonly notifications: NotificationQueue;

  /** Connects, migrates the schema (migrations.ts) and starts following other processes' commits. */
  static async open(options: PostgresOptions): Promise<PostgresStore> {
    const conn = connect(options.connection);
    try {
      const client = await conn.pool.connect();
      let applied: number[];
      try {
        applied = await migrate(client, conn.schema);
      } finally {
        client.release();
      }
      const channel = await CommitChannel.open(conn.config, conn.schema);
      return new PostgresStore(conn, channel, options.extractor, { version: SCHEMA_VERSION, applied });
    } catch (err) {
      await conn.pool.end();
      throw err;
    }
  }

  private constructor(
    private readonly conn: PgConnection,
    private readonly channel: CommitChannel,
    private readonly extractor: IndexExtractor,
    readonly schema: SchemaStatus,
  ) {
    super(conn.pool);
    this.statistics = new StatisticsKeeper(conn.pool, conn.schema);
    // Single statements on the pool: each is atomic by itself (sql/auth-records.ts).
    this.auth = new SqlAuthRecords(this.exec, (run) => run(this.exec));
    this.notifications = new SqlNotificationQueue((run) => run(this.exec));
  }

  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    // The resources earlier runs of this transaction wrote or meant to write: a run again queues for them.
    const targets = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const client = await this.conn.pool.connect();
      let tx: PgTransaction | undefined;
      // Set before any lock is taken: a failure halfway through must still let go of those taken.
      const queued = targets.size > 0 || attempt >= GLOBAL_LANE_FROM;
      try {
        await this.retryLane(client, targets, attempt);
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        tx = new PgTransaction(client, this.extractor, this.clock, targets);
        const result = await fn(tx);
        if (tx.written.length) await this.channel.announce(client, tx.written);
        await client.query('COMMIT');
        await this.leaveLane(client, queued);
        if (tx.written.length) {
          this.statistics.written(tx.written.length);
          for (const listener of this.listeners) listener(tx.written);
        }
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        await this.leaveLane(client, queued);
        const code = (err as { code?: string }).code;
        if (code === undefined || !RETRYABLE.has(code)) throw err;
        if (attempt >= MAX_ATTEMPTS) throw conflict(`The transaction conflicted with concurrent ones ${MAX_ATTEMPTS} times; try again`);
        // Jittered, growing pause, so that the conflicting transactions do not meet again at once.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /**
   * Before a run again: one session-level advisory lock per resource the earlier runs wrote, taken in
   * sorted order and before BEGIN, so that runs again of transactions on the same resources go one at
   * a time, each with a snapshot taken after the previous one committed — they can then lose only to
   * a transaction on its first run, which is progress for someone. Sorted: two queued transactions
   * never wait for each other's locks in opposite orders. Keys are per schema; a hash collision only
   * queues two unrelated transactions.
   */
  private async retryLane(client: pg.PoolClient, targets: Set<string>, attempt: number): Promise<void> {
    // From the third run on, reruns also queue behind one another whatever they wrote. Why: on small
    // tables PostgreSQL's serializable checks work per index page, so transactions on different
    // resources (each with its AuditEvent's index rows) can keep failing one another, which per-resource
    // lanes alone do not stop. One rerun at a time can then lose only to first runs: progress.
    const keys = [...targets];
    if (attempt >= GLOBAL_LANE_FROM) keys.push('*');
    for (const target of keys.sort()) {
      await client.query({ name: 'qiao_lane', text: 'SELECT pg_advisory_lock(hashtextextended($1, 0))', values: [`${this.conn.schema}/${target}`] });
    }
  }

  /** Returns the connection to the pool, without the retry lane's locks (or closed if they could not be let go). */
  private async leaveLane(client: pg.PoolClient, queued: boolean): Promise<void> {
    if (!queued) return client.release();
    try {
      await client.query('SELECT pg_advisory_unlock_all()');
      client.release();
    } catch (err) {
      // Closing the connection ends its session, and with it the locks.
      client.release(err as Error);
    }
  }

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  onExternalCommit(listener: ExternalCommitListener): void {
    this.channel.listen(listener);
  }

  async reindex(options: ReindexOptions = {}): Promise<number> {
    const types = options.types?.length ? options.types : null;
    const id = options.id ?? null;
    let after = 0;
    let count = 0;
    for (;;) {
      const client = await this.conn.pool.connect();
      let rows: { rid: number; type: string; content: string }[];
      try {
        await client.query('BEGIN');
        // FOR UPDATE: a concurrent write of one of these resources waits for this batch, so the rows
        // written here can never replace those of a newer version.
        ({ rows } = await client.query<{ rid: number; type: string; content: string }>(
          `SELECT r.rid AS rid, r.type AS type, v.content AS content FROM resource r JOIN resource_version v ON v.seq = r.seq
           WHERE r.deleted = 0 AND r.rid > $1 AND ($2::text[] IS NULL OR r.type = ANY($2::text[])) AND ($3::text IS NULL OR r.id = $3::text)
           ORDER BY r.rid LIMIT $4 FOR UPDATE OF r`,
          [after, types, id, REINDEX_BATCH],
        ));
        for (const row of rows) await client.query(indexReplace(row.rid, row.type, this.extractor(JSON.parse(row.content) as Resource)));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      if (!rows.length) return count;
      this.statistics.written(rows.length);
      after = rows[rows.length - 1].rid;
      count += rows.length;
      if (rows.length < REINDEX_BATCH) return count;
    }
  }

  /** Readiness (/readyz): a pooled connection answers and the schema is the one this code knows. */
  purgeBefore(type: string, before: string): Promise<number> {
    return purgeBefore(this.conn.pool, type, before);
  }

  async ping(): Promise<void> {
    const { rows } = await this.conn.pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    requireCurrent(rows[0]?.v ?? 0, SCHEMA_VERSION);
  }

  async close(): Promise<void> {
    await this.statistics.settle();
    await this.channel.close();
    await this.conn.pool.end();
  }
}
