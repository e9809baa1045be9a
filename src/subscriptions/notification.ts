/**
 * The HTTP request a rest-hook notification is (R4 subscription.html#2.46.7.1): a POST to the endpoint
 * with the channel's headers, and a body per the payload kind (subscription-model.ts).
 */
import type { StoredVersion } from '../store/store.js';
import type { PayloadKind } from './subscription-model.js';

export interface NotificationRequest {
  headers: Record<string, string>;
  body?: string;
}

/** Names a header may not be set to by a Subscription: they belong to the HTTP exchange itself. */
const RESERVED = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection']);

/** channel.header values, `Name: value` each (R4: "HTTP header field name, followed by a colon and the value"). */
export function channelHeaders(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) || RESERVED.has(name.toLowerCase()) || /[\r\n\0]/.test(value)) continue;
    out[name] = value;
  }
  return out;
}

export function notificationRequest(kind: PayloadKind, version: StoredVersion | undefined, fhirBase: string, headerLines: readonly string[]): NotificationRequest {
  const headers = channelHeaders(headerLines);
  if (kind === 'empty' || !version) return { headers };
  headers['Content-Type'] = 'application/fhir+json; charset=utf-8';
  if (kind === 'full-resource' && version.json) return { headers, body: version.json };
  const url = `${version.type}/${version.id}`;
  const bundle = {
    resourceType: 'Bundle',
    type: 'history',
    timestamp: new Date().toISOString(),
    entry: [
      {
        fullUrl: `${fhirBase}/${url}/_history/${version.versionId}`,
        request: { method: version.versionId === 1 ? 'POST' : 'PUT', url: version.versionId === 1 ? version.type : url },
        response: { status: version.versionId === 1 ? '201' : '200', lastModified: version.lastUpdated },
      },
    ],
  };
  return { headers, body: JSON.stringify(bundle) };
}
