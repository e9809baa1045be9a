/**
 * Revoked access tokens (RFC 7009), by their jti, until they would have expired anyway: the check on
 * every FHIR request then stays a primary-key lookup on a small table, and revocation takes effect at
 * once in every server process.
 */
import type { AuthRecords } from '../store/auth-records.js';

const KIND = 'revoked-jti';

export class Revocations {
  constructor(private readonly records: AuthRecords) {}

  /** @param expiresAt the token's exp, epoch milliseconds */
  async revoke(jti: string, expiresAt: number): Promise<void> {
    await this.records.put(KIND, jti, '1', expiresAt);
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.records.get(KIND, jti)) !== undefined;
  }
}

/**
 * Client-assertion ids seen (RFC 7523 §3: a jti is never accepted twice for a client while the
 * assertion is valid), recorded atomically so two processes cannot both accept one.
 */
export class AssertionReplay {
  constructor(private readonly records: AuthRecords) {}

  /** True when this jti was already seen for the client (the assertion is a replay). */
  async seen(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    return !(await this.records.insertNew('assertion-jti', `${clientId}\n${jti}`, '1', expiresAt));
  }
}
