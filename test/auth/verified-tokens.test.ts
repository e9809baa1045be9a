/** The verified-token cache: hits only for the same token and audience, never past exp, bounded. */
import { describe, expect, it } from 'vitest';
import type { AccessTokenClaims } from '../../src/auth/access-token.js';
import { VerifiedTokens } from '../../src/auth/verified-tokens.js';

const claims = (exp: number): AccessTokenClaims => ({ iss: 'i', aud: 'a', sub: 's', client_id: 'c', scope: 'system/*.rs', jti: 'j', iat: exp - 60, exp });

describe('VerifiedTokens', () => {
  it('answers for the same token and audience only', () => {
    const cache = new VerifiedTokens(10, () => 1_000_000);
    cache.set('https://a/fhir', 'tok', claims(2000));
    expect(cache.get('https://a/fhir', 'tok')).toMatchObject({ jti: 'j' });
    expect(cache.get('https://b/fhir', 'tok')).toBeUndefined();
    expect(cache.get('https://a/fhir', 'tok2')).toBeUndefined();
  });

  it('forgets a token once it expires', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokens(10, () => now);
    cache.set('a', 'tok', claims(1001));
    expect(cache.get('a', 'tok')).toBeDefined();
    now = 1_001_000;
    expect(cache.get('a', 'tok')).toBeUndefined();
  });

  it('drops the oldest entry beyond its capacity', () => {
    const cache = new VerifiedTokens(2, () => 0);
    cache.set('a', 't1', claims(10));
    cache.set('a', 't2', claims(10));
    cache.set('a', 't3', claims(10));
    expect(cache.get('a', 't1')).toBeUndefined();
    expect(cache.get('a', 't3')).toBeDefined();
  });
});
