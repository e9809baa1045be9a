/**
 * Remembers the `jti` of every accepted client assertion until it expires, so that a captured assertion cannot
 * be replayed (SMART client-confidential-asymmetric: "check that the jti value has not been previously
 * encountered for the given iss within the maximum allowed authentication JWT lifetime").
 */

export interface ReplayStore {
  /**
   * Records (clientId, jti) until expiresAt (epoch milliseconds) and reports whether it had been recorded
   * before and not yet expired. Must be atomic: of two concurrent calls with the same pair, exactly one
   * returns false. A shared store is needed when several processes serve the token endpoint: AssertionReplay
   * (src/auth/revocations.ts) keeps them in the database.
   */
  seen(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
}

export interface MemoryReplayStoreOptions {
  now?: () => number;
  /** How often expired entries are swept out, in milliseconds. */
  sweepIntervalMs?: number;
}

/**
 * A ReplayStore for one process (and tests). Only assertions that passed signature verification reach it, so
 * its size is bounded by what registered clients send within an assertion lifetime (at most five minutes);
 * there is deliberately no size cap, because dropping a live entry would reopen a replay window.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly entries = new Map<string, number>();
  private readonly now: () => number;
  private readonly sweepIntervalMs: number;
  private lastSweep: number;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
    this.lastSweep = this.now();
  }

  async seen(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    // JSON keeps the pair unambiguous whatever characters either part contains.
    const key = JSON.stringify([clientId, jti]);
    const known = this.entries.get(key);
    if (known !== undefined && known > now) return true;
    this.entries.set(key, expiresAt);
    return false;
  }

  /** Entries currently held (expired ones may linger until the next sweep). */
  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.sweepIntervalMs) return;
    this.lastSweep = now;
    for (const [key, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(key);
  }
}
