/**
 * Access control as the interactions see it: what the request's access token allows. The HTTP layer
 * builds it from the verified token (http/access-control.ts); interactions ask it before reading,
 * searching or writing. An InteractionContext without one is unrestricted (auth off, or Qiao's own work).
 *
 * Why rules rather than yes/no answers: a patient/ scope or a `?param=value` restriction allows a type
 * only for some of its resources, so the interactions turn a rule into a search filter (access-filter.ts)
 * that the store applies to matches, counts, includes and to the resources a write leaves behind.
 */
import { OperationOutcomeError, issue } from '../fhir/errors.js';

/** SMART's permission letters: create, read (also vread, instance history), update (also patch), delete, search. */
export type AccessInteraction = 'c' | 'r' | 'u' | 'd' | 's';

/** One way a resource may be reached: inside `patient`'s compartment when set, matching every [param, value]. */
export interface AccessPath {
  readonly patient?: string;
  readonly restriction: readonly (readonly [param: string, value: string])[];
}

export type AccessRule =
  | { readonly kind: 'denied' }
  /** Every resource of the type (a user/ or system/ scope without restriction). */
  | { readonly kind: 'unrestricted'; readonly level: 'user' | 'system' }
  /** Only resources on at least one of these paths. */
  | { readonly kind: 'filtered'; readonly anyOf: readonly AccessPath[] };

export interface AccessControl {
  /** The verified token's identity, for messages and audit: never the token itself. */
  readonly clientId: string;
  readonly subject: string;
  readonly fhirUser?: string;
  /** The launch patient, for patient/ scopes. */
  readonly patient?: string;
  /** The token's id (`jti`), recorded by audit in place of the token. */
  readonly jti?: string;
  /** What the token allows for `interaction` on resources of the concrete `type`, every scope level counted. */
  rule(type: string, interaction: AccessInteraction): AccessRule;
}

const NAMES: Record<AccessInteraction, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

/**
 * 403 (http.html: authenticated but not allowed). The message names the type and the interaction, so a
 * client can tell which scope it lacks; it never repeats the token.
 */
export function forbidden(message: string): OperationOutcomeError {
  return new OperationOutcomeError(403, [issue('error', 'forbidden', message)]);
}

export function forbiddenInteraction(type: string, interaction: AccessInteraction, detail = ''): OperationOutcomeError {
  return forbidden(`The access token does not allow ${NAMES[interaction]} of ${type}${detail}`);
}
