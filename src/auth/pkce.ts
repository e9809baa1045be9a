/**
 * PKCE (RFC 7636), S256 only: SMART App Launch 2 requires it and forbids `plain`, which would let
 * anyone who saw the authorization request (and so the challenge) redeem the code.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** BASE64URL(SHA256(verifier)) is always 43 characters without padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export type PkceFailure =
  | 'unsupported_method'
  | 'invalid_challenge'
  | 'missing_verifier'
  | 'invalid_verifier'
  | 'verifier_is_challenge'
  | 'mismatch';

export type PkceResult = { ok: true } | { ok: false; reason: PkceFailure; description: string };

const DESCRIPTIONS: Record<PkceFailure, string> = {
  unsupported_method: 'code_challenge_method must be S256',
  invalid_challenge: 'code_challenge must be a base64url SHA-256 digest (43 characters)',
  missing_verifier: 'code_verifier is required',
  invalid_verifier: 'code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~"',
  verifier_is_challenge: 'code_verifier must be the secret the code_challenge was derived from, not the challenge itself',
  mismatch: 'code_verifier does not match the code_challenge',
};

const fail = (reason: PkceFailure): PkceResult => ({ ok: false, reason, description: DESCRIPTIONS[reason] });

/**
 * For the authorize endpoint: whether a challenge may be accepted at all, before any code is issued.
 * A missing method is `plain` by RFC 7636's default, so it is refused too.
 */
export function checkPkceChallenge(challenge: string | undefined, method: string | undefined): PkceResult {
  if (method !== 'S256') return fail('unsupported_method');
  if (typeof challenge !== 'string' || !S256_CHALLENGE.test(challenge)) return fail('invalid_challenge');
  return { ok: true };
}

/** For the token endpoint: whether `verifier` proves possession of the secret behind `challenge`. */
export function verifyPkce(challenge: string | undefined, method: string | undefined, verifier: string | undefined): PkceResult {
  const challengeOk = checkPkceChallenge(challenge, method);
  if (!challengeOk.ok) return challengeOk;
  if (verifier === undefined || verifier === '') return fail('missing_verifier');
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) return fail('invalid_verifier');
  // Sending the challenge back proves nothing: it was visible in the authorization request.
  if (verifier === challenge) return fail('verifier_is_challenge');
  const expected = Buffer.from(s256Challenge(verifier), 'ascii');
  const given = Buffer.from(challenge as string, 'ascii');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return fail('mismatch');
  return { ok: true };
}

/** BASE64URL-ENCODE(SHA256(ASCII(verifier))), §4.2. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
