/**
 * A grant family: every token that descends from one authorization (the code's first access and refresh
 * tokens, then each rotation's). Kept so that revoking a refresh token (RFC 7009 §2.1: "SHOULD also
 * invalidate all access tokens based on the same authorization grant") and a replayed authorization code
 * (RFC 6749 §4.1.2: "SHOULD revoke all tokens previously issued based on that authorization code") end
 * the whole family at once, in every server process.
 */
import type { AuthRecords } from '../store/auth-records.js';
import { OFFLINE_REFRESH_LIFETIME_SECONDS } from './grants.js';
import { Revocations } from './revocations.js';
import { newSecret, secretKey } from './secrets.js';

const KIND = 'grant-family';
const USED_CODE = 'code-used';

interface Family {
  /** Access tokens issued in the family that have not expired yet. */
  accessTokens: { jti: string; exp: number }[];
  revoked?: boolean;
}

export class GrantFamilies {
  constructor(
    private readonly records: AuthRecords,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new family; for a redeemed code, remembers the code so a replay of it can find the family. */
  async start(code?: string): Promise<string> {
    const id = newSecret();
    await this.records.put(KIND, id, JSON.stringify({ accessTokens: [] } satisfies Family), this.expiry());
    // Kept as long as the family can hold live tokens; a replay after that finds nothing left to revoke.
    if (code !== undefined) await this.records.put(USED_CODE, secretKey(code), id, this.expiry());
    return id;
  }

  /** Records an access token issued in the family (exp in epoch seconds). */
  async addAccessToken(family: string, jti: string, exp: number): Promise<void> {
    const current = await this.get(family);
    if (!current) return;
    const live = current.accessTokens.filter((t) => t.exp * 1000 > this.now());
    await this.records.put(KIND, family, JSON.stringify({ ...current, accessTokens: [...live, { jti, exp }] }), this.expiry());
  }

  async isRevoked(family: string): Promise<boolean> {
    const current = await this.get(family);
    return current === undefined || current.revoked === true;
  }

  /** Revokes every live access token of the family and marks it so no refresh token of it works again. */
  async revoke(family: string): Promise<void> {
    const current = await this.get(family);
    if (!current || current.revoked) return;
    const revocations = new Revocations(this.records);
    for (const t of current.accessTokens) if (t.exp * 1000 > this.now()) await revocations.revoke(t.jti, t.exp * 1000);
    await this.records.put(KIND, family, JSON.stringify({ accessTokens: [], revoked: true } satisfies Family), this.expiry());
  }

  /** A code presented again after it was redeemed: the family it started is revoked. True when it was one. */
  async revokeIfReplayedCode(code: string): Promise<boolean> {
    const family = await this.records.get(USED_CODE, secretKey(code));
    if (family === undefined) return false;
    await this.revoke(family);
    return true;
  }

  private async get(family: string): Promise<Family | undefined> {
    const value = await this.records.get(KIND, family);
    return value === undefined ? undefined : (JSON.parse(value) as Family);
  }

  private expiry(): number {
    return this.now() + OFFLINE_REFRESH_LIFETIME_SECONDS * 1000;
  }
}
