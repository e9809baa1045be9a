/**
 * A built-in security rule: one client (or, without a verified token, one network address) failing
 * authorization (401 or 403) more than `limit` times within `windowMs` raises an alert — an AuditEvent of
 * type DCM 110113 "Security Alert" with outcome 8 (serious failure) naming the offender — so that a
 * Subscription on `AuditEvent?outcome=8` hears of it like of any other write. One alert per offender per
 * window: a client hammering the server raises one alert a window, not one a request.
 *
 * It hears answered requests (http/request-event.ts RequestObserver; typed structurally here, since
 * subscriptions/ sits below http/) and writes in a store transaction of its own, off the request path.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Resource } from '../fhir/types.js';
import type { AccessControl } from '../interactions/access.js';
import type { ResourceStore, StoredVersion, StoreTransaction } from '../store/store.js';

/** What the rule needs of a RequestEvent. */
export interface AnsweredRequest {
  status: number;
  peer?: string;
  access?: AccessControl;
  baseUrl: string;
}

export interface AuthFailureRule {
  limit: number;
  windowMs: number;
}

/** `N/M`: more than N failures in M minutes. */
export function parseAuthFailureRule(text: string): AuthFailureRule | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return undefined;
  const limit = Number(m[1]);
  const minutes = Number(m[2]);
  if (limit < 1 || !(minutes > 0)) return undefined;
  return { limit, windowMs: minutes * 60_000 };
}

export const DEFAULT_AUTH_FAILURE_RULE = '10/5';

/** Offenders remembered at most; beyond it the quietest are forgotten (a flood of spoofed addresses cannot exhaust memory). */
const MAX_OFFENDERS = 10_000;

interface Offender {
  failures: number[];
  alertedAt?: number;
}

export function authFailureAlerts(
  store: ResourceStore,
  rule: AuthFailureRule,
  onWritten: (tx: StoreTransaction, written: readonly StoredVersion[], baseUrl: string) => Promise<void>,
  logger?: Logger,
  now: () => number = Date.now,
): (event: AnsweredRequest) => void {
  const offenders = new Map<string, Offender>();
  return (event) => {
    if (event.status !== 401 && event.status !== 403) return;
    const clientId = event.access?.clientId;
    const key = clientId !== undefined ? `client:${clientId}` : `address:${event.peer ?? 'unknown'}`;
    const t = now();
    let o = offenders.get(key);
    if (!o) {
      if (offenders.size >= MAX_OFFENDERS) forgetOldest(offenders);
      offenders.set(key, (o = { failures: [] }));
    }
    o.failures.push(t);
    while (o.failures.length && o.failures[0] <= t - rule.windowMs) o.failures.shift();
    if (o.failures.length <= rule.limit || (o.alertedAt !== undefined && o.alertedAt > t - rule.windowMs)) return;
    o.alertedAt = t;
    const alert = securityAlert(event, clientId, o.failures.length, rule);
    store
      .transaction(async (tx) => {
        const v = await tx.write('AuditEvent', randomUUID(), alert, 'POST');
        await onWritten(tx, [v], event.baseUrl);
      })
      .catch((err: unknown) => logger?.error({ err }, 'could not record a security alert'));
  };
}

function forgetOldest(offenders: Map<string, Offender>): void {
  // Maps iterate in insertion order: drop the first tenth.
  let n = Math.ceil(MAX_OFFENDERS / 10);
  for (const key of offenders.keys()) {
    if (n-- <= 0) break;
    offenders.delete(key);
  }
}

/** The AuditEvent (R4 auditevent.html): DICOM 110113 Security Alert, outcome 8, the offender as the requesting agent. */
export function securityAlert(event: AnsweredRequest, clientId: string | undefined, failures: number, rule: AuthFailureRule): Resource {
  const who = clientId !== undefined ? `client ${clientId}` : `address ${event.peer ?? 'unknown'}`;
  const agent: Record<string, unknown> = { requestor: true };
  if (clientId !== undefined) agent.who = { identifier: { system: 'urn:ietf:params:oauth:client-id', value: clientId }, display: clientId };
  if (event.access?.fhirUser) agent.altId = event.access.fhirUser;
  if (event.peer) agent.network = { address: event.peer, type: '2' };
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110113', display: 'Security Alert' },
    action: 'E',
    recorded: new Date().toISOString(),
    outcome: '8',
    outcomeDesc: `${failures} authorization failures (HTTP 401/403) within ${rule.windowMs / 60_000} minutes from ${who}: more than the ${rule.limit} allowed`,
    agent: [agent],
    source: {
      observer: { display: 'Qiao FHIR server' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
  } as Resource;
}
