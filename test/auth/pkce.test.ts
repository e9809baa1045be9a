/** PKCE with S256 only (RFC 7636): the right verifier passes; plain, malformed, missing or replayed values fail. */
import { describe, expect, it } from 'vitest';
import { checkPkceChallenge, s256Challenge, verifyPkce, type PkceResult } from '../../src/auth/pkce.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const reason = (r: PkceResult) => (r.ok ? 'ok' : r.reason);

describe('PKCE', () => {
  it('accepts the RFC 7636 appendix B pair', () => {
    expect(s256Challenge(VERIFIER)).toBe(CHALLENGE);
    expect(verifyPkce(CHALLENGE, 'S256', VERIFIER)).toEqual({ ok: true });
  });

  it('accepts verifiers of 43 and 128 characters from the whole unreserved set', () => {
    for (const verifier of ['a'.repeat(43), 'Az09-._~'.repeat(16)]) {
      expect(verifyPkce(s256Challenge(verifier), 'S256', verifier), verifier).toEqual({ ok: true });
    }
  });

  it('refuses plain, a missing method and anything but S256', () => {
    for (const method of ['plain', undefined, '', 's256', 'S512']) {
      expect(reason(verifyPkce(CHALLENGE, method, VERIFIER)), String(method)).toBe('unsupported_method');
      expect(reason(checkPkceChallenge(CHALLENGE, method)), String(method)).toBe('unsupported_method');
    }
    // plain with verifier == challenge would "match" under plain; it must not here.
    expect(reason(verifyPkce(VERIFIER, 'plain', VERIFIER))).toBe('unsupported_method');
  });

  it('refuses the challenge sent back as the verifier', () => {
    expect(reason(verifyPkce(CHALLENGE, 'S256', CHALLENGE))).toBe('verifier_is_challenge');
  });

  it('refuses a missing, blank, malformed or wrong verifier', () => {
    expect(reason(verifyPkce(CHALLENGE, 'S256', undefined))).toBe('missing_verifier');
    expect(reason(verifyPkce(CHALLENGE, 'S256', ''))).toBe('missing_verifier');
    for (const bad of [' '.repeat(43), 'a'.repeat(42), 'a'.repeat(129), VERIFIER + '+', VERIFIER.slice(0, 42) + '/', `${VERIFIER} `, 'é'.repeat(43)]) {
      expect(reason(verifyPkce(CHALLENGE, 'S256', bad)), bad).toBe('invalid_verifier');
    }
    expect(reason(verifyPkce(CHALLENGE, 'S256', VERIFIER.slice(0, -1) + 'Y'))).toBe('mismatch');
    expect(reason(verifyPkce(CHALLENGE, 'S256', 'b'.repeat(43)))).toBe('mismatch');
  });

  it('refuses challenges that cannot be S256 digests', () => {
    for (const challenge of [undefined, '', CHALLENGE + '=', CHALLENGE.slice(1), CHALLENGE.replace('-', '+'), 'a'.repeat(128)]) {
      expect(reason(checkPkceChallenge(challenge, 'S256')), String(challenge)).toBe('invalid_challenge');
      expect(reason(verifyPkce(challenge, 'S256', VERIFIER)), String(challenge)).toBe('invalid_challenge');
    }
    expect(checkPkceChallenge(CHALLENGE, 'S256')).toEqual({ ok: true });
  });

  it('explains each failure without echoing the values', () => {
    const result = verifyPkce(CHALLENGE, 'S256', 'b'.repeat(43));
    expect(result).toMatchObject({ ok: false, reason: 'mismatch', description: 'code_verifier does not match the code_challenge' });
    expect(JSON.stringify(result)).not.toContain(CHALLENGE);
  });
});
