/** Reading the audit trail in tests: every AuditEvent in a store, and waiting for the queue to write them. */
import type { ResourceStore } from '../../src/store/store.js';

export type AuditEventJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function allAuditEvents(store: ResourceStore): Promise<AuditEventJson[]> {
  const out: AuditEventJson[] = [];
  let cursor: number | undefined;
  for (;;) {
    const page = await store.history({ type: 'AuditEvent', count: 1000, cursor });
    for (const v of page.versions) if (v.json) out.push(JSON.parse(v.json));
    if (page.next === undefined) return out;
    cursor = page.next;
  }
}

/** The X-Request-Id an AuditEvent records. */
export function requestIdOf(e: AuditEventJson): string | undefined {
  return e.entity?.find((x: AuditEventJson) => x.type?.code === 'XrequestId')?.what?.identifier?.value;
}

export function subtypeOf(e: AuditEventJson): string | undefined {
  return e.subtype?.[0]?.code;
}

/** The AuditEvents whose request id starts with `prefix`, once at least `atLeast` are there (the queue flushes every 100 ms). */
export async function auditEventsFor(store: ResourceStore, prefix: string, atLeast = 1, timeoutMs = 5000): Promise<AuditEventJson[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await allAuditEvents(store)).filter((e) => requestIdOf(e)?.startsWith(prefix));
    if (found.length >= atLeast || Date.now() > until) {
      // A little longer, so that a test counting exactly also sees any extra ones.
      await new Promise((r) => setTimeout(r, 250));
      return (await allAuditEvents(store)).filter((e) => requestIdOf(e)?.startsWith(prefix));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
