/** Writes a FhirResult (or an error) as an HTTP response: headers, Prefer, _pretty, media type. */
import type { Request, Response } from 'express';
import { informational, OperationOutcomeError } from '../fhir/errors.js';
import type { FhirRequest, FhirResult } from '../interactions/types.js';
import { returnPreference } from './dispatch.js';

export function sendResult(req: Request, res: Response, fhirReq: FhirRequest, result: FhirResult, mediaType: string): void {
  const h = result.headers ?? {};
  if (h.etag) res.setHeader('ETag', h.etag);
  if (h.lastModified) res.setHeader('Last-Modified', h.lastModified);
  if (h.location) res.setHeader('Location', h.location);
  if (h.contentLocation) res.setHeader('Content-Location', h.contentLocation);
  res.status(result.status);
  if (result.status === 304) {
    res.end();
    return;
  }
  let body: string | undefined;
  const isWrite = (fhirReq.method === 'POST' && fhirReq.path.length === 1) || fhirReq.method === 'PUT' || fhirReq.method === 'PATCH';
  const stated = isWrite ? returnPreference(fhirReq.headers.prefer) : undefined;
  const prefer = stated ?? 'representation';
  if (stated) res.setHeader('Preference-Applied', `return=${stated}`);
  if (prefer === 'minimal') {
    body = undefined;
  } else if (prefer === 'OperationOutcome') {
    body = JSON.stringify(result.outcome ?? informational(`Done: status ${result.status}`));
  } else if (result.json !== undefined && !req.query._pretty) {
    body = result.json;
  } else {
    const value = result.resource ?? (result.json !== undefined ? JSON.parse(result.json) : result.outcome);
    if (value !== undefined) body = JSON.stringify(value, null, req.query._pretty === 'true' ? 2 : undefined);
  }
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', `${mediaType}; charset=utf-8`);
  res.end(body);
}

export function sendError(req: Request, res: Response, err: OperationOutcomeError, mediaType = 'application/fhir+json'): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.status(err.status);
  res.setHeader('Content-Type', `${mediaType}; charset=utf-8`);
  res.end(JSON.stringify(err.outcome, null, req.query?._pretty === 'true' ? 2 : undefined));
}
