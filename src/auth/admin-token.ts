/**
 * Access tokens for administrators and scripts (`qiao token`, issue 5 item 6), signed with the server's
 * own keys: they pass the same checks as any app's token, and they are short-lived and never refreshable.
 */
import { mintAccessToken } from './access-token.js';
import { authUrls } from './auth-server.js';
import type { SigningKeys } from './keys.js';
import { parseScopes, type ClinicalScope, type Scope } from './scopes.js';

export const ADMIN_CLIENT_ID = 'qiao-cli';
export const DEFAULT_ADMIN_TOKEN_LIFETIME = 300;

export interface AdminTokenOptions {
  fhirBase: string;
  scope: string;
  /** Seconds, 1..3600. */
  expiresIn?: number;
  subject?: string;
}

/** A refusal of the request itself (bad scope), reported by the CLI as a message. */
export class AdminTokenError extends Error {}

export async function mintAdminToken(keys: SigningKeys, o: AdminTokenOptions): Promise<{ token: string; exp: number; jti: string }> {
  const { scopes, errors } = parseScopes(o.scope);
  if (errors.length) throw new AdminTokenError(`invalid scope ${errors.map((e) => `'${e.scope}': ${e.message}`).join('; ')}`);
  // Admin tokens act for the system: patient/ and user/ scopes would need a launch context or a user.
  const other = scopes.filter((s) => s.kind !== 'clinical' || s.level !== 'system');
  if (other.length || !scopes.length) throw new AdminTokenError('admin tokens take system/ scopes only, e.g. "system/*.*" or "system/Patient.rs"');
  const base = o.fhirBase.replace(/\/+$/, '');
  return mintAccessToken(keys, {
    issuer: authUrls(base).issuer,
    audience: base,
    subject: o.subject ?? ADMIN_CLIENT_ID,
    clientId: ADMIN_CLIENT_ID,
    scope: o.scope.trim().split(/\s+/).join(' '),
    expiresIn: o.expiresIn ?? DEFAULT_ADMIN_TOKEN_LIFETIME,
  });
}

/** Whether scopes give full access to everything at system level (`system/*.*`, `system/*.cruds`): an administrator. */
export function isAdminGrant(scopes: readonly Scope[]): boolean {
  return scopes.some(
    (s): s is ClinicalScope =>
      s.kind === 'clinical' && s.level === 'system' && s.type === '*' && s.restriction.length === 0 && ['c', 'r', 'u', 'd', 's'].every((i) => s.interactions.includes(i as never)),
  );
}
