/**
 * Authorization events as the HTTP routes of the authorization server report them (http/auth-routes.ts,
 * authorize-routes.ts, admin-routes.ts): logins, token requests, introspection, revocation, EHR
 * launches, each succeeded or refused. They carry identities and the token's id (jti), never a token,
 * a password or a secret.
 */
import type { AuditCategory, AuditRecord, AuditWho } from './record.js';

export interface AuthAuditEvent {
  kind: Exclude<AuditCategory, 'rest'>;
  /** The HTTP status answered (a login page shown again for a wrong password counts as 401). */
  status: number;
  /** Why it was refused (the OAuth error description). */
  error?: string;
  requestId: string;
  peer?: string;
  baseUrl: string;
  who?: AuditWho;
  /** The patient of a launch or of the token's launch context. */
  patient?: string;
}

export function authRecord(e: AuthAuditEvent): AuditRecord {
  return {
    at: Date.now(),
    category: e.kind,
    status: e.status,
    ...(e.status >= 400 && e.error ? { outcomeText: e.error } : {}),
    requestId: e.requestId,
    peer: e.peer,
    baseUrl: e.baseUrl,
    who: e.who,
    ...(e.patient ? { patient: e.patient.startsWith('Patient/') ? e.patient : `Patient/${e.patient}` } : {}),
  };
}
