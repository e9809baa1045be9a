/** Table shapes shared by every SQL engine, for the typed query builder. */
import type { Generated } from 'kysely';

export interface Tables {
  resource_version: {
    seq: number;
    type: string;
    id: string;
    version: number;
    last_updated: string;
    method: string;
    deleted: number;
    content: string | null;
  };
  resource: { rid: number; type: string; id: string; version: number; seq: number; deleted: number; last_updated: string };
  auth_record: { kind: string; key: string; value: string; expires_at: number | null };
  subscription_notification: {
    nid: Generated<number>;
    subscription: string;
    type: string;
    id: string;
    version: number;
    payload: string;
    attempts: number;
    next_attempt: number;
    lease_until: number | null;
    last_error: string | null;
    created_at: number;
  };
  search_token: { rid: number; type: string; param: string; system: string | null; code: string | null; text: string | null; grp: number | null };
  // The other index tables, by their key only: the shared queries that name them only delete by rid (purge.ts).
  search_string: { rid: number };
  search_date: { rid: number };
  search_number: { rid: number };
  search_quantity: { rid: number };
  search_reference: { rid: number };
  search_uri: { rid: number };
  /** Full text: PostgreSQL keys it by rid, SQLite's FTS5 table by rowid. */
  search_text: { rid: number; rowid: number };
}
