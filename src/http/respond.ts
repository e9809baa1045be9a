/**
 * Writes a FhirResult (or an error) as an HTTP response: headers, Prefer, _pretty, media type.
 * Headers go out in one writeHead call with the body, so a response costs one socket write.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { informational, OperationOutcomeError } from '../fhir/errors.js';
import type { FhirRequest, FhirResult } from '../interactions/types.js';
import { returnPreference } from './dispatch.js';

/** `common`: headers every response of this request carries (X-Request-Id, CORS), sent with the rest. */
export function sendResult(res: ServerResponse, fhirReq: FhirRequest, result: FhirResult, mediaType: string, pretty: boolean, common: OutgoingHttpHeaders = {}): void {
  const headers: OutgoingHttpHeaders = common;
  const h = result.headers ?? {};
  if (h.etag) headers['ETag'] = h.etag;
  if (h.lastModified) headers['Last-Modified'] = h.lastModified;
  if (h.location) headers['Location'] = h.location;
  if (h.contentLocation) headers['Content-Location'] = h.contentLocation;
  if (result.status === 304) {
    res.writeHead(304, headers).end();
    return;
  }
  let body: string | undefined;
  const isWrite = (fhirReq.method === 'POST' && fhirReq.path.length === 1) || fhirReq.method === 'PUT' || fhirReq.method === 'PATCH';
  const stated = isWrite ? returnPreference(fhirReq.headers.prefer) : undefined;
  const prefer = stated ?? 'representation';
  if (stated) headers['Preference-Applied'] = `return=${stated}`;
  if (prefer === 'minimal') {
    body = undefined;
  } else if (prefer === 'OperationOutcome') {
    body = JSON.stringify(result.outcome ?? informational(`Done: status ${result.status}`));
  } else if (result.json !== undefined && !pretty) {
    body = result.json;
  } else {
    const value = result.resource ?? (result.json !== undefined ? JSON.parse(result.json) : result.outcome);
    if (value !== undefined) body = JSON.stringify(value, null, pretty ? 2 : undefined);
  }
  writeBody(res, result.status, headers, body, mediaType);
}

export function sendError(res: ServerResponse, err: OperationOutcomeError, mediaType = 'application/fhir+json', pretty = false, common: OutgoingHttpHeaders = {}): void {
  writeBody(res, err.status, { ...common, ...err.headers }, JSON.stringify(err.outcome, null, pretty ? 2 : undefined), mediaType);
}

function writeBody(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | undefined, mediaType: string): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  headers['Content-Type'] = `${mediaType}; charset=utf-8`;
  headers['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, headers).end(body);
}
