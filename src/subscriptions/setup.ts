/**
 * Subscriptions as main.ts wires them: the registry of Subscriptions in force, the write observer, the
 * delivery worker and the authorization-failure alert rule, following this process's and other
 * processes' commits.
 *
 * `onWritten(tx, written, baseUrl)` queues the notifications for writes made outside the REST write
 * path (the write observers do it for those): call it inside the transaction that wrote them; or give
 * such code `notifying(store)`, whose transactions do it themselves (the audit queue's AuditEvents).
 */
import type { Logger } from 'pino';
import type { WriteObserver } from '../interactions/hooks.js';
import type { ResourceStore, StoredVersion, StoreTransaction } from '../store/store.js';
import { authFailureAlerts, type AnsweredRequest, type AuthFailureRule } from './auth-failure-alert.js';
import { DeliveryWorker } from './delivery.js';
import { queueMatches } from './matcher.js';
import { notifyingStore } from './notifying-store.js';
import { subscriptionObserver } from './observer.js';
import { SubscriptionRegistry } from './registry.js';

export interface SubscriptionOptions {
  /** URL prefixes notifications may go to (empty: none). */
  allow: readonly string[];
  /** First retry delay in ms (doubling after). */
  retryBaseMs: number;
  /** The authorization-failure alert rule; absent: off. */
  authFailureRule?: AuthFailureRule;
  /** The FHIR base for fullUrls in id-only payloads (known once the server listens). */
  fhirBase: () => string;
  logger?: Logger;
}

export interface Subscriptions {
  writeObserver: WriteObserver;
  /** The alert rule, a RequestObserver (absent when the rule is off). */
  requestObserver?: (event: AnsweredRequest) => void;
  onWritten(tx: StoreTransaction, written: readonly StoredVersion[], baseUrl: string): Promise<void>;
  /** The store for code writing in transactions of its own (the audit queue): its writes notify too (notifying-store.ts). */
  notifying(store: ResourceStore): ResourceStore;
  /** Starts delivering (after the server listens). */
  start(): void;
  close(): Promise<void>;
}

export async function setUpSubscriptions(store: ResourceStore, options: SubscriptionOptions): Promise<Subscriptions> {
  const registry = new SubscriptionRegistry(options.allow, options.logger);
  await registry.load(store);
  const worker = new DeliveryWorker(store, { allow: options.allow, fhirBase: options.fhirBase, backoffBaseMs: options.retryBaseMs, logger: options.logger });
  store.onCommit((written) => {
    registry.apply(written);
    if (written.some((v) => registry.watches(v.type))) worker.wake();
  });
  store.onExternalCommit((types) => {
    if (types === 'all' || types.includes('Subscription')) {
      registry.load(store).catch((err: unknown) => options.logger?.error({ err }, 'could not reload Subscriptions'));
    }
    // Another process may have queued notifications; any worker may send them.
    if (types === 'all' || types.some((t) => registry.watches(t))) worker.wake();
  });
  const onWritten = async (tx: StoreTransaction, written: readonly StoredVersion[], baseUrl: string) => {
    await queueMatches(registry, tx, written, baseUrl);
  };
  return {
    writeObserver: subscriptionObserver(registry, options.allow),
    requestObserver: options.authFailureRule ? authFailureAlerts(store, options.authFailureRule, onWritten, options.logger) : undefined,
    onWritten,
    notifying: (target) => notifyingStore(target, onWritten, options.fhirBase),
    start: () => worker.start(),
    close: () => worker.stop(),
  };
}
