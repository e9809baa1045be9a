/**
 * A registered OAuth client and the rules a registration must satisfy (SMART App Launch 2.x: client-public,
 * client-confidential-symmetric, client-confidential-asymmetric). The token endpoint trusts registrations, so
 * everything that would make a client unsafe is refused here, once, rather than checked on every request.
 */
import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { OperationOutcomeError, issue } from '../fhir/errors.js';
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { hashPassword } from './password.js';

export const CLIENT_TYPES = ['public', 'confidential-symmetric', 'confidential-asymmetric'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];
export type JWKS = JSONWebKeySet;

/**
 * The signing algorithms accepted for private_key_jwt: SMART requires servers to support RS384 or ES384 and
 * clients to support both; accepting nothing else keeps `none`, HMAC and weaker hashes out by construction.
 */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

export interface ClientRegistration {
  id: string;
  type: ClientType;
  redirectUris: string[];
  /** Space-separated scopes the client may be granted at most. */
  scope: string;
  /** confidential-symmetric only: the secret as stored by HashSecret, never the secret itself. */
  secretHash?: string;
  /** confidential-asymmetric: the public keys, when the client cannot host a JWK Set URL. */
  jwks?: JWKS;
  /** confidential-asymmetric: where the client publishes its public keys (preferred by SMART: it can rotate). */
  jwksUri?: string;
  name?: string;
}

/** What an administrator supplies: the plain secret, which is hashed and then forgotten. */
export type ClientRegistrationRequest = Omit<ClientRegistration, 'secretHash'> & { secret?: string };

/** How secrets are stored; by default the scrypt hash of user passwords (src/auth/password.ts). */
export type HashSecret = (secret: string) => Promise<string>;
/**
 * True when secret matches stored. With stored undefined (no such client) it must still spend the time of a
 * real check and answer false, so that response times do not tell which client ids exist.
 */
export type VerifySecret = (secret: string, stored: string | undefined) => Promise<boolean>;

// RFC 6749 appendix A: client_id is VSCHAR; spaces are excluded too, because ids travel in CLI flags and logs.
const CLIENT_ID = /^[\x21-\x7e]{1,255}$/;
// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;
// The secret is the client's only credential and, unlike a user's password, nothing slows down guessing it
// but the hash: demand the length of a generated secret, not of a memorable one.
const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 1024;
const MAX_KEYS = 20;
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
// 2048 bits in unpadded base64url: ceil(256 * 4 / 3) characters.
const MIN_RSA_MODULUS_CHARS = 342;

/** Loopback hosts, where plain http is acceptable (RFC 8252 section 7.3: native apps and local tests). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** An absolute https URL, or http on a loopback host; no fragment and no credentials. Undefined when fine. */
export function urlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return `"${value}" must use https (plain http only on localhost, 127.0.0.1 or [::1])`;
  }
  // RFC 6749 section 3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (value.includes('#')) return `"${value}" must not contain a fragment`;
  if (url.username || url.password) return `"${value}" must not contain credentials`;
  return undefined;
}

/** Problems with a JWK Set registered directly: only public RSA/EC keys usable with ASSERTION_ALGORITHMS. */
export function jwksProblems(jwks: unknown): string[] {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as JWKS).keys)) return ['must be an object with a "keys" array'];
  const keys = (jwks as JWKS).keys as unknown[];
  if (keys.length === 0) return ['must contain at least one key'];
  if (keys.length > MAX_KEYS) return [`must contain at most ${MAX_KEYS} keys`];
  const problems: string[] = [];
  const kids = new Set<string>();
  keys.forEach((key, i) => {
    const where = `keys[${i}]`;
    if (typeof key !== 'object' || key === null) {
      problems.push(`${where} must be an object`);
      return;
    }
    const jwk = key as JWK;
    // SMART: the kid selects the key for an assertion, so it is required and unique within the set.
    if (typeof jwk.kid !== 'string' || jwk.kid === '') problems.push(`${where} needs a "kid"`);
    else if (kids.has(jwk.kid)) problems.push(`${where}: "kid" ${jwk.kid} is not unique`);
    else kids.add(jwk.kid);
    const secret = PRIVATE_JWK_MEMBERS.filter((m) => m in jwk);
    // A private or symmetric key handed to the server is a leaked key; refuse it rather than store it.
    if (secret.length > 0) problems.push(`${where} must be a public key (has ${secret.join(', ')})`);
    if (jwk.use !== undefined && jwk.use !== 'sig') problems.push(`${where}: "use" must be "sig"`);
    if (jwk.alg !== undefined && !(ASSERTION_ALGORITHMS as readonly string[]).includes(jwk.alg)) {
      problems.push(`${where}: "alg" ${jwk.alg} is not accepted (${ASSERTION_ALGORITHMS.join(', ')})`);
    }
    if (jwk.kty === 'RSA') {
      if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') problems.push(`${where} needs "n" and "e"`);
      else if (jwk.n.length < MIN_RSA_MODULUS_CHARS) problems.push(`${where}: RSA keys must have at least 2048 bits`);
    } else if (jwk.kty === 'EC') {
      if (jwk.crv !== 'P-384') problems.push(`${where}: EC keys must use curve P-384 (ES384)`);
      if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') problems.push(`${where} needs "x" and "y"`);
    } else {
      problems.push(`${where}: "kty" must be RSA or EC`);
    }
  });
  return problems;
}

/** Every problem with a registration, as OperationOutcome issues naming the field; empty when valid. */
export function validateClientRegistration(input: unknown): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const bad = (field: string, msg: string) => issues.push(issue('error', 'invalid', `${field}: ${msg}`, field));
  if (typeof input !== 'object' || input === null) return [issue('error', 'invalid', 'A client registration must be an object')];
  const reg = input as Partial<Record<keyof ClientRegistrationRequest, unknown>>;

  if (typeof reg.id !== 'string' || !CLIENT_ID.test(reg.id)) bad('id', 'must be 1 to 255 printable ASCII characters without spaces');
  if (!CLIENT_TYPES.includes(reg.type as ClientType)) bad('type', `must be one of ${CLIENT_TYPES.join(', ')}`);
  if (typeof reg.scope !== 'string' || !SCOPE.test(reg.scope)) bad('scope', 'must be scope tokens separated by single spaces (RFC 6749 section 3.3)');
  if (reg.name !== undefined && typeof reg.name !== 'string') bad('name', 'must be a string');

  if (!Array.isArray(reg.redirectUris)) bad('redirectUris', 'must be an array');
  else {
    reg.redirectUris.forEach((uri, i) => {
      const problem = urlProblem(uri);
      if (problem) bad(`redirectUris[${i}]`, problem);
    });
    // A public client can only use the authorization code grant, which needs somewhere to send the code;
    // confidential clients may be Backend Services (client_credentials) with no redirect at all.
    if (reg.type === 'public' && reg.redirectUris.length === 0) bad('redirectUris', 'a public client needs at least one');
  }

  const has = { secret: reg.secret !== undefined, jwks: reg.jwks !== undefined, jwksUri: reg.jwksUri !== undefined };
  if (reg.type === 'public') {
    for (const field of ['secret', 'jwks', 'jwksUri'] as const) if (has[field]) bad(field, 'a public client has no credentials');
  } else if (reg.type === 'confidential-symmetric') {
    if (typeof reg.secret !== 'string') bad('secret', 'a confidential-symmetric client needs a secret');
    else if (reg.secret.length < MIN_SECRET_LENGTH || reg.secret.length > MAX_SECRET_LENGTH) {
      bad('secret', `must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters`);
    }
    for (const field of ['jwks', 'jwksUri'] as const) if (has[field]) bad(field, 'a confidential-symmetric client authenticates with its secret only');
  } else if (reg.type === 'confidential-asymmetric') {
    if (has.secret) bad('secret', 'a confidential-asymmetric client authenticates with its keys only');
    // Exactly one key source, so that which keys are trusted (and whether a jku header may name a URL) is unambiguous.
    if (has.jwks === has.jwksUri) bad('jwks', 'a confidential-asymmetric client needs either jwks or jwksUri, not both');
    if (has.jwks) for (const p of jwksProblems(reg.jwks)) bad('jwks', p);
    if (has.jwksUri) {
      const problem = urlProblem(reg.jwksUri);
      if (problem) bad('jwksUri', problem);
    }
  }
  return issues;
}

/**
 * Validates a registration, checks that registered keys really import, and replaces the secret by its hash.
 * Throws a 400 OperationOutcomeError listing every problem.
 */
export async function createClientRegistration(input: unknown, hashSecret: HashSecret = hashPassword): Promise<ClientRegistration> {
  const issues = validateClientRegistration(input);
  const req = input as ClientRegistrationRequest;
  if (issues.length === 0 && req.jwks) {
    for (const [i, jwk] of req.jwks.keys.entries()) {
      try {
        await importJWK(jwk, jwk.kty === 'EC' ? 'ES384' : 'RS384');
      } catch {
        issues.push(issue('error', 'invalid', `jwks: keys[${i}] is not a valid public key`, 'jwks'));
      }
    }
  }
  if (issues.length > 0) throw new OperationOutcomeError(400, issues);
  const client: ClientRegistration = { id: req.id, type: req.type, redirectUris: [...new Set(req.redirectUris)], scope: req.scope };
  if (req.name !== undefined) client.name = req.name;
  if (req.secret !== undefined) client.secretHash = await hashSecret(req.secret);
  if (req.jwks !== undefined) client.jwks = { keys: req.jwks.keys.map((k) => ({ ...k })) };
  if (req.jwksUri !== undefined) client.jwksUri = req.jwksUri;
  return client;
}
