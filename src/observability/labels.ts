/**
 * Bounded label values for metrics and log fields. Whatever comes from a request (a path segment, an
 * operation code, an OAuth error code) is kept only when it is one of a known, fixed set: an unknown
 * value would be a new time series for every distinct request (a memory leak in the registry) and could
 * carry patient data into metrics and logs (GET /fhir/Wang-Wei-1970 is a 404 that names someone).
 */
import { definitions } from '../fhir/definitions.js';
import { OPERATIONS } from '../operations/registry.js';

let resourceTypes: Set<string> | undefined;

/** A FHIR R4 resource type as it is, anything else 'other'; none ''. */
export function resourceTypeLabel(type: string | undefined): string {
  if (type === undefined) return '';
  resourceTypes ??= new Set(definitions().resourceTypes());
  return resourceTypes.has(type) ? type : 'other';
}

const OPERATION_CODES = new Set(OPERATIONS.map((op) => op.definition.code));

/** An operation Qiao offers, by its code; anything else 'other'. */
export function operationLabel(code: string | undefined): string {
  if (code === undefined) return '';
  return OPERATION_CODES.has(code) ? code : 'other';
}

/** The error codes of RFC 6749 §5.2, RFC 7009 and RFC 6750 §3.1 an authorization endpoint answers with. */
const OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'unsupported_token_type',
  'invalid_token',
  'insufficient_scope',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
]);

export function oauthErrorLabel(code: unknown): string {
  return typeof code === 'string' && OAUTH_ERRORS.has(code) ? code : 'other';
}

/** An HTTP status as a number string ('200', '404'); out of range 'other'. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status < 600 ? String(status) : 'other';
}
