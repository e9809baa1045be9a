/** Turns a Bundle entry's `request` (and `resource`) into the FhirRequest the interactions speak. */
import { badRequest } from '../../fhir/errors.js';
import type { BundleEntry } from '../../fhir/types.js';
import { isRecord } from '../../fhir/types.js';
import type { FhirRequest } from '../types.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function entryRequest(entry: BundleEntry, index: number, baseUrl: string): FhirRequest {
  const where = `Bundle.entry[${index}].request`;
  const request = entry.request;
  if (!isRecord(request)) throw badRequest(`Entry ${index} has no request`, where);
  if (typeof request.method !== 'string' || !METHODS.has(request.method)) {
    throw badRequest(`Entry ${index} has an invalid request.method '${String(request.method)}'`, `${where}.method`);
  }
  if (typeof request.url !== 'string' || request.url === '') throw badRequest(`Entry ${index} has no request.url`, `${where}.url`);
  const { path, query } = parseRelativeUrl(request.url, baseUrl, `${where}.url`);
  const method = request.method as FhirRequest['method'];
  const req: FhirRequest = { method, path, query, headers: {} };
  if (request.ifMatch) req.headers.ifMatch = request.ifMatch;
  if (request.ifNoneMatch) req.headers.ifNoneMatch = request.ifNoneMatch;
  if (request.ifModifiedSince) req.headers.ifModifiedSince = request.ifModifiedSince;
  if (request.ifNoneExist) req.headers.ifNoneExist = request.ifNoneExist;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    if (entry.resource === undefined) throw badRequest(`Entry ${index} (${method}) has no resource`, `Bundle.entry[${index}].resource`);
    req.body = entry.resource;
    // A PATCH entry carries either a Binary with a JSON Patch or a Parameters resource (FHIRPath Patch).
    req.headers.contentType = patchContentType(entry);
  }
  return req;
}

function patchContentType(entry: BundleEntry): string {
  const r = entry.resource as { resourceType?: string; contentType?: string; data?: string };
  if (entry.request?.method === 'PATCH' && r.resourceType === 'Binary') return 'application/json-patch+json';
  return 'application/fhir+json';
}

/** Splits `Patient/1?x=y` (or an absolute URL on our own base) into decoded path segments and query. */
export function parseRelativeUrl(url: string, baseUrl: string, expression: string): Pick<FhirRequest, 'path' | 'query'> {
  let rest = url;
  if (rest.startsWith(baseUrl + '/')) rest = rest.slice(baseUrl.length + 1);
  else if (/^[a-z]+:/i.test(rest)) throw badRequest(`request.url '${url.slice(0, 200)}' is not on this server's base ${baseUrl}`, expression);
  rest = rest.replace(/^\//, '');
  const q = rest.indexOf('?');
  const pathPart = q < 0 ? rest : rest.slice(0, q);
  const query: [string, string][] = q < 0 ? [] : [...new URLSearchParams(rest.slice(q + 1))];
  let path: string[];
  try {
    path = pathPart === '' ? [] : pathPart.split('/').map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest(`request.url '${url.slice(0, 200)}' is not a valid URL`, expression);
  }
  return { path, query };
}
