/**
 * The one error type of Qiao. Every layer throws an OperationOutcomeError; the HTTP layer's single
 * error handler turns it into a response (http.html: errors are reported as OperationOutcome).
 */
import type { OperationOutcome, OperationOutcomeIssue } from './types.js';

export type IssueSeverity = OperationOutcomeIssue['severity'];
export type IssueCode = OperationOutcomeIssue['code'];

export class OperationOutcomeError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;
  /** Extra response headers the error implies (e.g. Allow on 405, WWW-Authenticate on 401). */
  readonly headers: Record<string, string>;

  constructor(status: number, issues: OperationOutcomeIssue[], headers: Record<string, string> = {}) {
    super(issues.map((i) => i.diagnostics ?? i.code).join('; '));
    this.name = 'OperationOutcomeError';
    this.status = status;
    this.outcome = { resourceType: 'OperationOutcome', issue: issues };
    this.headers = headers;
  }
}

export function issue(
  severity: IssueSeverity,
  code: IssueCode,
  diagnostics: string,
  expression?: string | string[],
): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = { severity, code, diagnostics };
  if (expression !== undefined) out.expression = Array.isArray(expression) ? expression : [expression];
  return out;
}

function single(status: number, code: IssueCode, msg: string, expression?: string | string[]) {
  return new OperationOutcomeError(status, [issue('error', code, msg, expression)]);
}

export const badRequest = (msg: string, expression?: string | string[]) => single(400, 'invalid', msg, expression);
export const notSupported = (msg: string, expression?: string | string[]) => single(400, 'not-supported', msg, expression);
export const notFound = (msg: string) => single(404, 'not-found', msg);
export const gone = (msg: string) => single(410, 'deleted', msg);
export const conflict = (msg: string) => single(409, 'conflict', msg);
export const preconditionFailed = (msg: string) => single(412, 'conflict', msg);
export const tooLarge = (msg: string) => single(413, 'too-costly', msg);
export const unsupportedMediaType = (msg: string) => single(415, 'not-supported', msg);
export const notAcceptable = (msg: string) => single(406, 'not-supported', msg);
export const unprocessable = (issues: OperationOutcomeIssue[]) => new OperationOutcomeError(422, issues);
export const methodNotAllowed = (msg: string, allow: string[]) =>
  new OperationOutcomeError(405, [issue('error', 'not-supported', msg)], { Allow: allow.join(', ') });

export function informational(msg: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [issue('information', 'informational', msg)] };
}
