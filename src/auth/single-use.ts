/**
 * Single-use, expiring grants kept in the database (store/auth-records.ts) under the hash of a random
 * secret: authorization codes (about 60 s, RFC 6749 §4.1.2: used once), refresh tokens (rotated: each
 * use consumes the old one) and EHR launch contexts. Any server process may redeem what another issued.
 */
import type { AuthRecords } from '../store/auth-records.js';
import { newSecret, secretKey } from './secrets.js';

export class SingleUseGrants<T> {
  constructor(
    private readonly records: AuthRecords,
    /** The record kind, e.g. 'code'. */
    private readonly kind: string,
    /** Lifetime in seconds. */
    private readonly lifetime: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the grant; returns the secret to hand out and when it expires (epoch ms). */
  async issue(grant: T, lifetime = this.lifetime): Promise<{ secret: string; expiresAt: number }> {
    const secret = newSecret();
    const expiresAt = this.now() + lifetime * 1000;
    await this.records.put(this.kind, secretKey(secret), JSON.stringify(grant), expiresAt);
    return { secret, expiresAt };
  }

  /** Consumes the grant: the first call gets it, every later or concurrent one gets undefined. */
  async redeem(secret: string): Promise<T | undefined> {
    const value = await this.records.take(this.kind, secretKey(secret));
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /** Reads the grant without consuming it (a launch id may be used by several authorizations). */
  async peek(secret: string): Promise<T | undefined> {
    const value = await this.records.get(this.kind, secretKey(secret));
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /** Withdraws the grant (revocation of a refresh token); true if it existed. */
  async revoke(secret: string): Promise<boolean> {
    return this.records.delete(this.kind, secretKey(secret));
  }
}
