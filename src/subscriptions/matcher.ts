/**
 * Finds the Subscriptions a transaction's writes match and queues their notifications in that same
 * transaction (store/notification-queue.ts), so they commit with the data they announce.
 *
 * A criteria string means exactly what the same search means: each Subscription's criteria run as a
 * search on the transaction, restricted to the written ids (`_id=a,b,...`), so chains, modifiers and
 * prefixes behave as on the search API and the search sees the transaction's own writes. Deletes
 * never match (a search finds no deleted resource); a resource written twice in one transaction is
 * announced once, at its last version.
 */
import { parseSearch } from '../search/parse/parse-query.js';
import type { NewNotification } from '../store/notification-queue.js';
import type { StoredVersion, StoreTransaction } from '../store/store.js';
import type { SubscriptionRegistry } from './registry.js';

/** _id values per search: long enough for a large transaction Bundle, short enough for one statement. */
const IDS_PER_SEARCH = 500;

export async function queueMatches(registry: SubscriptionRegistry, tx: StoreTransaction, written: readonly StoredVersion[], baseUrl: string): Promise<number> {
  // The last live version of each resource, grouped by type; types nobody subscribes to drop out here.
  const latest = new Map<string, Map<string, StoredVersion>>();
  for (const v of written) {
    if (!registry.watches(v.type)) continue;
    let ofType = latest.get(v.type);
    if (!ofType) latest.set(v.type, (ofType = new Map()));
    if (v.deleted) ofType.delete(v.id);
    else ofType.set(v.id, v);
  }
  const rows: NewNotification[] = [];
  for (const [type, versions] of latest) {
    const subs = registry.forType(type);
    if (!subs.length || !versions.size) continue;
    const ids = [...versions.keys()];
    for (const sub of subs) {
      for (let i = 0; i < ids.length; i += IDS_PER_SEARCH) {
        const chunk = ids.slice(i, i + IDS_PER_SEARCH);
        const query = parseSearch([type], [...sub.params, ['_id', chunk.join(',')]]);
        query.count = chunk.length;
        query.total = 'none';
        query.include = [];
        query.revinclude = [];
        const page = await tx.search({ query, baseUrl });
        for (const match of page.matches) {
          const v = versions.get(match.id);
          if (v) rows.push({ subscription: sub.id, type, id: v.id, version: v.versionId, payload: sub.payload });
        }
      }
    }
  }
  if (rows.length) await tx.enqueueNotifications(rows);
  return rows.length;
}
