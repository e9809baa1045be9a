/** Turns a raw HTTP request (method, URL below the FHIR base, headers, body) into a FhirRequest. */
import { badRequest } from '../fhir/errors.js';
import type { FhirRequest } from '../interactions/types.js';
import type { RequestHeaders } from './headers.js';
import { requestType } from './negotiation.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** The parts of a URL below the FHIR base, with the response-format parameters taken apart. */
export interface ParsedUrl {
  path: string[];
  query: [string, string][];
  format?: string;
  pretty: boolean;
}

export function parseUrl(url: string): ParsedUrl {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  let path: string[];
  try {
    path = rawPath.split('/').filter((s) => s !== '');
    // Most paths carry no escapes; decoding is only needed when one does.
    if (rawPath.includes('%')) path = path.map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest('The request URL is not validly percent-encoded');
  }
  const parsed: ParsedUrl = { path, query: [], pretty: false };
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
      // _format and _pretty shape the response, not the interaction; a repeated one: the first counts.
      if (k === '_format') parsed.format ??= v;
      else if (k === '_pretty') parsed.pretty = v === 'true';
      else parsed.query.push([k, v]);
    }
  }
  return parsed;
}

export function toFhirRequest(method: string, url: ParsedUrl, h: RequestHeaders, body: Buffer | undefined): FhirRequest {
  if (!METHODS.has(method)) throw badRequest(`HTTP method ${method} is not part of the FHIR API`);
  const { path } = url;
  const query = url.query;
  const fhirReq: FhirRequest = {
    method: method as FhirRequest['method'],
    path,
    query,
    headers: {
      ifMatch: h['if-match'],
      ifNoneMatch: h['if-none-match'],
      ifModifiedSince: h['if-modified-since'],
      ifNoneExist: h['if-none-exist'],
      contentType: h['content-type'],
      prefer: h.prefer,
    },
    body: undefined, // present from the start: one hidden class for every request
  };
  if (body && body.length > 0) {
    const type = requestType(h['content-type'], method);
    if (type === 'application/x-www-form-urlencoded') {
      // POST [type]/_search carries its parameters as a form (search.html#Introduction).
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) query.push([k, v]);
    } else {
      fhirReq.body = parseJson(body);
    }
  } else if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const searching = path[path.length - 1] === '_search' || path[path.length - 1]?.startsWith('$');
    if (!searching) throw badRequest(`${method} needs a request body`);
  }
  return fhirReq;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`The body is not valid JSON: ${(err as Error).message}`);
  }
}
