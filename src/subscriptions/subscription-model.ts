/**
 * A Subscription resource (R4 subscription.html) as the server acts on it: the criteria, a rest-hook
 * channel, and which payload to send.
 *
 * Payload kinds (channel.payload):
 * - absent: an empty POST (R4: "If there is no payload, then there is no body");
 * - a JSON mime type (application/fhir+json, application/json): the full resource;
 * - with the Subscriptions Backport's payload-content extension on channel.payload (`empty`, `id-only`
 *   or `full-resource`), that kind. `id-only` posts a `history` Bundle whose one entry has the
 *   resource's versioned fullUrl and request, without the resource (the backport's id-only entry; the
 *   backport's SubscriptionStatus entry is not sent: R4 has no topics).
 */
import { badRequest, issue, unprocessable } from '../fhir/errors.js';
import type { Resource } from '../fhir/types.js';
import { parseSearch } from '../search/parse/parse-query.js';
import { isResourceType } from '../search/parse/resolve.js';
import { endpointAllowed } from './allow-list.js';

export type PayloadKind = 'empty' | 'id-only' | 'full-resource';

export const PAYLOAD_CONTENT_URL = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content';

export interface SubscriptionResource extends Resource {
  status?: string;
  criteria?: string;
  end?: string;
  error?: string;
  channel?: {
    type?: string;
    endpoint?: string;
    payload?: string;
    _payload?: { extension?: { url?: string; valueCode?: string }[] };
    header?: string[];
  };
}

export interface Subscription {
  id: string;
  status: string;
  /** The resource type the criteria search. */
  type: string;
  /** The criteria's search parameters, decoded. */
  params: [string, string][];
  endpoint: string;
  headers: string[];
  payload: PayloadKind;
  /** Epoch ms after which it no longer notifies (Subscription.end). */
  end?: number;
}

const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);

/** Splits `Type?a=b&c=d` into its type and decoded parameters; 400 naming Subscription.criteria when it is not one. */
export function parseCriteria(criteria: string): { type: string; params: [string, string][] } {
  const q = criteria.indexOf('?');
  const type = q < 0 ? criteria : criteria.slice(0, q);
  if (!isResourceType(type)) throw badRequest(`Subscription.criteria must start with a resource type ('Observation?code=...'), not '${type}'`, 'Subscription.criteria');
  const params = q < 0 ? [] : [...new URLSearchParams(criteria.slice(q + 1))];
  // Strict: a misspelt parameter would otherwise be ignored and the Subscription match everything.
  try {
    parseSearch([type], params, { strict: true });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw badRequest(`Subscription.criteria is not a search Qiao can run: ${detail}`, 'Subscription.criteria');
  }
  return { type, params };
}

function payloadKind(channel: NonNullable<SubscriptionResource['channel']>): PayloadKind {
  const content = channel._payload?.extension?.find((e) => e.url === PAYLOAD_CONTENT_URL)?.valueCode;
  if (content !== undefined) {
    if (content !== 'empty' && content !== 'id-only' && content !== 'full-resource') {
      throw badRequest(`The payload-content extension must be empty, id-only or full-resource, not '${content}'`, 'Subscription.channel.payload');
    }
    return content;
  }
  return channel.payload === undefined ? 'empty' : 'full-resource';
}

/**
 * The Subscription as the server will act on it, or an error naming what it cannot accept: a channel
 * other than rest-hook, a payload other than JSON, criteria that are not a search, an endpoint the
 * allow-list does not name (400/422 with an OperationOutcome).
 */
export function readSubscription(resource: SubscriptionResource, allow: readonly string[]): Subscription {
  const channel = resource.channel ?? {};
  if (channel.type !== 'rest-hook') {
    throw unprocessable([issue('error', 'not-supported', `Qiao sends notifications only on rest-hook channels, not '${channel.type ?? ''}'`, 'Subscription.channel.type')]);
  }
  if (channel.payload !== undefined && !JSON_TYPES.has(channel.payload.split(';')[0].trim())) {
    throw unprocessable([issue('error', 'not-supported', `Qiao sends payloads as application/fhir+json only, not '${channel.payload}'`, 'Subscription.channel.payload')]);
  }
  const endpoint = channel.endpoint ?? '';
  if (!endpointAllowed(endpoint, allow)) {
    const why = allow.length
      ? `it is not an http(s) URL starting with one of the allowed prefixes (${allow.join(', ')})`
      : 'no endpoints are allowed: the server was started without --subscription-allow (QIAO_SUBSCRIPTION_ALLOW), which lists the URL prefixes notifications may go to';
    throw unprocessable([issue('error', 'business-rule', `Subscription.channel.endpoint '${endpoint}' is refused: ${why}`, 'Subscription.channel.endpoint')]);
  }
  const { type, params } = parseCriteria(resource.criteria ?? '');
  const end = resource.end ? Date.parse(resource.end) : undefined;
  return {
    id: resource.id ?? '',
    status: resource.status ?? 'requested',
    type,
    params,
    endpoint,
    headers: channel.header ?? [],
    payload: payloadKind(channel),
    ...(end !== undefined && !Number.isNaN(end) ? { end } : {}),
  };
}

/** Whether it notifies now: active, or in error (so that a later success can clear it), and not past its end. */
export function notifies(sub: Subscription, now = Date.now()): boolean {
  return (sub.status === 'active' || sub.status === 'error') && (sub.end === undefined || sub.end > now);
}
