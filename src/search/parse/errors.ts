/**
 * Errors of the query parser. Every problem with one parameter is a 400 whose diagnostics name the
 * parameter (as written, with modifiers and chain) and whose expression is that name, so the client
 * can tell which part of its query to fix.
 */
import { badRequest, notSupported, OperationOutcomeError } from '../../fhir/errors.js';

export function invalidParam(name: string, problem: string): OperationOutcomeError {
  return badRequest(`Search parameter '${name}': ${problem}`, name);
}

export function unsupportedParam(name: string, problem: string): OperationOutcomeError {
  return notSupported(`Search parameter '${name}': ${problem}`, name);
}

/**
 * An error about a part of a parameter (the inner name of a `_has`) restated about the whole
 * parameter as written, so that the expression points at what the client sent.
 */
export function withinParam(name: string, err: unknown): unknown {
  if (!(err instanceof OperationOutcomeError)) return err;
  const issues = err.outcome.issue.map((i) => ({
    ...i,
    diagnostics: `Search parameter '${name}', in ${(i.diagnostics ?? i.code).replace(/^Search parameter /, '')}`,
    expression: [name],
  }));
  return new OperationOutcomeError(err.status, issues, err.headers);
}
