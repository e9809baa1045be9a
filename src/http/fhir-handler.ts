/**
 * The FHIR API handler, on Node's own request and response types: body, negotiation, request parsing,
 * dispatch, response, CORS, and errors as OperationOutcome. Every request below the FHIR base comes
 * here without passing through express (see compression.ts for why).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { issue, OperationOutcomeError } from '../fhir/errors.js';
import type { InteractionContext } from '../interactions/types.js';
import type { ResourceStore } from '../store/store.js';
import { accessControlFor } from './access-control.js';
import { FHIR_PATH, fhirBaseFor } from './base-url.js';
import { announcesBody, readBody } from './body.js';
import { preflight } from './cors.js';
import { dispatch } from './dispatch.js';
import { pickHeaders, type RequestHeaders } from './headers.js';
import { responseType } from './negotiation.js';
import { parseUrl, toFhirRequest } from './request.js';
import { sendError, sendResult, type ResponseOptions } from './respond.js';
import { isSmartConfiguration, openEndpoint, type FhirSecurity } from './security.js';

export { FHIR_PATH } from './base-url.js';

export const EXPOSED_HEADERS = 'ETag, Location, Content-Location, Last-Modified, X-Request-Id, Preference-Applied';

export interface FhirHandlerOptions {
  store: ResourceStore;
  /** Public base URL of the FHIR API; derived from each request's Host when absent. */
  baseUrl?: string;
  /** Largest accepted request body, in bytes (after inflating a compressed one). */
  bodyLimit: number;
  logger: Logger;
  /** How requests are authorized; absent means open access (auth off). */
  security?: FhirSecurity;
}

export type FhirHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Whether a request URL is below the FHIR base. */
export function isFhirUrl(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(FHIR_PATH) && (url.length === FHIR_PATH.length || url[FHIR_PATH.length] === '/' || url[FHIR_PATH.length] === '?');
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export function createFhirHandler(options: FhirHandlerOptions): FhirHandler {
  const { store, logger, bodyLimit, security } = options;
  const write: InteractionContext['write'] = (fn) => store.transaction(fn);
  let warnedOpen = false;

  return async (req, res) => {
    const headers = pickHeaders(req.rawHeaders);
    const out: ResponseOptions = { mediaType: 'application/fhir+json', pretty: false, headers: commonHeaders(headers), acceptEncoding: headers['accept-encoding'] };
    try {
      const method = req.method!;
      if (method === 'OPTIONS') return preflight(res, headers, out.headers);
      const url = parseUrl(req.url!.slice(FHIR_PATH.length));
      out.pretty = url.pretty;
      // The SMART configuration is always JSON, whatever Accept or _format say (conformance.html).
      out.mediaType = isSmartConfiguration(url.path) ? 'application/json' : responseType(url.format, headers.accept);
      // Bodies of other methods have no meaning in FHIR; Node discards them unread.
      const body = WITH_BODY.has(method) && announcesBody(headers) ? await readBody(req, headers, bodyLimit) : undefined;
      const fhirReq = toFhirRequest(method, url, headers, body);
      const baseUrl = fhirBaseFor(options.baseUrl, headers.host);
      const ctx: InteractionContext = { reader: store, write, baseUrl, dispatch, inTransaction: false, maintenance: store };
      const open = security ? openEndpoint(security, fhirReq, baseUrl) : undefined;
      if (open) {
        out.headers['Access-Control-Allow-Origin'] = '*';
        return sendResult(res, fhirReq, await open.run(() => dispatch(fhirReq, ctx)), out);
      }
      if (!security && !warnedOpen) {
        warnedOpen = true;
        logger.warn(OPEN_ACCESS_WARNING);
      }
      if (security?.verifier) ctx.access = accessControlFor(await security.verifier.verify(headers.authorization, baseUrl));
      const result = await dispatch(fhirReq, ctx);
      sendResult(res, fhirReq, result, out);
    } catch (err) {
      if (err instanceof OperationOutcomeError) return sendError(res, err, out);
      const requestId = out.headers['X-Request-Id'];
      logger.error({ err: errorSummary(err), requestId }, 'internal error');
      sendError(res, internalError(requestId), { ...out, pretty: false });
    }
  };
}

export const OPEN_ACCESS_WARNING =
  'AUTH IS OFF: this request and every other is served WITHOUT any access control. Use --auth off only for local experiments, never with real patient data.';

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

export function internalError(requestId: unknown): OperationOutcomeError {
  return new OperationOutcomeError(500, [issue('fatal', 'exception', `Internal server error (request ${String(requestId)})`)]);
}

/** What is logged of an unexpected error: its kind and code location, never request data. */
export function errorSummary(err: unknown) {
  const e = err as Error;
  return { name: e?.name, message: e?.message, stack: e?.stack };
}
