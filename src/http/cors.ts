/**
 * CORS preflight for the FHIR API (browsers send OPTIONS before a cross-origin PUT, PATCH, DELETE or a
 * request with headers such as Authorization or If-Match). Any origin may call: access is governed by
 * tokens, not by origins. Simple requests get Access-Control-Allow-Origin from fhir-handler.ts.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestHeaders } from './headers.js';

export const API_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const DEFAULT_HEADERS = 'Accept, Authorization, Content-Type, If-Match, If-None-Match, If-Modified-Since, If-None-Exist, Prefer, X-Request-Id';

export function preflight(res: ServerResponse, h: RequestHeaders, common: OutgoingHttpHeaders): void {
  const headers: OutgoingHttpHeaders = { ...common, Allow: API_METHODS, 'Content-Length': 0 };
  if (h.origin !== undefined) {
    headers['Access-Control-Allow-Methods'] = API_METHODS;
    headers['Access-Control-Allow-Headers'] = h['access-control-request-headers'] ?? DEFAULT_HEADERS;
    headers['Access-Control-Max-Age'] = 86400;
    headers['Vary'] = 'Origin, Access-Control-Request-Headers';
  }
  res.writeHead(204, headers).end();
}
