/**
 * Counts and times every answered FHIR request (a RequestObserver), and counts the FHIR API's
 * authorization failures: 401 without a token (missing_token) or with a bad one (invalid_token), 403
 * (forbidden). Label children are cached per label set: this runs on every request.
 */
import { missingToken } from '../auth/auth-server.js';
import type { RequestEvent, RequestObserver } from '../http/request-event.js';
import type { Counter, Histogram } from 'prom-client';
import { operationLabel, resourceTypeLabel, statusLabel } from './labels.js';
import type { Metrics } from './metrics.js';

// The one diagnostics text of a request without credentials (auth-server.ts); every other 401 is a bad token.
const MISSING_TOKEN = missingToken('').outcome.issue[0]?.diagnostics;

export function requestMetrics(metrics: Metrics): RequestObserver {
  const children = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<'interaction' | 'resource_type' | 'status'> }>();
  return (event) => {
    const interaction = event.interaction;
    const resourceType = resourceTypeLabel(event.resourceType);
    const status = statusLabel(event.status);
    const key = `${interaction} ${resourceType} ${status}`;
    let child = children.get(key);
    if (!child) {
      const labels = { interaction, resource_type: resourceType, status };
      child = { count: metrics.requests.labels(labels), duration: metrics.requestDuration.labels(labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.duration.observe(event.durationMs / 1000);
    if (interaction === 'operation') metrics.operations.inc({ operation: operationLabel(event.operation), status });
    const failure = authFailureOf(event);
    if (failure) metrics.authFailure('fhir', failure);
  };
}

export function authFailureOf(event: Pick<RequestEvent, 'status' | 'outcome'>): string | undefined {
  if (event.status === 403) return 'forbidden';
  if (event.status !== 401) return undefined;
  return event.outcome?.issue.some((i) => i.diagnostics === MISSING_TOKEN) ? 'missing_token' : 'invalid_token';
}
