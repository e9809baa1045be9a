/**
 * Access tokens and OpenID Connect id tokens as signed JWTs.
 *
 * Access tokens follow the JWT access-token profile (RFC 9068: `typ: at+jwt`, `client_id`, `scope`,
 * `jti`), so any resource server can check them against our jwks_uri, and an id token (typ JWT, `aud`
 * the client) can never pass for one. Verification accepts only the asymmetric algorithms of the keys
 * we hold: never `none`, never HS*, since an HS256 token "signed" with our public key as the shared
 * secret is the classic forgery against servers that let the token pick its algorithm.
 */
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { issue, OperationOutcomeError } from '../fhir/errors.js';
import { newestSigningKey, publicJwks, type SigningAlg, type SigningKeys } from './keys.js';

/** SMART App Launch: `expires_in` at most 3600. */
export const MAX_ACCESS_TOKEN_LIFETIME = 3600;
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** What a verifier fed from someone else's JWKS accepts unless told otherwise. */
const DEFAULT_EXTERNAL_ALGS: readonly string[] = ['RS256', 'RS384', 'ES384'];
const ASYMMETRIC = /^(?:(?:RS|PS|ES)(?:256|384|512)|EdDSA|Ed25519)$/;

export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  client_id: string;
  /** Space-separated, as granted. */
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  patient?: string;
  encounter?: string;
  fhirUser?: string;
}

export interface MintAccessTokenOptions {
  issuer: string;
  /** The FHIR base URL the token is good for. */
  audience: string;
  subject: string;
  clientId: string;
  scope: string;
  patient?: string;
  encounter?: string;
  fhirUser?: string;
  /** Seconds, 1..3600. */
  expiresIn: number;
  /** Defaults to RS256; the keys must hold a key for it. */
  alg?: SigningAlg;
  now?: Date;
}

export async function mintAccessToken(keys: SigningKeys, o: MintAccessTokenOptions): Promise<{ token: string; jti: string; exp: number }> {
  checkLifetime(o.expiresIn);
  const alg = o.alg ?? 'RS256';
  const key = signingKeyFor(keys, alg);
  const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const exp = iat + o.expiresIn;
  const jti = randomUUID();
  const claims: JWTPayload = { client_id: o.clientId, scope: o.scope };
  if (o.patient !== undefined) claims.patient = o.patient;
  if (o.encounter !== undefined) claims.encounter = o.encounter;
  if (o.fhirUser !== undefined) claims.fhirUser = o.fhirUser;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setSubject(o.subject)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key.privateKey);
  return { token, jti, exp };
}

export interface MintIdTokenOptions {
  issuer: string;
  /** The client the id token is for: its `aud`. */
  clientId: string;
  subject: string;
  fhirUser: string;
  nonce?: string;
  /** Seconds since the epoch when the user logged in. */
  authTime?: number;
  /** Seconds, 1..3600; default 3600. */
  expiresIn?: number;
  now?: Date;
}

/** Always RS256: the algorithm every OpenID Connect client must accept (Core §15.1). */
export async function mintIdToken(keys: SigningKeys, o: MintIdTokenOptions): Promise<string> {
  const expiresIn = o.expiresIn ?? MAX_ACCESS_TOKEN_LIFETIME;
  checkLifetime(expiresIn);
  const key = signingKeyFor(keys, 'RS256');
  const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const claims: JWTPayload = { fhirUser: o.fhirUser };
  if (o.nonce !== undefined) claims.nonce = o.nonce;
  if (o.authTime !== undefined) claims.auth_time = o.authTime;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(o.clientId)
    .setSubject(o.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + expiresIn)
    .sign(key.privateKey);
}

export type AccessTokenFailure =
  | 'malformed'
  | 'unsupported_alg'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'revoked';

// Said to the client (RFC 6750 error_description): the kind of failure only, nothing from the token.
const DESCRIPTIONS: Record<AccessTokenFailure, string> = {
  malformed: 'The access token is malformed or not an access token',
  unsupported_alg: 'The access token is signed with an algorithm this server does not accept',
  unknown_key: 'The access token is signed with a key this server does not know',
  bad_signature: 'The access token signature is invalid',
  expired: 'The access token has expired',
  not_yet_valid: 'The access token is not valid yet',
  wrong_issuer: 'The access token was issued by another issuer',
  wrong_audience: 'The access token is meant for another audience',
  revoked: 'The access token has been revoked',
};

/** A 401 with `WWW-Authenticate: Bearer error="invalid_token"`; introspection turns it into `{active: false}`. */
export class AccessTokenError extends OperationOutcomeError {
  constructor(readonly reason: AccessTokenFailure) {
    super(401, [issue('error', reason === 'expired' ? 'expired' : 'login', DESCRIPTIONS[reason])], {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${DESCRIPTIONS[reason]}"`,
    });
    this.name = 'AccessTokenError';
  }
}

export interface VerifyAccessTokenOptions {
  issuer: string;
  /** Our FHIR base URL, compared exactly. */
  audience: string;
  /** Asked only once the signature and claims hold, so forged tokens cost no lookup. */
  isRevoked: (jti: string) => boolean | Promise<boolean>;
  /** For a JWKS getter only (keys of our own imply their algorithms); asymmetric ones only. */
  algorithms?: string[];
  now?: Date;
  /** Seconds of clock skew allowed; default 0. */
  clockTolerance?: number;
}

// One JWKS view per key list, so verification does not re-import keys on every request.
const localSets = new WeakMap<SigningKeys, JWTVerifyGetKey>();

/**
 * Checks signature, algorithm, `typ`, `iss`, `aud`, `exp`/`nbf`/`iat`, required claims and revocation.
 * `keys` is our own key list, or a getter such as jose's createRemoteJWKSet for an external issuer.
 * Throws AccessTokenError for any fault of the token; other errors (an unreachable JWKS) propagate.
 */
export async function verifyAccessToken(
  keys: SigningKeys | JWTVerifyGetKey,
  token: string,
  o: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  let getKey: JWTVerifyGetKey;
  let algorithms: string[];
  // Our tokens never live longer than an hour, so an older `iat` (or one in the future) is not ours;
  // other issuers choose their own lifetimes.
  let maxTokenAge: number | undefined;
  if (typeof keys === 'function') {
    getKey = keys;
    algorithms = [...(o.algorithms ?? DEFAULT_EXTERNAL_ALGS)];
    // A configuration mistake, not a token fault: fail loudly rather than accept symmetric tokens.
    const bad = algorithms.filter((a) => !ASYMMETRIC.test(a));
    if (bad.length > 0 || algorithms.length === 0) throw new RangeError(`Access tokens need asymmetric algorithms, not: ${bad.join(', ') || '(none)'}`);
  } else {
    getKey = localSets.get(keys) ?? createLocalJWKSet(publicJwks(keys));
    localSets.set(keys, getKey);
    algorithms = [...new Set(keys.keys.map((k) => k.alg))];
    maxTokenAge = MAX_ACCESS_TOKEN_LIFETIME;
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms,
      issuer: o.issuer,
      audience: o.audience,
      typ: ACCESS_TOKEN_TYPE,
      currentDate: o.now,
      clockTolerance: o.clockTolerance ?? 0,
      maxTokenAge,
      requiredClaims: ['sub', 'client_id', 'scope', 'jti', 'iat', 'exp'],
    }));
  } catch (err) {
    const reason = failureOf(err);
    if (!reason) throw err;
    throw new AccessTokenError(reason);
  }
  const claims = asClaims(payload);
  if (!claims) throw new AccessTokenError('malformed');
  if (await o.isRevoked(claims.jti)) throw new AccessTokenError('revoked');
  return claims;
}

function failureOf(err: unknown): AccessTokenFailure | undefined {
  const { code, claim } = (err ?? {}) as { code?: string; claim?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad_signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'unsupported_alg';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown_key';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iss') return 'wrong_issuer';
      if (claim === 'aud') return 'wrong_audience';
      if (claim === 'nbf' || claim === 'iat') return 'not_yet_valid';
      return 'malformed';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWK_INVALID':
      return 'malformed';
    default:
      return undefined;
  }
}

/** The claims with the types we rely on; undefined when one is off (e.g. a numeric `sub`). */
function asClaims(p: JWTPayload): AccessTokenClaims | undefined {
  const strings = ['iss', 'sub', 'client_id', 'scope', 'jti'] as const;
  if (strings.some((k) => typeof p[k] !== 'string')) return undefined;
  if (typeof p.iat !== 'number' || typeof p.exp !== 'number') return undefined;
  for (const k of ['patient', 'encounter', 'fhirUser'] as const) if (p[k] !== undefined && typeof p[k] !== 'string') return undefined;
  return p as unknown as AccessTokenClaims;
}

function signingKeyFor(keys: SigningKeys, alg: SigningAlg) {
  const key = newestSigningKey(keys, alg);
  // Programming or configuration errors, never caused by request input.
  if (!key) throw new RangeError(`No ${alg} signing key`);
  return key;
}

function checkLifetime(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_ACCESS_TOKEN_LIFETIME) {
    throw new RangeError(`Token lifetime must be 1..${MAX_ACCESS_TOKEN_LIFETIME} seconds, not ${seconds}`);
  }
}
