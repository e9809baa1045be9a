/**
 * Fetches and caches the JWK Sets that confidential-asymmetric clients publish at their registered jwks_uri.
 * SMART: the server "SHALL NOT cache a JWKS for longer than the client's cache-control header indicates" and
 * SHOULD otherwise cache it. The fetch is bounded in time and size because the URL points at someone else's
 * server, and a refetch forced by an unknown `kid` is rate-limited so that assertions naming random kids cannot
 * turn the token endpoint into a request generator against the client's host.
 */
import type { JWK } from 'jose';
import type { JWKS } from './client-registration.js';

export interface JwksCacheOptions {
  /** Abort a fetch (connection and body) after this long. */
  timeoutMs?: number;
  /** Refuse a JWK Set larger than this; a few RSA keys take about a kilobyte each. */
  maxBytes?: number;
  /** Lifetime when the response has no Cache-Control max-age. */
  defaultMaxAgeSeconds?: number;
  /** Upper bound on any lifetime, so that a key the client withdrew is dropped within a day at most. */
  maxMaxAgeSeconds?: number;
  /** At most one fetch per URL within this window is caused by an unknown kid. */
  refetchCooldownMs?: number;
  /** URLs remembered at once; the least recently fetched is forgotten first. */
  maxEntries?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export type JwksResult = { ok: true; jwks: JWKS } | { ok: false; reason: string };

interface Entry {
  jwks: JWKS;
  expiresAt: number;
  fetchedAt: number;
}

/** Seconds a response may be used for, from its Cache-Control and Age headers (RFC 9111 section 4.2). */
export function freshnessSeconds(cacheControl: string | null, age: string | null, defaultSeconds: number, maxSeconds: number): number {
  let lifetime = defaultSeconds;
  for (const directive of (cacheControl ?? '').split(',')) {
    const [name, value] = directive.trim().toLowerCase().split('=', 2);
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age' && value !== undefined && /^\d+$/.test(value.replace(/"/g, ''))) lifetime = Number(value.replace(/"/g, ''));
  }
  // An intermediary may already have held the response for Age seconds of its lifetime.
  const held = age !== null && /^\d+$/.test(age.trim()) ? Number(age.trim()) : 0;
  return Math.max(0, Math.min(lifetime - held, maxSeconds));
}

export class JwksUriCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<JwksResult>>();
  private readonly options: Required<Omit<JwksCacheOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(options: JwksCacheOptions = {}) {
    this.options = {
      timeoutMs: options.timeoutMs ?? 5_000,
      maxBytes: options.maxBytes ?? 64 * 1024,
      defaultMaxAgeSeconds: options.defaultMaxAgeSeconds ?? 300,
      maxMaxAgeSeconds: options.maxMaxAgeSeconds ?? 86_400,
      refetchCooldownMs: options.refetchCooldownMs ?? 10_000,
      maxEntries: options.maxEntries ?? 1_000,
      now: options.now ?? Date.now,
      fetch: options.fetch ?? globalThis.fetch,
    };
  }

  /** The JWK Set at uri: the cached one while fresh, otherwise fetched anew (never served stale). */
  async get(uri: string): Promise<JwksResult> {
    const entry = this.entries.get(uri);
    if (entry && this.options.now() < entry.expiresAt) return { ok: true, jwks: entry.jwks };
    return this.fetchOnce(uri);
  }

  /**
   * Fetches uri again because a kid was not found (the client may have rotated its keys), unless it was
   * fetched within the cooldown; then reports that nothing new is available.
   */
  async refresh(uri: string): Promise<JwksResult> {
    const entry = this.entries.get(uri);
    if (entry && this.options.now() - entry.fetchedAt < this.options.refetchCooldownMs) {
      return { ok: false, reason: 'the JWK Set was fetched moments ago; not refetching yet' };
    }
    return this.fetchOnce(uri);
  }

  /** Concurrent requests for one URL share a single fetch. */
  private fetchOnce(uri: string): Promise<JwksResult> {
    let pending = this.inflight.get(uri);
    if (!pending) {
      pending = this.load(uri).finally(() => this.inflight.delete(uri));
      this.inflight.set(uri, pending);
    }
    return pending;
  }

  private async load(uri: string): Promise<JwksResult> {
    const { fetch, timeoutMs, maxBytes, defaultMaxAgeSeconds, maxMaxAgeSeconds, now } = this.options;
    const fetchedAt = now();
    let response: Response;
    try {
      // No redirects: the registered URL is the one the administrator vetted (and https must not become http).
      response = await fetch(uri, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      return { ok: false, reason: `the client's jwks_uri could not be fetched (${describe(err)})` };
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, reason: `the client's jwks_uri answered HTTP ${response.status}` };
    }
    const body = await readLimited(response, maxBytes);
    if (!body.ok) return body;
    let jwks: unknown;
    try {
      jwks = JSON.parse(body.text);
    } catch {
      return { ok: false, reason: "the client's jwks_uri did not return JSON" };
    }
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as JWKS).keys)) {
      return { ok: false, reason: "the client's jwks_uri did not return a JWK Set" };
    }
    const keys = ((jwks as JWKS).keys as unknown[]).filter((k): k is JWK => typeof k === 'object' && k !== null);
    const lifetime = freshnessSeconds(response.headers.get('cache-control'), response.headers.get('age'), defaultMaxAgeSeconds, maxMaxAgeSeconds);
    this.remember(uri, { jwks: { keys }, fetchedAt, expiresAt: fetchedAt + lifetime * 1000 });
    return { ok: true, jwks: { keys } };
  }

  private remember(uri: string, entry: Entry): void {
    // Re-inserting moves the URL to the end of the Map's order, which is what the eviction below relies on.
    this.entries.delete(uri);
    this.entries.set(uri, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const tooLarge = { ok: false as const, reason: `the client's JWK Set is larger than ${maxBytes} bytes` };
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return tooLarge;
  }
  if (!response.body) return { ok: true, text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return tooLarge;
      }
      chunks.push(value);
    }
  } catch (err) {
    return { ok: false, reason: `the client's jwks_uri could not be read (${describe(err)})` };
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

function describe(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out';
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return cause ?? (err instanceof Error ? err.message : String(err));
}
