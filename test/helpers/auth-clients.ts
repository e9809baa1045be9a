/**
 * Registered clients, client assertions, authorization codes and raw HTTP calls to the authorization server
 * of a server started by startSecuredServer (test/helpers/auth.ts), for the end-to-end suites of the token side.
 * Codes are issued exactly as /authorize stores them (a CodeGrant record of kind 'code'), so a test can skip the
 * browser login and still redeem them over HTTP.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { expect } from 'vitest';
import { authUrls } from '../../src/auth/auth-server.js';
import { CLIENT_ASSERTION_TYPE } from '../../src/auth/client-assertion.js';
import { createClientRegistration, type ClientRegistrationRequest } from '../../src/auth/client-registration.js';
import { CODE_LIFETIME_SECONDS, type CodeGrant } from '../../src/auth/grants.js';
import { s256Challenge } from '../../src/auth/pkce.js';
import { SingleUseGrants } from '../../src/auth/single-use.js';
import type { AuthServerUrls } from '../../src/auth/discovery.js';
import type { SecuredServer } from './auth.js';
import { expectNoStackTrace } from './server.js';

export { CLIENT_ASSERTION_TYPE };

export const FORM = 'application/x-www-form-urlencoded';

export type AssertionAlg = 'RS384' | 'ES384';

/** A key pair for private_key_jwt, the private key extractable, with the public JWK (kid, alg, use) to register. */
export interface ClientKey {
  alg: AssertionAlg;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function clientKey(alg: AssertionAlg, kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function authServer(s: SecuredServer) {
  const auth = s.server.auth.server;
  if (!auth) throw new Error('the server was started without auth');
  return auth;
}

export function urlsOf(s: SecuredServer): AuthServerUrls {
  return authUrls(s.server.fhirBase);
}

/** Validates, hashes and stores a registration, as `qiao client add` would. */
export async function registerClient(s: SecuredServer, registration: ClientRegistrationRequest): Promise<void> {
  await authServer(s).clients.put(await createClientRegistration(registration));
}

export function registerBackendClient(s: SecuredServer, id: string, key: ClientKey, scope: string): Promise<void> {
  return registerClient(s, { id, type: 'confidential-asymmetric', redirectUris: [], scope, jwks: { keys: [key.publicJwk] } });
}

/** A signed private_key_jwt assertion for `clientId`, valid for two minutes, aud the token endpoint; override anything. */
export function signAssertion(
  s: SecuredServer,
  clientId: string,
  key: ClientKey,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: clientId, sub: clientId, aud: urlsOf(s).token, iat: now, exp: now + 120, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkcePair(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

/**
 * An authorization code as /authorize issues it after login and consent, for `grant.clientId` and
 * `grant.redirectUri`, with a fresh PKCE pair; returns the code and the verifier.
 */
export async function issueCode(
  s: SecuredServer,
  grant: Pick<CodeGrant, 'clientId' | 'redirectUri' | 'scope'> & Partial<CodeGrant>,
): Promise<{ code: string } & Pkce> {
  const pkce = pkcePair();
  const full: CodeGrant = {
    username: 'alice',
    fhirUser: 'Practitioner/alice',
    context: {},
    authTime: Math.floor(Date.now() / 1000),
    codeChallenge: pkce.challenge,
    ...grant,
  };
  const { secret } = await new SingleUseGrants<CodeGrant>(authServer(s).records, 'code', CODE_LIFETIME_SECONDS).issue(full);
  return { code: secret, ...pkce };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

async function answerOf(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs an urlencoded form (fields in order, repeats allowed) to a URL, with optional extra headers. */
export async function postForm(url: string, fields: Record<string, string> | [string, string][], headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const body = new URLSearchParams(fields).toString();
  return answerOf(await fetch(url, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body }));
}

/** A FHIR request with a bearer token. */
export async function fhirRequest(s: SecuredServer, path: string, token: string | undefined, init: { method?: string; body?: unknown } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/fhir+json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/fhir+json';
  return answerOf(
    await fetch(`${s.server.fhirBase}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    }),
  );
}

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** The decoded payload of a JWT, unverified. */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * An RFC 6749 §5.2 error answer: exactly this status and error code, an error_description, JSON, never
 * cached, no stack trace, and none of `secrets` (credentials, verifiers, assertions sent) anywhere in the
 * body or headers.
 */
export function expectOAuthError(answer: HttpAnswer, status: number, error: string, secrets: string[] = [], label = error): void {
  expect(answer.status, `${label}: status (body ${answer.text})`).toBe(status);
  expect(answer.json, `${label}: JSON body`).toBeDefined();
  expect(answer.json!.error, `${label}: error (body ${answer.text})`).toBe(error);
  expect(typeof answer.json!.error_description, `${label}: error_description`).toBe('string');
  expect(answer.headers.get('cache-control'), `${label}: Cache-Control`).toMatch(/no-store/);
  expect(answer.headers.get('content-type'), `${label}: Content-Type`).toMatch(/^application\/json/);
  expectNoLeak(answer, secrets, label);
}

export function expectNoLeak(answer: HttpAnswer, secrets: string[], label = 'response'): void {
  expectNoStackTrace(answer.text);
  const headerText = [...answer.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  for (const secret of secrets.filter((x) => x.length >= 8)) {
    expect(answer.text.includes(secret), `${label}: the body echoes a credential`).toBe(false);
    expect(headerText.includes(secret), `${label}: a header echoes a credential`).toBe(false);
    // Parts of a JWT (its signature, its payload) must not come back either.
    for (const part of secret.split('.').filter((p) => p.length >= 16)) {
      expect(answer.text.includes(part), `${label}: the body echoes part of a credential`).toBe(false);
    }
  }
}
