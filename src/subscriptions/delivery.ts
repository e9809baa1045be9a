/**
 * The delivery worker: takes due notifications from the durable queue (store/notification-queue.ts),
 * POSTs them, and retries failures with exponential backoff. It polls, and is woken when a local commit
 * may have queued something. Claims are leased, so with several processes on one database each
 * notification goes out from one worker at a time; a worker that dies leaves its lease to run out and
 * another sends it (at-least-once delivery: a receiver may, rarely, see one twice).
 *
 * Subscription status: after `errorAfter` failed attempts of a notification the Subscription becomes
 * `error` with the last failure as its `error` text; the next successful delivery makes it `active`
 * again. A notification still failing after `maxAttempts` is dropped (and logged).
 */
import type { Logger } from 'pino';
import type { QueuedNotification } from '../store/notification-queue.js';
import type { ResourceStore } from '../store/store.js';
import { endpointAllowed } from './allow-list.js';
import { notificationRequest } from './notification.js';
import { setSubscriptionStatus } from './status.js';
import type { PayloadKind, SubscriptionResource } from './subscription-model.js';

export interface DeliveryOptions {
  /** Where notifications may go (the allow-list is checked again at delivery: it may have shrunk). */
  allow: readonly string[];
  /** The FHIR base URL for fullUrls in id-only payloads. */
  fhirBase: () => string;
  /** First retry delay; each further one doubles, up to maxBackoffMs. */
  backoffBaseMs: number;
  maxBackoffMs?: number;
  /** Failed attempts of one notification after which its Subscription is set to error. */
  errorAfter?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  /** How often the queue is looked at without being woken. */
  pollMs?: number;
  batch?: number;
  logger?: Logger;
}

export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<AbortController>();
  private readonly o: Required<Omit<DeliveryOptions, 'logger'>> & { logger?: Logger };

  constructor(
    private readonly store: ResourceStore,
    options: DeliveryOptions,
  ) {
    this.o = {
      maxBackoffMs: 3_600_000,
      errorAfter: 3,
      maxAttempts: 20,
      timeoutMs: 10_000,
      pollMs: Math.min(1000, options.backoffBaseMs),
      batch: 20,
      ...options,
    };
  }

  start(): void {
    this.schedule(0);
  }

  /** Looks at the queue now (a local commit may have queued notifications). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops polling; notifications being sent are cut off and released for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const c of this.inFlight) c.abort();
    await this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = this.drain()
      .catch((err: unknown) => this.o.logger?.error({ err }, 'subscription delivery failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.o.pollMs);
      });
  }

  private async drain(): Promise<void> {
    // Lease long enough for every request of a batch to time out, with room to record the outcome.
    const leaseMs = this.o.timeoutMs * 2 + 30_000;
    for (;;) {
      const claimed = await this.store.notifications.claim(this.o.batch, leaseMs);
      if (!claimed.length || this.stopped) return;
      await Promise.all(claimed.map((n) => this.deliver(n)));
      if (claimed.length < this.o.batch) return;
    }
  }

  private async deliver(n: QueuedNotification): Promise<void> {
    const current = await this.store.read('Subscription', n.subscription);
    const resource = current?.json ? (JSON.parse(current.json) as SubscriptionResource) : undefined;
    // Gone, or off: nothing is owed any more.
    if (!resource || current?.deleted || (resource.status !== 'active' && resource.status !== 'error')) return this.store.notifications.remove(n.nid);
    const endpoint = resource.channel?.endpoint ?? '';
    if (!endpointAllowed(endpoint, this.o.allow)) {
      await this.store.notifications.remove(n.nid);
      await setSubscriptionStatus(this.store, n.subscription, 'error', `The endpoint ${endpoint} is no longer allowed (--subscription-allow); notifications are not sent`);
      return;
    }
    const headers = readSubscriptionHeaders(resource);
    const version = n.payload === 'empty' ? undefined : await this.store.vread(n.type, n.id, n.version);
    const request = notificationRequest(n.payload as PayloadKind, version, this.o.fhirBase(), headers);
    const abort = new AbortController();
    this.inFlight.add(abort);
    const timeout = setTimeout(() => abort.abort(), this.o.timeoutMs);
    let failure: string | undefined;
    try {
      const res = await fetch(endpoint, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: abort.signal });
      // The body is not used; reading it lets the connection be reused.
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) failure = `The endpoint answered HTTP ${res.status}`;
    } catch (err) {
      failure = this.stopped ? undefined : `The endpoint could not be reached: ${describe(err)}`;
      if (this.stopped) {
        // Released at once, not counted: the next start sends it.
        return this.store.notifications.retry(n.nid, n.attempts, Date.now(), n.lastError ?? 'interrupted by shutdown');
      }
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(abort);
    }
    if (failure === undefined) {
      await this.store.notifications.remove(n.nid);
      if (resource.status === 'error') await setSubscriptionStatus(this.store, n.subscription, 'active');
      return;
    }
    const attempts = n.attempts + 1;
    this.o.logger?.warn({ subscription: n.subscription, attempts, reason: failure }, 'subscription notification failed');
    if (attempts >= this.o.maxAttempts) {
      await this.store.notifications.remove(n.nid);
      this.o.logger?.error({ subscription: n.subscription, resource: `${n.type}/${n.id}/_history/${n.version}` }, `subscription notification dropped after ${attempts} attempts`);
    } else {
      const delay = Math.min(this.o.backoffBaseMs * 2 ** (attempts - 1), this.o.maxBackoffMs);
      await this.store.notifications.retry(n.nid, attempts, Date.now() + delay, failure);
    }
    if (attempts >= this.o.errorAfter) {
      // The same text while the same failure repeats, so that retries do not add versions.
      await setSubscriptionStatus(this.store, n.subscription, 'error', `Notifications to ${endpoint} are failing: ${failure}`);
    }
  }
}

function readSubscriptionHeaders(resource: SubscriptionResource): string[] {
  return resource.channel?.header ?? [];
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (err.name === 'AbortError') return 'no answer before the timeout';
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}
