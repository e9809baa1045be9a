/**
 * Audit retention: when configured, AuditEvents stored more than N days ago are removed with all their
 * versions and index rows, at start and then every hour. Off by default: audit trails are kept until a
 * hospital's policy says otherwise.
 */
import type { ResourceStore } from '../store/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const EVERY_MS = 60 * 60 * 1000;

/** Removes AuditEvents older than `days` days; returns how many. */
export function pruneAuditEvents(store: Pick<ResourceStore, 'purgeBefore'>, days: number, now = Date.now()): Promise<number> {
  return store.purgeBefore('AuditEvent', new Date(now - days * DAY_MS).toISOString());
}

export function startRetention(store: Pick<ResourceStore, 'purgeBefore'>, days: number, onError: (err: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const prune = () => (running = pruneAuditEvents(store, days).catch(onError));
  prune();
  const timer = setInterval(prune, EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
