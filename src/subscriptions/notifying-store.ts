/**
 * The store as seen by code that writes outside the REST write path in transactions of its own (the
 * audit queue's AuditEvents of reads and searches): the same store, except that each transaction, just
 * before it commits, queues the notifications its writes match — as the write observer does for REST
 * writes — so that a Subscription on `AuditEvent?...` hears of those AuditEvents too, durably.
 *
 * A Proxy, like observability's timed store: every other member is the store's own.
 */
import { trackWrites } from '../interactions/hooks.js';
import type { ResourceStore, StoredVersion, StoreTransaction } from '../store/store.js';

export function notifyingStore(
  store: ResourceStore,
  onWritten: (tx: StoreTransaction, written: readonly StoredVersion[], baseUrl: string) => Promise<void>,
  baseUrl: () => string,
): ResourceStore {
  const transaction: ResourceStore['transaction'] = (fn) =>
    store.transaction(async (tx) => {
      const tracked = trackWrites(tx);
      const result = await fn(tracked.tx);
      if (tracked.written.length) await onWritten(tracked.tx, tracked.written, baseUrl());
      return result;
    });
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
