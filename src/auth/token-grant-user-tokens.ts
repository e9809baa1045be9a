/**
 * The token response for a user's authorization (authorization_code and refresh_token grants): access
 * token, launch context, and, as the scopes ask, an id_token and a refresh token (SMART App Launch,
 * "Response to a token request").
 */
import { mintAccessToken, mintIdToken } from './access-token.js';
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  OFFLINE_REFRESH_LIFETIME_SECONDS,
  ONLINE_REFRESH_LIFETIME_SECONDS,
  type LaunchContext,
  type RefreshGrant,
} from './grants.js';
import { GrantFamilies } from './grant-families.js';
import { parseScopes, type NamedScopeName } from './scopes.js';
import { SingleUseGrants } from './single-use.js';
import type { TokenEndpointDeps } from './token-endpoint-types.js';

export const REFRESH_KIND = 'refresh';

/**
 * A refresh grant as stored. An online_access token ends with the session it came from, so its rotations
 * inherit the first one's end (`notAfter`, epoch ms) instead of each living eight hours more; an
 * offline_access token gets a fresh lifetime on each rotation (it expires after that long unused).
 */
export interface StoredRefreshGrant extends RefreshGrant {
  notAfter?: number;
  /** When this refresh token expires, epoch ms (introspection's exp). */
  expiresAt?: number;
  /** The grant family (grant-families.ts) the token belongs to. */
  family?: string;
}

export function refreshGrants(deps: TokenEndpointDeps, now: () => number): SingleUseGrants<StoredRefreshGrant> {
  return new SingleUseGrants<StoredRefreshGrant>(deps.records, REFRESH_KIND, OFFLINE_REFRESH_LIFETIME_SECONDS, now);
}

export interface UserTokenRequest {
  clientId: string;
  /** The scope of this access token. */
  scope: string;
  /** The scope a new refresh token carries: the original grant's (RFC 6749 section 6: identical on rotation). */
  refreshScope: string;
  username: string;
  fhirUser: string;
  context: LaunchContext;
  /** Only for the first token response (OpenID Connect Core 3.1.3.3); refreshes get no id_token here. */
  idToken?: { nonce?: string; authTime: number };
  /** Set on refresh: the end an online_access chain may not outlive. */
  notAfter?: number;
  /** The grant family every token issued here joins. */
  family: string;
}

export async function issueUserTokens(deps: TokenEndpointDeps, now: () => number, r: UserTokenRequest): Promise<Record<string, unknown>> {
  const named = namedScopes(r.scope);
  const fhirUser = absoluteFhirUser(r.fhirUser, deps.fhirBase);
  const at = new Date(now());
  const access = await mintAccessToken(deps.keys, {
    issuer: deps.issuer,
    audience: deps.fhirBase,
    subject: r.username,
    clientId: r.clientId,
    scope: r.scope,
    ...(r.context.patient === undefined ? {} : { patient: r.context.patient }),
    ...(r.context.encounter === undefined ? {} : { encounter: r.context.encounter }),
    ...(fhirUser === undefined ? {} : { fhirUser }),
    expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS,
    now: at,
  });
  await new GrantFamilies(deps.records, now).addAccessToken(r.family, access.jti, access.exp);
  const body: Record<string, unknown> = {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope: r.scope,
    ...contextFields(r.context),
  };
  // SMART: openid with fhirUser (or the older profile) asks for an id_token naming the user's FHIR resource.
  if (r.idToken && named.has('openid') && (named.has('fhirUser') || named.has('profile')) && fhirUser !== undefined) {
    body.id_token = await mintIdToken(deps.keys, {
      issuer: deps.issuer,
      clientId: r.clientId,
      subject: r.username,
      fhirUser,
      ...(r.idToken.nonce === undefined ? {} : { nonce: r.idToken.nonce }),
      authTime: r.idToken.authTime,
      now: at,
    });
  }
  const refreshNamed = namedScopes(r.refreshScope);
  const offline = refreshNamed.has('offline_access');
  if (offline || refreshNamed.has('online_access')) {
    const notAfter = offline ? undefined : (r.notAfter ?? now() + ONLINE_REFRESH_LIFETIME_SECONDS * 1000);
    const lifetime = offline ? OFFLINE_REFRESH_LIFETIME_SECONDS : Math.floor((notAfter! - now()) / 1000);
    if (lifetime > 0) {
      const grant: StoredRefreshGrant = {
        clientId: r.clientId,
        scope: r.refreshScope,
        username: r.username,
        fhirUser: r.fhirUser,
        context: r.context,
        offline,
        family: r.family,
        expiresAt: now() + lifetime * 1000,
        ...(notAfter === undefined ? {} : { notAfter }),
      };
      body.refresh_token = (await refreshGrants(deps, now).issue(grant, lifetime)).secret;
    }
  }
  return body;
}

function namedScopes(scope: string): Set<NamedScopeName> {
  return new Set(parseScopes(scope).scopes.flatMap((s) => (s.kind === 'named' ? [s.name] : [])));
}

/** The launch context fields of the token response, only those present. */
function contextFields(context: LaunchContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (context.patient !== undefined) out.patient = context.patient;
  if (context.encounter !== undefined) out.encounter = context.encounter;
  if (context.need_patient_banner !== undefined) out.need_patient_banner = context.need_patient_banner;
  if (context.smart_style_url !== undefined) out.smart_style_url = context.smart_style_url;
  return out;
}

/** SMART: fhirUser is the URL of the user's FHIR resource; a relative reference is resolved against our base. */
export function absoluteFhirUser(fhirUser: string, fhirBase: string): string | undefined {
  if (fhirUser === '') return undefined;
  try {
    return new URL(fhirUser, fhirBase.endsWith('/') ? fhirBase : `${fhirBase}/`).href;
  } catch {
    return undefined;
  }
}
