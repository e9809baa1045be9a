import { describe, expect, it } from 'vitest';
import { MemoryReplayStore } from '../../src/auth/client-replay-store.js';

describe('in-memory assertion replay store', () => {
  it('reports a jti as seen for the same client until it expires, and not for another client', async () => {
    let now = 1_000_000;
    const store = new MemoryReplayStore({ now: () => now });
    expect(await store.seen('a', 'j1', now + 60_000)).toBe(false);
    expect(await store.seen('a', 'j1', now + 60_000)).toBe(true);
    expect(await store.seen('b', 'j1', now + 60_000)).toBe(false);
    now += 60_000;
    expect(await store.seen('a', 'j1', now + 60_000)).toBe(false);
  });

  it('of concurrent sightings, exactly one is the first', async () => {
    const store = new MemoryReplayStore();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.seen('a', 'same', Date.now() + 60_000)));
    expect(results.filter((r) => !r)).toHaveLength(1);
  });

  it('keeps client id and jti apart whatever characters they contain', async () => {
    const store = new MemoryReplayStore();
    expect(await store.seen('a:b', 'c', Date.now() + 60_000)).toBe(false);
    expect(await store.seen('a', 'b:c', Date.now() + 60_000)).toBe(false);
  });

  it('evicts expired entries', async () => {
    let now = 0;
    const store = new MemoryReplayStore({ now: () => now, sweepIntervalMs: 1_000 });
    for (let i = 0; i < 100; i++) await store.seen('a', `j${i}`, now + 500);
    await store.seen('a', 'long-lived', now + 10_000);
    expect(store.size).toBe(101);
    now = 2_000;
    await store.seen('a', 'new', now + 500);
    expect(store.size).toBe(2);
    expect(await store.seen('a', 'long-lived', now + 10_000)).toBe(true);
  });
});
