/**
 * Database timings: the store, with its reads, searches, history, transactions, reindexing and pings
 * timed into qiao_db_operation_duration_seconds; one that fails other than by a request's own 4xx (a
 * transaction rolled back for a 412 or an invalid entry is no database error) counts in
 * qiao_db_operation_errors_total.
 * A transaction's time is the whole transaction, the interaction's work inside it included: that is
 * how long it holds the database (SQLite's single writer, a PostgreSQL connection).
 *
 * A Proxy rather than a class restating ResourceStore: every other member (auth records, the schema
 * status, listeners, whatever the store contract gains later) is the store's own, bound to it.
 */
import { OperationOutcomeError } from '../fhir/errors.js';
import type { ResourceStore } from '../store/store.js';
import type { Metrics } from './metrics.js';

const TIMED = ['read', 'vread', 'history', 'search', 'transaction', 'reindex', 'ping'] as const;

export function timedStore(store: ResourceStore, metrics: Metrics): ResourceStore {
  const overrides = new Map<PropertyKey, unknown>();
  for (const name of TIMED) {
    const observe = metrics.dbDuration.labels({ operation: name });
    const failed = metrics.dbErrors.labels({ operation: name });
    const method = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
    overrides.set(name, async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await method(...args);
      } catch (err) {
        if (!(err instanceof OperationOutcomeError && err.status < 500)) failed.inc();
        throw err;
      } finally {
        observe.observe((performance.now() - started) / 1000);
      }
    });
  }
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      if (overrides.has(prop)) return overrides.get(prop);
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(prop);
      if (!fn) bound.set(prop, (fn = (value as (...args: unknown[]) => unknown).bind(target)));
      return fn;
    },
  });
}
