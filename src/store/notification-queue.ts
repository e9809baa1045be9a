/**
 * The durable queue of Subscription notifications (src/subscriptions/): one row per notification a
 * Subscription owes for one written resource version. Rows are inserted in the transaction of the write
 * they announce (StoreTransaction.enqueueNotifications), so a committed write always has its
 * notifications and a rolled-back one never does, and they outlive a restart.
 *
 * Several server processes may share the queue (PostgreSQL): claim() leases rows atomically, so a row
 * is delivered by one worker at a time; a lease that runs out (its worker died) lets another claim it.
 * Times are epoch milliseconds.
 */

/** What a Subscription owes: the subscription, the resource version to announce, and how (the payload kind). */
export interface NewNotification {
  subscription: string;
  type: string;
  id: string;
  version: number;
  /** 'empty' | 'id-only' | 'full-resource' (subscriptions/subscription-model.ts). */
  payload: string;
}

export interface QueuedNotification extends NewNotification {
  nid: number;
  /** Delivery attempts that failed so far. */
  attempts: number;
  lastError?: string;
}

export interface NotificationQueue {
  /** Leases up to `limit` due, unleased rows for `leaseMs`, oldest first (atomically: no two claimers get one row). */
  claim(limit: number, leaseMs: number): Promise<QueuedNotification[]>;
  /** Removes a row: delivered, or no longer owed (its Subscription is gone or off). */
  remove(nid: number): Promise<void>;
  /** Records a failed attempt and releases the lease until `nextAttemptAt`. */
  retry(nid: number, attempts: number, nextAttemptAt: number, error: string): Promise<void>;
  /** Rows waiting (leased or not), for tests and operators. */
  pending(): Promise<number>;
}
