/** Builds a Bundle response entry from an interaction's result (http.html#transaction-response). */
import type { BundleEntry, OperationOutcome, Resource } from '../../fhir/types.js';
import { OperationOutcomeError } from '../../fhir/errors.js';
import type { FhirResult } from '../types.js';

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 500: 'Internal Server Error',
};

export function statusText(status: number): string {
  return `${status} ${REASONS[status] ?? ''}`.trim();
}

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

export function responseEntry(result: FhirResult, baseUrl: string, prefer: ReturnPreference, alwaysBody: boolean): BundleEntry {
  const entry: BundleEntry = { response: { status: statusText(result.status) } };
  const h = result.headers ?? {};
  const location = h.location ?? h.contentLocation;
  if (location) entry.response!.location = location.startsWith(baseUrl + '/') ? location.slice(baseUrl.length + 1) : location;
  if (h.etag) entry.response!.etag = h.etag;
  if (h.lastModified) entry.response!.lastModified = new Date(h.lastModified).toISOString();
  const resource = result.resource ?? (result.json ? (JSON.parse(result.json) as Resource) : undefined);
  if (resource && (alwaysBody || prefer === 'representation')) {
    entry.resource = resource;
    if (resource.id && resource.resourceType !== 'Bundle') entry.fullUrl = `${baseUrl}/${resource.resourceType}/${resource.id}`;
  }
  if (result.outcome && (prefer === 'OperationOutcome' || !resource)) entry.response!.outcome = result.outcome;
  return entry;
}

export function errorEntry(err: OperationOutcomeError): BundleEntry {
  return { response: { status: statusText(err.status), outcome: err.outcome as OperationOutcome } };
}

/** Re-throws an entry's error with the entry named in every issue, so the client sees where it failed. */
export function atEntry(err: unknown, index: number): unknown {
  if (!(err instanceof OperationOutcomeError)) return err;
  const issues = err.outcome.issue.map((i) => ({
    ...i,
    diagnostics: `Bundle.entry[${index}]: ${i.diagnostics ?? i.code}`,
    expression: i.expression?.map((e) => (e.startsWith('Bundle.') ? e : `Bundle.entry[${index}].resource.${e}`)) ?? [`Bundle.entry[${index}]`],
  }));
  return new OperationOutcomeError(err.status, issues, err.headers);
}
