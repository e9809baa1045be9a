/**
 * Errors of the query parser. Every problem with one parameter is a 400 whose diagnostics name the
 * parameter (as written, with modifiers and chain) and whose expression is that name, so the client
 * can tell which part of its query to fix.
 */
import { badRequest, notSupported, type OperationOutcomeError } from '../../fhir/errors.js';

export function invalidParam(name: string, problem: string): OperationOutcomeError {
  return badRequest(`Search parameter '${name}': ${problem}`, name);
}

export function unsupportedParam(name: string, problem: string): OperationOutcomeError {
  return notSupported(`Search parameter '${name}': ${problem}`, name);
}
