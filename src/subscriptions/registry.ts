/**
 * The Subscriptions in force, kept in memory by the resource type their criteria search, so that a write
 * of a type nobody subscribes to costs one map lookup. Loaded at start; kept current from this process's
 * commits (the Subscription versions they wrote) and, with several processes on PostgreSQL, reloaded
 * when another process commits a Subscription (or when its notifications may have been missed). In the
 * moments between another process's commit and the reload, that process's new Subscription does not
 * yet match writes made here.
 */
import type { Logger } from 'pino';
import { parseSearch } from '../search/parse/parse-query.js';
import type { ResourceStore, StoredVersion } from '../store/store.js';
import { notifies, readSubscription, type Subscription, type SubscriptionResource } from './subscription-model.js';

export class SubscriptionRegistry {
  private byId = new Map<string, Subscription>();
  private byType = new Map<string, Subscription[]>();
  private reloading?: Promise<void>;

  constructor(
    private readonly allow: readonly string[],
    private readonly logger?: Logger,
  ) {}

  /** The Subscriptions that notify about writes of `type` now. */
  forType(type: string): readonly Subscription[] {
    const subs = this.byType.get(type);
    if (!subs) return [];
    const now = Date.now();
    return subs.filter((s) => notifies(s, now));
  }

  get(id: string): Subscription | undefined {
    return this.byId.get(id);
  }

  /** Whether any Subscription watches `type` (to wake the delivery worker only when it may have work). */
  watches(type: string): boolean {
    return this.byType.has(type);
  }

  /** Reads every Subscription from the store (start, and after other processes' commits). */
  load(store: ResourceStore): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const next = new Map<string, Subscription>();
        const query = parseSearch(['Subscription'], [['status', 'active,error']]);
        query.count = 1000;
        query.total = 'none';
        for (let cursor; ; ) {
          const page = await store.search({ query, baseUrl: '', cursor });
          for (const v of page.matches) {
            const sub = this.parse(v);
            if (sub) next.set(sub.id, sub);
          }
          if (!page.more || !page.last) break;
          cursor = page.last;
        }
        this.byId = next;
        this.index();
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** Applies Subscription versions this process committed. */
  apply(written: readonly StoredVersion[]): void {
    let changed = false;
    for (const v of written) {
      if (v.type !== 'Subscription') continue;
      changed = true;
      const sub = v.deleted ? undefined : this.parse(v);
      if (sub) this.byId.set(v.id, sub);
      else this.byId.delete(v.id);
    }
    if (changed) this.index();
  }

  private parse(v: StoredVersion): Subscription | undefined {
    if (!v.json) return undefined;
    try {
      return readSubscription(JSON.parse(v.json) as SubscriptionResource, this.allow);
    } catch (err) {
      // Stored before the allow-list changed, or written around the REST API: it stays, but sends nothing.
      this.logger?.warn({ subscription: v.id, reason: err instanceof Error ? err.message : String(err) }, 'Subscription not in force');
      return undefined;
    }
  }

  private index(): void {
    const byType = new Map<string, Subscription[]>();
    for (const sub of this.byId.values()) {
      if (sub.status !== 'active' && sub.status !== 'error') continue;
      const list = byType.get(sub.type) ?? [];
      list.push(sub);
      byType.set(sub.type, list);
    }
    this.byType = byType;
  }
}
