/** Turns an express request into the FhirRequest the interactions speak. */
import type { Request } from 'express';
import { badRequest } from '../fhir/errors.js';
import type { FhirRequest } from '../interactions/types.js';
import { requestType } from './negotiation.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Parameters that control the response format, not the interaction. */
const FORMAT_PARAMS = new Set(['_format', '_pretty']);

export function toFhirRequest(req: Request): FhirRequest {
  if (!METHODS.has(req.method)) throw badRequest(`HTTP method ${req.method} is not part of the FHIR API`);
  const url = req.url;
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  let path: string[];
  try {
    path = rawPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest('The request URL is not validly percent-encoded');
  }
  const query: [string, string][] = [];
  if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) if (!FORMAT_PARAMS.has(k)) query.push([k, v]);
  const h = req.headers;
  const fhirReq: FhirRequest = {
    method: req.method as FhirRequest['method'],
    path,
    query,
    headers: {
      ifMatch: header(h['if-match']),
      ifNoneMatch: header(h['if-none-match']),
      ifModifiedSince: header(h['if-modified-since']),
      ifNoneExist: header(h['if-none-exist']),
      contentType: header(h['content-type']),
      prefer: header(h.prefer),
    },
  };
  const body = req.body as Buffer | undefined;
  if (Buffer.isBuffer(body) && body.length > 0) {
    const type = requestType(h['content-type'], req.method);
    if (type === 'application/x-www-form-urlencoded') {
      // POST [type]/_search carries its parameters as a form (search.html#Introduction).
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) query.push([k, v]);
    } else {
      fhirReq.body = parseJson(body);
    }
  } else if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
    const searching = path[path.length - 1] === '_search' || path[path.length - 1]?.startsWith('$');
    if (!searching) throw badRequest(`${req.method} needs a request body`);
  }
  return fhirReq;
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`The body is not valid JSON: ${(err as Error).message}`);
  }
}
