/** Failed logins: growing delays, a lockout after too many, a fresh start after success or time, bounded memory. */
import { describe, expect, it } from 'vitest';
import { addressKey, LoginThrottle, type LoginThrottleOptions } from '../../src/auth/login-throttle.js';

const MIN = 60_000;

function throttle(options: LoginThrottleOptions = {}) {
  const clock = { t: 1_000_000 };
  const t = new LoginThrottle({ now: () => clock.t, ...options });
  return { t, clock, advance: (ms: number) => (clock.t += ms) };
}

describe('login throttle', () => {
  it('lets first attempts through', () => {
    const { t } = throttle();
    expect(t.check('alice', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('makes each failure for a username wait longer, then locks it out', () => {
    const { t, advance } = throttle();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      t.recordFailure('alice', `10.0.0.${i}`);
      const decision = t.check('alice', '10.0.9.9');
      expect(decision).toMatchObject({ allowed: false, reason: 'wait' });
      waits.push((decision as { retryAfterMs: number }).retryAfterMs);
      advance(waits[i]);
      expect(t.check('alice', '10.0.9.9')).toEqual({ allowed: true });
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    t.recordFailure('alice', '10.0.0.5');
    expect(t.check('alice', '10.0.9.9')).toEqual({ allowed: false, reason: 'locked', retryAfterMs: 15 * MIN });
    // Other users are unaffected.
    expect(t.check('bob', '10.0.9.9')).toEqual({ allowed: true });
    advance(15 * MIN - 1);
    expect(t.check('alice', '10.0.9.9')).toMatchObject({ allowed: false, reason: 'locked', retryAfterMs: 1 });
    advance(1);
    expect(t.check('alice', '10.0.9.9')).toEqual({ allowed: true });
    // After the lockout the count starts afresh.
    t.recordFailure('alice', '10.0.0.1');
    expect(t.check('alice', '10.0.9.9')).toMatchObject({ reason: 'wait', retryAfterMs: 1000 });
  });

  it('counts username variants as one', () => {
    const { t } = throttle({ maxFailuresPerUser: 2 });
    t.recordFailure('Alice', '10.0.0.1');
    t.recordFailure(' ALICE ', '10.0.0.2');
    expect(t.check('alice', '10.0.0.3')).toMatchObject({ allowed: false, reason: 'locked' });
  });

  it('forgets failures after the window', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 4; i++) t.recordFailure('alice', '10.0.0.1');
    advance(15 * MIN);
    t.recordFailure('alice', '10.0.0.1');
    // A fifth failure, but the first four fell out of the window: a first-failure wait, no lock.
    expect(t.check('alice', '10.0.0.1')).toEqual({ allowed: false, reason: 'wait', retryAfterMs: 1000 });
  });

  it('starts a username afresh after a success', () => {
    const { t } = throttle();
    for (let i = 0; i < 4; i++) t.recordFailure('alice', '10.0.0.1');
    t.recordSuccess('alice', '10.0.0.1');
    expect(t.check('alice', '10.0.0.1')).toEqual({ allowed: true });
    t.recordFailure('alice', '10.0.0.1');
    expect(t.check('alice', '10.0.0.1')).toMatchObject({ reason: 'wait', retryAfterMs: 1000 });
  });

  it('locks an address trying many usernames, without delaying it before', () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 99; i++) {
      advance(5_000);
      t.recordFailure(`user${i}`, '192.0.2.7');
    }
    // A shared hospital address is not slowed by its users' typos...
    expect(t.check('fresh', '192.0.2.7')).toEqual({ allowed: true });
    // ...but the hundredth failure within the window locks it, whatever the username.
    t.recordFailure('user99', '192.0.2.7');
    expect(t.check('fresh', '192.0.2.7')).toEqual({ allowed: false, reason: 'locked', retryAfterMs: 15 * MIN });
    expect(t.check('fresh', '192.0.2.8')).toEqual({ allowed: true });
    // A success on one account does not clear the address.
    t.recordSuccess('attackers-own', '192.0.2.7');
    expect(t.check('fresh', '192.0.2.7')).toMatchObject({ allowed: false, reason: 'locked' });
  });

  it('reports the longer of two blocks, and a lock before a wait', () => {
    const { t, advance } = throttle({ maxFailuresPerAddress: 2 });
    t.recordFailure('alice', '192.0.2.7');
    advance(500);
    expect(t.check('alice', '192.0.2.8')).toEqual({ allowed: false, reason: 'wait', retryAfterMs: 500 });
    t.recordFailure('bob', '192.0.2.7');
    expect(t.check('alice', '192.0.2.7')).toEqual({ allowed: false, reason: 'locked', retryAfterMs: 15 * MIN });
  });

  it('caps the wait', () => {
    const { t } = throttle({ maxFailuresPerUser: 100 });
    for (let i = 0; i < 40; i++) t.recordFailure('alice', '10.0.0.1');
    expect(t.check('alice', '10.0.0.2')).toEqual({ allowed: false, reason: 'wait', retryAfterMs: 30_000 });
  });

  it('keeps at most maxEntries keys, dropping the least recently failed', () => {
    const { t } = throttle({ maxEntries: 3, maxFailuresPerUser: 1 });
    t.recordFailure('alice', '10.0.0.1');
    for (const name of ['u1', 'u2', 'u3']) t.recordFailure(name, '10.0.0.1');
    expect(t.check('alice', '10.0.0.9')).toEqual({ allowed: true });
    expect(t.check('u3', '10.0.0.9')).toMatchObject({ reason: 'locked' });
    const internals = t as unknown as { users: Map<string, unknown>; addresses: Map<string, unknown> };
    expect(internals.users.size).toBe(3);
    for (let i = 0; i < 100; i++) t.recordFailure(`x${i}`.repeat(1000), `10.1.${i}.1`);
    expect(internals.users.size).toBe(3);
    expect(internals.addresses.size).toBe(3);
    for (const key of internals.users.keys()) expect(key.length).toBeLessThanOrEqual(256);
  });

  it('counts IPv4-mapped addresses as IPv4 and IPv6 addresses by their /64', () => {
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0DB8:0000:0001:ffff:1:2:3')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    const { t } = throttle({ maxFailuresPerAddress: 2 });
    t.recordFailure('a', '2001:db8:0:1::5');
    t.recordFailure('b', '2001:db8:0:1:aaaa::9');
    expect(t.check('c', '2001:db8:0:1::77')).toMatchObject({ reason: 'locked' });
    expect(t.check('c', '2001:db8:0:2::77')).toEqual({ allowed: true });
  });
});
