/**
 * The write observer (interactions/hooks.ts) for Subscriptions, last in main.ts's order so that it sees
 * what earlier observers wrote (audit's AuditEvents):
 * - a Subscription being written is checked (rest-hook, JSON payload, criteria, the endpoint against
 *   the allow-list); one it cannot accept rolls the write back with a 4xx OperationOutcome;
 * - R4 subscription.html: the client asks with status `requested`, the server sets it up and makes it
 *   `active` — here in the same transaction, as a second version (history shows both);
 * - every write then queues the notifications of the Subscriptions it matches (matcher.ts).
 */
import type { Resource } from '../fhir/types.js';
import { requireUnrestricted } from '../interactions/access-check.js';
import type { WriteObserver } from '../interactions/hooks.js';
import type { StoredVersion } from '../store/store.js';
import { queueMatches } from './matcher.js';
import type { SubscriptionRegistry } from './registry.js';
import { readSubscription, type SubscriptionResource } from './subscription-model.js';

export function subscriptionObserver(registry: SubscriptionRegistry, allow: readonly string[]): WriteObserver {
  return async (tx, written, info) => {
    const activated: StoredVersion[] = [];
    for (const v of written) {
      if (v.type !== 'Subscription' || v.deleted || !v.json) continue;
      const resource = JSON.parse(v.json) as SubscriptionResource;
      const sub = readSubscription(resource, allow);
      // A Subscription sends whatever its criteria match to its endpoint: only a client that may search
      // all of that type may set one up, or it could read through it what its scopes deny.
      requireUnrestricted(info.access, [sub.type], 's', `A Subscription on ${sub.type}`);
      if (resource.status === 'requested') {
        resource.status = 'active';
        delete resource.error;
        activated.push(await tx.write('Subscription', v.id, resource as Resource, 'PUT'));
      }
    }
    await queueMatches(registry, tx, [...written, ...activated], info.baseUrl);
  };
}
