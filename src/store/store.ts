/**
 * The storage contract. Adapters (sqlite/, postgres/) implement it; interactions use only this.
 * Every method says which part of the FHIR R4 RESTful API (hl7.org/fhir/R4/http.html) it serves.
 *
 * Versioning: every create, update, patch and delete writes a new version (http.html#versioning);
 * `meta.versionId` and `meta.lastUpdated` are set here, never trusted from clients. A delete is a
 * versioned tombstone (http.html#delete), so history keeps it.
 */
import type { Resource } from '../fhir/types.js';
import type { IndexRows, SearchQuery } from '../search/types.js';
import type { SchemaStatus } from './sql/schema-version.js';
import type { AuthRecords } from './auth-records.js';
import type { NewNotification, NotificationQueue } from './notification-queue.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface StoredVersion {
  type: string;
  id: string;
  versionId: number;
  /** ISO 8601 instant with milliseconds, UTC. */
  lastUpdated: string;
  method: WriteMethod;
  deleted: boolean;
  /** The resource as stored (meta included) — absent for a tombstone. Serialised JSON, so reads need no re-encoding. */
  json?: string;
}

/** Rows the search indexer derives from a resource (search/types.ts); written in the same transaction as the resource. */
export type IndexExtractor = (resource: Resource) => IndexRows;

export interface HistoryQuery {
  type?: string;
  id?: string;
  /** Only versions with lastUpdated >= since (http.html#history `_since`). */
  since?: string;
  /** Only versions with lastUpdated <= at. */
  before?: string;
  /** Leave out these types (system history leaves out the audit trail, which is read by naming it). */
  excludeTypes?: string[];
  count: number;
  /** Opaque cursor from a previous page: history is newest first, the cursor is the last row's sequence. */
  cursor?: number;
}

export interface HistoryPage {
  versions: StoredVersion[];
  /** Cursor of the next (older) page, when there is one. */
  next?: number;
  total: number;
}

/** A position in a search's result order (sort values and the row key), for keyset paging. */
export interface Cursor {
  values: (string | number | null)[];
  rid: number;
}

export interface SearchRequest {
  query: SearchQuery;
  /** The server's FHIR base URL: absolute references to it match local ones. */
  baseUrl: string;
  /** The page starts after this position (or ends before it, when `backwards`). */
  cursor?: Cursor;
  backwards?: boolean;
}

export interface SearchPage {
  /** The page's matches, in order (search.mode = match). */
  matches: StoredVersion[];
  /** Resources added by _include / _revinclude (search.mode = include), each once. */
  included: StoredVersion[];
  /** Positions of the first and last match, for previous and next links. */
  first?: Cursor;
  last?: Cursor;
  /** Whether more matches lie beyond this page in its direction. */
  more: boolean;
  /** The number of matches, when asked for (_total) or known for free. */
  total?: number;
}

/** Read access, both inside and outside a transaction. */
export interface StoreReader {
  /** read (http.html#read): the current version, or the tombstone when deleted. */
  read(type: string, id: string): Promise<StoredVersion | undefined>;
  /** vread (http.html#vread). */
  vread(type: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  /** history (http.html#history) at instance, type or system level. */
  history(query: HistoryQuery): Promise<HistoryPage>;
  /** search (search.html): one page of matches with its includes. */
  search(request: SearchRequest): Promise<SearchPage>;
}

export interface StoreTransaction extends StoreReader {
  /**
   * Writes a new version of type/id: version = current + 1 (or 1). `resource` null writes a tombstone.
   * The resource's id and meta.versionId/lastUpdated are set here (on the object passed in); the stored
   * JSON is returned. Method POST is only for a server-assigned id never used before (create).
   */
  write(type: string, id: string, resource: Resource | null, method: WriteMethod): Promise<StoredVersion>;
  /** Queues Subscription notifications (notification-queue.ts): they commit, or roll back, with this transaction. */
  enqueueNotifications(rows: readonly NewNotification[]): Promise<void>;
}

/** Called after a transaction commits, with the versions it wrote in order (hooks: custom SearchParameters; audit later). */
export type CommitListener = (written: StoredVersion[]) => void;

/**
 * Called when another server process on the same database committed writes (scale-out: each process's
 * caches must follow): the resource types written, or 'all' when notifications may have been missed.
 */
export type ExternalCommitListener = (types: string[] | 'all') => void;

export interface ReindexOptions {
  /** Only resources of these types (default: all). */
  types?: string[];
  /** Only this resource (with one type). */
  id?: string;
}

export interface ResourceStore extends StoreReader {
  /** The authorization server's records (clients, users, codes, tokens): auth-records.ts. */
  readonly auth: AuthRecords;
  /** Subscription notifications waiting for delivery (notification-queue.ts); call outside store.transaction(). */
  readonly notifications: NotificationQueue;
  /** The schema version the database is at, and the migrations this open applied (`qiao migrate`). */
  readonly schema: SchemaStatus;
  /** Runs fn in one atomic database transaction: all of its writes commit together or none do (http.html#transaction). */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Registers a listener called after every transaction this process committed (not after rolled-back ones). */
  onCommit(listener: CommitListener): void;
  /** Registers a listener for commits of other processes (never called where one process owns the database). */
  onExternalCommit(listener: ExternalCommitListener): void;
  /**
   * Rebuilds the search index rows of current resources from their stored JSON (search.html#custom:
   * after SearchParameters change; `qiao reindex`, $reindex). Works in batches, each its own
   * transaction, so reads and writes go on meanwhile. Returns how many resources were reindexed.
   */
  reindex(options?: ReindexOptions): Promise<number>;
  /**
   * Removes every resource of `type` whose current version was written before `before` (ISO instant),
   * with all its versions and index rows, leaving no tombstone: audit retention (audit/retention.ts),
   * not a FHIR interaction. Works in batches, each its own transaction. Returns how many were removed.
   */
  purgeBefore(type: string, before: string): Promise<number>;
  /** Is the database reachable and migrated? */
  ping(): Promise<void>;
  close(): Promise<void>;
}
