/**
 * Slows and then locks out repeated failed logins, counted per username (guessing one account's
 * password) and per client address (trying one password on many accounts).
 *
 * Each failure for a username makes its next attempt wait longer (doubling up to a cap); reaching the
 * limit within the window locks the username for a while. An address is only locked, at a much higher
 * limit and without delays: a hospital's staff often share one NAT address, and a delay after every
 * typo there would stall everyone's logins at shift change. The login page asks `check` before
 * verifying a password and answers "try again in N seconds" instead of sleeping, so waiting attempts
 * hold no connection open.
 *
 * Counters live in this process's memory: with several server processes each counts on its own (an
 * attacker spread over them gets proportionally more tries), and a restart forgets them. A later change
 * may keep them in the database. Memory is bounded: each table keeps at most `maxEntries` keys, dropping
 * the least recently failed first.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export interface LoginThrottleOptions {
  /** Failures within the window that lock a username; default 5. */
  maxFailuresPerUser?: number;
  /** Failures within the window that lock an address; default 100 (shared NAT addresses, see above). */
  maxFailuresPerAddress?: number;
  /** Failures older than this (counted from the first in a series) are forgotten; default 15 min. */
  windowMs?: number;
  lockoutMs?: number;
  /** Wait after a username's first failure, doubling with each further one up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; reason: 'locked' | 'wait'; retryAfterMs: number };

interface Entry {
  failures: number;
  firstFailure: number;
  lastFailure: number;
  lockedUntil: number;
}

interface Policy {
  maxFailures: number;
  delays: boolean;
}

export class LoginThrottle {
  private readonly users = new Map<string, Entry>();
  private readonly addresses = new Map<string, Entry>();
  private readonly userPolicy: Policy;
  private readonly addressPolicy: Policy;
  private readonly windowMs: number;
  private readonly lockoutMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(o: LoginThrottleOptions = {}) {
    this.userPolicy = { maxFailures: o.maxFailuresPerUser ?? 5, delays: true };
    this.addressPolicy = { maxFailures: o.maxFailuresPerAddress ?? 100, delays: false };
    this.windowMs = o.windowMs ?? 15 * 60_000;
    this.lockoutMs = o.lockoutMs ?? 15 * 60_000;
    this.baseDelayMs = o.baseDelayMs ?? 1000;
    this.maxDelayMs = o.maxDelayMs ?? 30_000;
    this.maxEntries = o.maxEntries ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** Whether a login attempt may go ahead now; when not, how long until it may. */
  check(username: string, address: string): ThrottleDecision {
    const now = this.now();
    const decisions = [
      this.decide(this.users, userKey(username), this.userPolicy, now),
      this.decide(this.addresses, addressKey(address), this.addressPolicy, now),
    ];
    const locked = decisions.filter((d) => d.reason === 'locked');
    const blocking = locked.length > 0 ? locked : decisions.filter((d) => d.retryAfterMs > 0);
    if (blocking.length === 0) return { allowed: true };
    return { allowed: false, reason: blocking[0].reason, retryAfterMs: Math.max(...blocking.map((d) => d.retryAfterMs)) };
  }

  recordFailure(username: string, address: string): void {
    const now = this.now();
    this.fail(this.users, userKey(username), this.userPolicy, now);
    this.fail(this.addresses, addressKey(address), this.addressPolicy, now);
  }

  /**
   * Clears the username's failures. The address's stay: otherwise an attacker who owns one account
   * could log into it between guesses at others and never reach the address limit.
   */
  recordSuccess(username: string, _address: string): void {
    this.users.delete(userKey(username));
  }

  private decide(table: Map<string, Entry>, key: string, policy: Policy, now: number): { reason: 'locked' | 'wait'; retryAfterMs: number } {
    const entry = this.live(table, key, now);
    if (!entry) return { reason: 'wait', retryAfterMs: 0 };
    if (entry.lockedUntil > now) return { reason: 'locked', retryAfterMs: entry.lockedUntil - now };
    return { reason: 'wait', retryAfterMs: Math.max(0, entry.lastFailure + this.delay(entry.failures, policy) - now) };
  }

  private fail(table: Map<string, Entry>, key: string, policy: Policy, now: number): void {
    const entry = this.live(table, key, now) ?? { failures: 0, firstFailure: now, lastFailure: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailure = now;
    if (entry.failures >= policy.maxFailures && entry.lockedUntil <= now) entry.lockedUntil = now + this.lockoutMs;
    // Re-inserting keeps the map ordered by last failure, so the first key is the one to drop.
    table.delete(key);
    table.set(key, entry);
    while (table.size > this.maxEntries) table.delete(table.keys().next().value as string);
  }

  /** The entry if it still counts: a lock that ran out, or a window with no lock that ran out, starts afresh. */
  private live(table: Map<string, Entry>, key: string, now: number): Entry | undefined {
    const entry = table.get(key);
    if (!entry) return undefined;
    const lockOver = entry.lockedUntil > 0 && entry.lockedUntil <= now;
    const windowOver = entry.lockedUntil === 0 && now - entry.firstFailure >= this.windowMs;
    if (lockOver || windowOver) {
      table.delete(key);
      return undefined;
    }
    return entry;
  }

  private delay(failures: number, policy: Policy): number {
    if (!policy.delays || failures <= 0) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(failures - 1, 30));
  }
}

/** Case and Unicode variants of a name count as one, so "Alice" cannot add five more guesses at "alice". */
function userKey(username: string): string {
  return boundedKey(username.normalize('NFKC').trim().toLowerCase());
}

/**
 * IPv4-mapped IPv6 addresses count as their IPv4 address, and IPv6 addresses by their /64 prefix:
 * one host usually holds a whole /64, and could otherwise switch addresses to escape its counter.
 */
export function addressKey(address: string): string {
  const plain = address.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(plain) || !isIPv6(plain)) return boundedKey(plain);
  const [head, tail] = plain.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(':') : [];
  // An embedded IPv4 tail (a.b.c.d) fills two groups, but only the first four groups matter here.
  const missing = 8 - headGroups.length - tailGroups.length - (tailGroups.at(-1)?.includes('.') ? 1 : 0);
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

/** Keeps memory per key small whatever a client sends as its username. */
function boundedKey(key: string): string {
  return key.length <= 256 ? key : 'sha256:' + createHash('sha256').update(key).digest('hex');
}
