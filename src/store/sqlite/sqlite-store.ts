/**
 * The SQLite adapter (better-sqlite3, WAL). One writer connection, serialised by an async mutex so that
 * a transaction's awaits never interleave with another's writes; a separate reader connection serves
 * reads outside transactions, so they never observe uncommitted writes (WAL gives readers a snapshot).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Resource } from '../../fhir/types.js';
import type {
  HistoryPage,
  HistoryQuery,
  IndexExtractor,
  ResourceStore,
  SearchPage,
  SearchRequest,
  StoreReader,
  StoreTransaction,
  StoredVersion,
  WriteMethod,
} from '../store.js';
import { compileQuery, queryBuilder } from '../sql/builder.js';
import { historyCountQuery, historyPageQuery } from '../sql/queries.js';
import { migrate } from './migrations.js';
import { prepareReads, prepareWrites, type VersionRow, type VersionTuple } from './statements.js';
import { Mutex } from './mutex.js';
import { SqliteSearch } from './search.js';
import { prepareIndexWriter, type IndexWriter } from './index-writer.js';
import { LastUpdatedClock } from '../clock.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  filename: string;
  /** PRAGMA synchronous: FULL (default) makes every acknowledged commit survive power loss, not only a crash. */
  synchronous?: 'FULL' | 'NORMAL';
  extractor: IndexExtractor;
}

const qb = queryBuilder('sqlite');

function toStored(row: VersionRow): StoredVersion {
  return {
    type: row.type,
    id: row.id,
    versionId: row.version,
    lastUpdated: row.last_updated,
    method: row.method as WriteMethod,
    deleted: row.deleted === 1,
    json: row.content ?? undefined,
  };
}

function fromTuple(type: string, id: string, t: VersionTuple): StoredVersion {
  return { type, id, versionId: t[0], lastUpdated: t[1], method: t[2] as WriteMethod, deleted: t[3] === 1, json: t[4] ?? undefined };
}

function open(filename: string, synchronous: string, readonly = false): Database.Database {
  const db = new Database(filename, { readonly });
  if (!readonly) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  // Reads through a memory map skip a copy and a system call per page (measured on read-by-id).
  db.pragma('mmap_size = 1073741824');
  return db;
}

/** Reads on one connection; shared by the store (reader connection) and transactions (writer). */
class SqliteReader implements StoreReader {
  protected readonly reads;
  private readonly searcher: SqliteSearch;
  constructor(protected readonly db: Database.Database) {
    this.reads = prepareReads(db);
    this.searcher = new SqliteSearch(db);
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    return this.searcher.run(request);
  }

  async read(type: string, id: string) {
    const row = this.reads.current.get(type, id) as VersionTuple | undefined;
    return row && fromTuple(type, id, row);
  }

  async vread(type: string, id: string, versionId: number) {
    const row = this.reads.version.get(type, id, versionId) as VersionTuple | undefined;
    return row && fromTuple(type, id, row);
  }

  async history(q: HistoryQuery): Promise<HistoryPage> {
    const page = compileQuery(historyPageQuery(qb, q));
    const rows = this.db.prepare(page.sql).all(...page.parameters) as VersionRow[];
    const count = compileQuery(historyCountQuery(qb, q));
    const total = (this.db.prepare(count.sql).get(...count.parameters) as { n: number }).n;
    const more = rows.length > q.count;
    const versions = rows.slice(0, q.count).map(toStored);
    // _count=0 asks for the total only (search.html#count): no entries, no next page.
    return { versions, total, next: more && q.count > 0 ? rows[q.count - 1].seq : undefined };
  }

}

class SqliteTransaction extends SqliteReader implements StoreTransaction {
  private readonly writes;
  private readonly index: IndexWriter;
  constructor(
    db: Database.Database,
    private readonly extractor: IndexExtractor,
    private readonly clock: LastUpdatedClock,
  ) {
    super(db);
    this.writes = prepareWrites(db);
    this.index = prepareIndexWriter(db);
  }

  async write(type: string, id: string, resource: Resource | null, method: WriteMethod): Promise<StoredVersion> {
    // A POST always writes a server-assigned id that has never been used (store.ts), so it has no
    // current version to look up and no index rows to replace.
    const current = method === 'POST' ? undefined : (this.reads.currentVersion.get(type, id) as number | undefined);
    const versionId = (current ?? 0) + 1;
    const lastUpdated = this.clock.now();
    let json: string | undefined;
    if (resource) {
      resource.id = id;
      resource.meta = { ...resource.meta, versionId: String(versionId), lastUpdated };
      // resourceType, id and meta lead, as in the spec's examples.
      const { resourceType, id: _id, meta, ...rest } = resource;
      json = JSON.stringify({ resourceType, id, meta, ...rest });
    }
    const deleted = resource ? 0 : 1;
    const { lastInsertRowid } = this.writes.insertVersion.run(type, id, versionId, lastUpdated, method, deleted, json ?? null);
    const rid = this.writes.upsertCurrent.get(type, id, versionId, lastInsertRowid, deleted, lastUpdated) as number;
    if (current !== undefined) this.index.remove(rid);
    if (resource) this.index.insert(rid, type, this.extractor(resource));
    return { type, id, versionId, lastUpdated, method, deleted: !resource, json };
  }
}

export class SqliteStore extends SqliteReader implements ResourceStore {
  private readonly writer: Database.Database;
  private readonly tx: SqliteTransaction;
  private readonly mutex = new Mutex();
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly beginRead;
  private readonly endRead;
  private snapshotOpen = false;

  static open(options: SqliteOptions): SqliteStore {
    const memory = options.filename === ':memory:';
    if (!memory) mkdirSync(dirname(options.filename), { recursive: true });
    const sync = options.synchronous ?? 'FULL';
    const writer = open(options.filename, sync);
    migrate(writer);
    // An in-memory database exists only on its connection, so reads share the writer there.
    const reader = memory ? writer : open(options.filename, sync, true);
    return new SqliteStore(writer, reader, options.extractor);
  }

  private constructor(writer: Database.Database, reader: Database.Database, extractor: IndexExtractor) {
    super(reader);
    this.writer = writer;
    this.tx = new SqliteTransaction(writer, extractor, new LastUpdatedClock());
    this.begin = writer.prepare('BEGIN IMMEDIATE');
    this.commit = writer.prepare('COMMIT');
    this.rollback = writer.prepare('ROLLBACK');
    this.beginRead = reader.prepare('BEGIN');
    this.endRead = reader.prepare('COMMIT');
  }

  // Reads outside transactions share one read transaction per event-loop turn. Why: starting one
  // costs three system calls (a WAL read-mark lock, its release, an fstat), as much as the lookup
  // itself (measured on read-by-id under load). The snapshot ends when the turn ends and before each
  // of our own commits, so no read misses a write that was acknowledged before the read arrived.
  private openSnapshot(): void {
    if (this.snapshotOpen || this.db === this.writer) return;
    this.beginRead.run();
    this.snapshotOpen = true;
    setImmediate(this.endSnapshot);
  }

  private readonly endSnapshot = (): void => {
    if (!this.snapshotOpen) return;
    this.snapshotOpen = false;
    this.endRead.run();
  };

  override read(type: string, id: string) {
    this.openSnapshot();
    return super.read(type, id);
  }

  override vread(type: string, id: string, versionId: number) {
    this.openSnapshot();
    return super.vread(type, id, versionId);
  }

  override history(q: HistoryQuery) {
    this.openSnapshot();
    return super.history(q);
  }

  override search(request: SearchRequest) {
    this.openSnapshot();
    return super.search(request);
  }

  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      this.begin.run();
      try {
        const result = await fn(this.tx);
        this.endSnapshot();
        this.commit.run();
        return result;
      } catch (err) {
        if (this.writer.inTransaction) this.rollback.run();
        throw err;
      }
    });
  }

  async ping() {
    this.db.prepare('SELECT 1').get();
  }

  async close() {
    await this.mutex.run(async () => {
      this.endSnapshot();
      if (this.db !== this.writer) this.db.close();
      this.writer.close();
    });
  }
}
