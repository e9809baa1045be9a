/** Shared helpers for the HTTP and end-to-end suites: an in-process server on an ephemeral port, and OperationOutcome checks. */
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../../src/main.js';
import type { ServeConfig } from '../../src/config.js';
import { CONTRACT_ON_PG, dropPgSchema, freshPgDatabase } from './postgres.js';

export const FHIR_JSON = 'application/fhir+json';

/**
 * Starts Qiao on 127.0.0.1, an ephemeral port and an empty database, with logging and auth off (the
 * suites that test access control start theirs with auth on, test/helpers/auth.ts): in-memory
 * SQLite, or — in the PostgreSQL run of the contract suite (vitest.config.ts) — a schema of its own,
 * dropped on close.
 */
export async function startTestServer(options: Partial<ServeConfig> = {}): Promise<RunningServer> {
  if (!CONTRACT_ON_PG || options.db !== undefined) {
    return startServer({ port: 0, host: '127.0.0.1', db: 'sqlite::memory:', logLevel: 'silent', auth: 'off', ...options });
  }
  const { url, schema } = freshPgDatabase();
  const server = await startServer({ port: 0, host: '127.0.0.1', db: url, logLevel: 'silent', auth: 'off', ...options });
  const close = server.close;
  return { ...server, close: () => close().then(() => dropPgSchema(schema)) };
}

export interface IssueExpectation {
  severity?: string;
  code?: string;
  /** Something the diagnostics must mention. */
  diagnostics?: RegExp;
  /** An expression the issue must carry. */
  expression?: string;
}

interface Issue {
  severity?: string;
  code?: string;
  diagnostics?: string;
  expression?: string[];
}

/** Asserts the body is an OperationOutcome with an issue matching every given field; returns that issue. */
export function expectOutcome(body: unknown, want: IssueExpectation = {}): Issue {
  expect(body).toMatchObject({ resourceType: 'OperationOutcome' });
  const issues = (body as { issue?: Issue[] }).issue ?? [];
  expect(issues.length).toBeGreaterThan(0);
  const severity = want.severity ?? 'error';
  const match = issues.find(
    (i) =>
      i.severity === severity &&
      (want.code === undefined || i.code === want.code) &&
      (want.diagnostics === undefined || want.diagnostics.test(i.diagnostics ?? '')) &&
      (want.expression === undefined || (i.expression ?? []).includes(want.expression)),
  );
  expect(match, `no issue matching ${JSON.stringify({ ...want, severity, diagnostics: want.diagnostics?.source })} in ${JSON.stringify(issues)}`).toBeDefined();
  return match!;
}

/** Asserts a response body is never a stack trace or an internal error leak. */
export function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at\s|at .*\.(ts|js):\d+|node_modules/);
}

export function patient(family = 'Li', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceType: 'Patient', name: [{ family }], ...extra };
}
