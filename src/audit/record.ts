/**
 * What is kept of an audited event until its AuditEvent is built: plain data, cheap to make on the
 * request path (the AuditEvent itself is built later, in the queue's flush, audit-event.ts). Never
 * an access or refresh token: only the token's id (jti) and the identities it names.
 */

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

/** The requester, from the verified token (or the authorization request). */
export interface AuditWho {
  clientId?: string;
  /** The token's `sub`. */
  subject?: string;
  /** The user's FHIR resource, e.g. Practitioner/7. */
  fhirUser?: string;
  /** The access token's id. */
  jti?: string;
  /** A username typed at the login page (login events), when no fhirUser is known. */
  username?: string;
}

export type AuditCategory = 'rest' | 'login' | 'token' | 'introspect' | 'revoke' | 'launch';

export interface AuditRecord {
  /** When it happened, epoch ms. */
  at: number;
  category: AuditCategory;
  /** The restful-interaction code (category rest). */
  interaction?: string;
  /** An operation's code without the $. */
  operation?: string;
  /** HTTP status of the answer; decides outcome. */
  status: number;
  /** What went wrong, from the OperationOutcome or OAuth error (outcomeDesc). */
  outcomeText?: string;
  requestId: string;
  peer?: string;
  /** The FHIR base URL the request came in on (names the server). */
  baseUrl: string;
  who?: AuditWho;
  /** The data touched: Type/id or Type/id/_history/version. */
  data?: string;
  /** The resource read or written (JSON text or object), to find its patient when the AuditEvent is built. */
  resource?: string | object;
  /** The patient the data is about, when known without looking at the resource. */
  patient?: string;
  /** The request line of a search or history (method, path and query), recorded base64-encoded. */
  query?: string;
}

/** The parts of a verified token's AccessControl (interactions/access.ts) audit records. */
export interface AccessIdentity {
  readonly clientId: string;
  readonly subject: string;
  readonly fhirUser?: string;
  readonly patient?: string;
  readonly jti?: string;
}

export function whoOf(access: AccessIdentity | undefined): AuditWho | undefined {
  return access && { clientId: access.clientId, subject: access.subject, fhirUser: access.fhirUser, jti: access.jti };
}
