/**
 * Readiness (GET /readyz): the database answers and its schema is the version this code knows. The
 * reason given is a fixed phrase: the error itself (a connection string, a SQL message) stays in the log.
 */
import type { ResourceStore } from '../store/store.js';
import { SchemaBehindError, SchemaTooNewError } from '../store/sql/schema-version.js';

export type Readiness = { ready: true } | { ready: false; reason: string; error?: unknown };

/** Longer than any healthy ping; short enough for a load balancer's probe (an unreachable PostgreSQL host can hang a connect). */
export const READINESS_TIMEOUT_MS = 2000;

export async function readiness(store: Pick<ResourceStore, 'ping'>, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const answer = await Promise.race([store.ping().then(() => 'ok' as const), timeout]);
    if (answer === 'timeout') return { ready: false, reason: 'the database did not answer in time' };
    return { ready: true };
  } catch (error) {
    if (error instanceof SchemaBehindError) return { ready: false, reason: 'the database schema is older than this server: run qiao migrate', error };
    if (error instanceof SchemaTooNewError) return { ready: false, reason: 'the database schema is newer than this server: upgrade Qiao', error };
    return { ready: false, reason: 'the database is unreachable', error };
  } finally {
    clearTimeout(timer);
  }
}
