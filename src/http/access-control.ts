/**
 * Builds the interactions' AccessControl (interactions/access.ts) from a verified access token's claims
 * and its scopes (auth/scopes-grant.ts). Every scope level counts: patient/ scopes reach the launch
 * patient's compartment, user/ and system/ scopes everything they name (Grant.searchFilter).
 */
import type { AccessTokenClaims } from '../auth/access-token.js';
import { Grant } from '../auth/scopes-grant.js';
import { parseScopes } from '../auth/scopes.js';
import type { AccessControl, AccessInteraction, AccessRule } from '../interactions/access.js';

const AUDIT_EVENT = 'AuditEvent';

// The verifier hands back the same claims object for every request with the same token (its cache of
// verified tokens), so one AccessControl, with its answers, serves all of them; it is gone with the token.
const byClaims = new WeakMap<AccessTokenClaims, AccessControl>();

export function accessControlFor(claims: AccessTokenClaims): AccessControl {
  let access = byClaims.get(claims);
  if (!access) {
    access = build(claims);
    byClaims.set(claims, access);
  }
  return access;
}

function build(claims: AccessTokenClaims): AccessControl {
  // Malformed scopes were refused when the token was issued; any left here simply grant nothing.
  const scopes = parseScopes(claims.scope).scopes;
  const grant = new Grant(scopes, { patient: claims.patient });
  // The audit trail is reached only by scopes that name AuditEvent (system/AuditEvent.rs; the authorize
  // flow grants those to auditors only): a wildcard such as system/*.* does not reach it.
  const auditGrant = new Grant(scopes.filter((s) => s.kind !== 'clinical' || s.type === AUDIT_EVENT), { patient: claims.patient });
  // A system search or an _include asks about every resource type; the answers never change for a token.
  const rules = new Map<string, AccessRule>();
  return {
    clientId: claims.client_id,
    subject: claims.sub,
    fhirUser: claims.fhirUser,
    patient: claims.patient,
    jti: claims.jti,
    rule(type: string, interaction: AccessInteraction): AccessRule {
      const key = `${type}.${interaction}`;
      let rule = rules.get(key);
      if (!rule) {
        rule = (type === AUDIT_EVENT ? auditGrant : grant).searchFilter(type, interaction);
        rules.set(key, rule);
      }
      return rule;
    },
  };
}
