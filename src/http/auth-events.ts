/**
 * Authorization events for the audit trail (audit/auth-audit.ts), built where the peer address is
 * known: the HTTP routes of the authorization server. From what an endpoint answered, this takes the
 * identities and the token's id (jti) only; the tokens in a token response are never passed on.
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { AuthAuditEvent } from '../audit/auth-audit.js';
import type { AuditWho } from '../audit/record.js';

export type { AuthAuditEvent } from '../audit/auth-audit.js';
export type AuthEventObserver = (event: AuthAuditEvent) => unknown;

/** The event's request-independent parts: request id (the client's X-Request-Id when sane), peer, base. */
export function authEvent(req: Request, fhirBase: string, kind: AuthAuditEvent['kind'], status: number, rest: Partial<AuthAuditEvent> = {}): AuthAuditEvent {
  const incoming = req.get('x-request-id');
  return {
    kind,
    status,
    requestId: incoming !== undefined && /^[\w\-.]{1,128}$/.test(incoming) ? incoming : randomUUID(),
    peer: req.socket.remoteAddress,
    baseUrl: fhirBase,
    ...rest,
  };
}

/** Who a token endpoint answer names: the issued access token's claims (never the token), or the client that asked. */
export function tokenAnswerWho(req: Request, form: URLSearchParams, body: Record<string, unknown>): { who: AuditWho; patient?: string; error?: string } {
  const claims = typeof body.access_token === 'string' ? jwtPayload(body.access_token) : undefined;
  if (claims) {
    const who: AuditWho = { clientId: str(claims.client_id), subject: str(claims.sub), fhirUser: str(claims.fhirUser), jti: str(claims.jti) };
    return { who, patient: str(claims.patient) };
  }
  return { who: { clientId: form.get('client_id') ?? basicClientId(req.get('authorization')) }, error: errorText(body) };
}

/** Who an introspection names: the introspected token's client, subject and id (RFC 7662 fields). */
export function introspectionWho(body: Record<string, unknown>): AuditWho {
  return { clientId: str(body.client_id), subject: str(body.sub), fhirUser: str(body.fhirUser), jti: str(body.jti) };
}

export function errorText(body: Record<string, unknown>): string | undefined {
  const error = str(body.error);
  const description = str(body.error_description);
  return error && (description ? `${error}: ${description}` : error);
}

function jwtPayload(token: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The client id of HTTP Basic client authentication (RFC 6749 §2.3.1: form-urlencoded), never the secret. */
function basicClientId(authorization: string | undefined): string | undefined {
  const m = authorization && /^Basic\s+(\S+)$/i.exec(authorization);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString();
  const colon = decoded.indexOf(':');
  try {
    return colon > 0 ? decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')) : undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The event of a token, introspection or revocation answer. */
export function endpointEvent(req: Request, fhirBase: string, kind: 'token' | 'introspect' | 'revoke', answer: { status: number; body: object }): AuthAuditEvent {
  const body = answer.body as Record<string, unknown>;
  const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
  if (kind === 'token') {
    const { who, patient, error } = tokenAnswerWho(req, form, body);
    return authEvent(req, fhirBase, kind, answer.status, { who, patient, error });
  }
  const who = kind === 'introspect' && body.active === true ? introspectionWho(body) : { clientId: form.get('client_id') ?? basicClientId(req.get('authorization')) };
  return authEvent(req, fhirBase, kind, answer.status, { who, error: errorText(body) });
}
