/**
 * Writes a FhirResult (or an error) as an HTTP response: headers, Prefer, _pretty, media type and
 * compression. Headers go out in one writeHead call with the body, so a response costs one socket write.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { informational, OperationOutcomeError } from '../fhir/errors.js';
import type { FhirRequest, FhirResult } from '../interactions/types.js';
import { chooseEncoding, compress, COMPRESSION_THRESHOLD } from './compression.js';
import { returnPreference } from './dispatch.js';

/** How this request's responses are written. */
export interface ResponseOptions {
  mediaType: string;
  pretty: boolean;
  /** Headers every response to this request carries (X-Request-Id, CORS). */
  headers: OutgoingHttpHeaders;
  acceptEncoding?: string;
}

const DEFAULTS: ResponseOptions = { mediaType: 'application/fhir+json', pretty: false, headers: {} };

export function sendResult(res: ServerResponse, fhirReq: FhirRequest, result: FhirResult, out: ResponseOptions): void {
  const headers: OutgoingHttpHeaders = out.headers;
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
  } else if (result.json !== undefined && !out.pretty) {
    body = result.json;
  } else {
    const value = result.resource ?? (result.json !== undefined ? JSON.parse(result.json) : result.outcome);
    if (value !== undefined) body = JSON.stringify(value, null, out.pretty ? 2 : undefined);
  }
  writeBody(res, result.status, headers, body, out);
}

export function sendError(res: ServerResponse, err: OperationOutcomeError, out: ResponseOptions = DEFAULTS): void {
  const body = JSON.stringify(err.outcome, null, out.pretty ? 2 : undefined);
  writeBody(res, err.status, { ...out.headers, ...err.headers }, body, out);
}

function writeBody(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | undefined, out: ResponseOptions): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  headers['Content-Type'] = `${out.mediaType}; charset=utf-8`;
  const encoding = body.length >= COMPRESSION_THRESHOLD ? chooseEncoding(out.acceptEncoding) : undefined;
  if (body.length >= COMPRESSION_THRESHOLD) headers['Vary'] = 'Accept-Encoding';
  if (!encoding) {
    headers['Content-Length'] = Buffer.byteLength(body);
    res.writeHead(status, headers).end(body);
    return;
  }
  compress(Buffer.from(body, 'utf8'), encoding, (err, compressed) => {
    if (err) {
      // Compression failing is our fault, not the client's: send the body uncompressed.
      headers['Content-Length'] = Buffer.byteLength(body);
      res.writeHead(status, headers).end(body);
      return;
    }
    headers['Content-Encoding'] = encoding;
    headers['Content-Length'] = compressed.length;
    res.writeHead(status, headers).end(compressed);
  });
}
