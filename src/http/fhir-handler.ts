/**
 * The FHIR API handler on Node's own request/response types: negotiation, request parsing, dispatch,
 * response, and errors as OperationOutcome. Both the lean path (no body) and express (bodies, gzip,
 * CORS preflight) end here, so there is one implementation of the API's HTTP semantics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { issue, OperationOutcomeError } from '../fhir/errors.js';
import type { InteractionContext } from '../interactions/types.js';
import type { ResourceStore } from '../store/store.js';
import { dispatch } from './dispatch.js';
import { pickHeaders, type RequestHeaders } from './headers.js';
import { responseType } from './negotiation.js';
import { parseUrl, toFhirRequest } from './request.js';
import { sendError, sendResult } from './respond.js';

export const FHIR_PATH = '/fhir';

export const EXPOSED_HEADERS = 'ETag, Location, Content-Location, Last-Modified, X-Request-Id, Preference-Applied';

export interface FhirHandlerOptions {
  store: ResourceStore;
  /** Public base URL of the FHIR API; derived from each request's Host when absent. */
  baseUrl?: string;
  logger: Logger;
}

export type FhirHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => Promise<void>;

export function createFhirHandler(options: FhirHandlerOptions): FhirHandler {
  const { store, logger } = options;
  const write: InteractionContext['write'] = (fn) => store.transaction(fn);

  return async (req, res, body) => {
    const headers = pickHeaders(req.rawHeaders);
    // Behind express the common headers are set already; on the lean path they go out with writeHead.
    const common = res.hasHeader('X-Request-Id') ? {} : commonHeaders(headers);
    let mediaType = 'application/fhir+json';
    let pretty = false;
    try {
      // express rewrites req.url below its mount point and keeps the full URL as originalUrl.
      const full = (req as { originalUrl?: string }).originalUrl ?? req.url!;
      const url = parseUrl(full.slice(FHIR_PATH.length));
      pretty = url.pretty;
      mediaType = responseType(url.format, headers.accept);
      const fhirReq = toFhirRequest(req.method!, url, headers, body);
      const baseUrl = options.baseUrl ?? `http://${headers.host ?? 'localhost'}${FHIR_PATH}`;
      const ctx: InteractionContext = { reader: store, write, baseUrl, dispatch, inTransaction: false };
      const result = await dispatch(fhirReq, ctx);
      sendResult(res, fhirReq, result, mediaType, pretty, common);
    } catch (err) {
      if (err instanceof OperationOutcomeError) return sendError(res, err, mediaType, pretty, common);
      const requestId = common['X-Request-Id'] ?? res.getHeader('X-Request-Id');
      logger.error({ err: errorSummary(err), requestId }, 'internal error');
      sendError(res, internalError(requestId), mediaType, false, common);
    }
  };
}

/** X-Request-Id (echoed when the client sent a sane one), and CORS for browsers (requests with an Origin). */
export function commonHeaders(headers: RequestHeaders): Record<string, string> {
  const incoming = headers['x-request-id'];
  const out: Record<string, string> = { 'X-Request-Id': incoming !== undefined && /^[\w\-.]{1,128}$/.test(incoming) ? incoming : randomUUID() };
  if (headers.origin !== undefined) {
    out['Access-Control-Allow-Origin'] = '*';
    out['Access-Control-Expose-Headers'] = EXPOSED_HEADERS;
  }
  return out;
}

/** For the express path: the common headers set on the response before any middleware answers. */
export function setCommonHeaders(headers: RequestHeaders, res: ServerResponse): void {
  for (const [name, value] of Object.entries(commonHeaders(headers))) res.setHeader(name, value);
}

export function internalError(requestId: unknown): OperationOutcomeError {
  return new OperationOutcomeError(500, [issue('fatal', 'exception', `Internal server error (request ${String(requestId)})`)]);
}

/** What is logged of an unexpected error: its kind and code location, never request data. */
export function errorSummary(err: unknown) {
  const e = err as Error;
  return { name: e?.name, message: e?.message, stack: e?.stack };
}
