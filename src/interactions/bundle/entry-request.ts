/** Turns a Bundle entry's `request` (and `resource`) into the FhirRequest the interactions speak. */
import { badRequest } from '../../fhir/errors.js';
import type { BundleEntry } from '../../fhir/types.js';
import { isRecord } from '../../fhir/types.js';
import type { FhirRequest } from '../types.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function entryRequest(entry: BundleEntry, index: number, baseUrl: string): FhirRequest {
  const where = `Bundle.entry[${index}].request`;
  if (!isRecord(entry)) throw badRequest(`Entry ${index} is not an object`, `Bundle.entry[${index}]`);
  const request = entry.request;
  if (!isRecord(request)) throw badRequest(`Entry ${index} has no request`, where);
  if (typeof request.method !== 'string' || !METHODS.has(request.method)) {
    throw badRequest(`Entry ${index} has an invalid request.method '${String(request.method)}'`, `${where}.method`);
  }
  if (typeof request.url !== 'string' || request.url === '') throw badRequest(`Entry ${index} has no request.url`, `${where}.url`);
  const { path, query } = parseRelativeUrl(request.url, baseUrl, `${where}.url`);
  const method = request.method as FhirRequest['method'];
  const req: FhirRequest = { method, path, query, headers: {} };
  for (const name of ['ifMatch', 'ifNoneMatch', 'ifModifiedSince', 'ifNoneExist'] as const) {
    const value: unknown = request[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw badRequest(`Entry ${index} has a request.${name} that is not a string`, `${where}.${name}`);
    req.headers[name] = value;
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    if (!isRecord(entry.resource)) throw badRequest(`Entry ${index} (${method}) has no resource`, `Bundle.entry[${index}].resource`);
    req.body = entry.resource;
    // A PATCH entry carries either a Binary with a JSON Patch or a Parameters resource (FHIRPath Patch).
    req.headers.contentType = patchContentType(entry);
    if (req.headers.contentType === 'application/json-patch+json') req.body = binaryJson(entry.resource as { data?: unknown }, index);
  }
  return req;
}

/** The JSON Patch document a PATCH entry's Binary carries base64-encoded in Binary.data (http.html#patch). */
function binaryJson(binary: { data?: unknown }, index: number): unknown {
  const expression = `Bundle.entry[${index}].resource.data`;
  if (typeof binary.data !== 'string') throw badRequest(`Entry ${index} (PATCH) has a Binary without data`, expression);
  try {
    return JSON.parse(Buffer.from(binary.data, 'base64').toString('utf8'));
  } catch {
    throw badRequest(`Entry ${index} (PATCH): Binary.data is not base64-encoded JSON`, expression);
  }
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
