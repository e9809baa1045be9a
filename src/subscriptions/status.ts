/**
 * Subscription.status as delivery finds it (R4 subscription.html: `error` — "The server has an error
 * executing the notification", with Subscription.error saying what): a new version of the
 * Subscription, written in a store transaction like any other, so history shows when and why it
 * changed and every process's cache follows (registry.ts).
 */
import type { Resource } from '../fhir/types.js';
import type { ResourceStore } from '../store/store.js';
import type { SubscriptionResource } from './subscription-model.js';

/** Sets status (and error text, or none); nothing when it already says so, or the Subscription is gone or off. */
export async function setSubscriptionStatus(store: ResourceStore, id: string, status: 'active' | 'error', error?: string): Promise<boolean> {
  return store.transaction(async (tx) => {
    const current = await tx.read('Subscription', id);
    if (!current || current.deleted || !current.json) return false;
    const resource = JSON.parse(current.json) as SubscriptionResource;
    if (resource.status !== 'active' && resource.status !== 'error') return false;
    if (resource.status === status && resource.error === error) return false;
    resource.status = status;
    if (error === undefined) delete resource.error;
    else resource.error = error;
    await tx.write('Subscription', id, resource as Resource, 'PUT');
    return true;
  });
}
