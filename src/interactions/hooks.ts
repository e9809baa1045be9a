/**
 * Hooks other parts attach to interactions without the interactions knowing them (main.ts wires them):
 * audit records each write in the write's own transaction, subscriptions queue their notifications
 * there, so that both commit, or roll back, with the data they describe.
 */
import type { StoredVersion, StoreTransaction } from '../store/store.js';
import type { AccessControl } from './access.js';

/** Who asked, from where, under which request id: never the access token itself. */
export interface RequestInfo {
  requestId: string;
  /** The peer's network address. */
  peer?: string;
  /** The verified token's grant; absent when auth is off. */
  access?: AccessControl;
  /** The FHIR base URL the request came in on. */
  baseUrl: string;
}

/**
 * Called inside a write's database transaction, just before it commits, with the versions written so
 * far in order (one per entry of a transaction Bundle, then what earlier observers wrote). What it
 * writes through `tx` commits with them and is shown to the observers after it; if it throws, nothing
 * commits (an OperationOutcomeError becomes the response).
 */
export type WriteObserver = (tx: StoreTransaction, written: readonly StoredVersion[], info: RequestInfo) => Promise<void>;

/** A transaction that remembers what was written through it. */
export function trackWrites(tx: StoreTransaction): { tx: StoreTransaction; written: StoredVersion[] } {
  const written: StoredVersion[] = [];
  return {
    written,
    tx: {
      read: (type, id) => tx.read(type, id),
      vread: (type, id, version) => tx.vread(type, id, version),
      history: (query) => tx.history(query),
      search: (request) => tx.search(request),
      write: async (type, id, resource, method) => {
        const version = await tx.write(type, id, resource, method);
        written.push(version);
        return version;
      },
      enqueueNotifications: (rows) => tx.enqueueNotifications(rows),
    },
  };
}
