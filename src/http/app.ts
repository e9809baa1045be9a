/**
 * The express application: CORS, gzip, body limits, the FHIR base at /fhir, and the single error
 * handler that turns every failure into an OperationOutcome (never a stack trace).
 */
import compression from 'compression';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { issue, OperationOutcomeError, tooLarge, badRequest } from '../fhir/errors.js';
import type { InteractionContext } from '../interactions/types.js';
import type { ResourceStore } from '../store/store.js';
import { dispatch } from './dispatch.js';
import { responseType } from './negotiation.js';
import { toFhirRequest } from './request.js';
import { sendError, sendResult } from './respond.js';

export interface AppOptions {
  store: ResourceStore;
  /** Public base URL of the FHIR API; derived from each request's Host when absent. */
  baseUrl?: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  logger: Logger;
}

export const FHIR_PATH = '/fhir';

export function createApp(options: AppOptions): express.Express {
  const { store, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(
    cors({
      exposedHeaders: ['ETag', 'Location', 'Content-Location', 'Last-Modified', 'X-Request-Id', 'Preference-Applied'],
      maxAge: 86400,
    }),
  );
  app.use(compression());
  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w\-.]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    next();
  });
  app.use(FHIR_PATH, express.raw({ type: () => true, limit: options.bodyLimit }));

  app.use(FHIR_PATH, async (req: Request, res: Response, next: NextFunction) => {
    let mediaType = 'application/fhir+json';
    try {
      const format = req.query._format;
      // A repeated _format arrives as an array; the first one counts.
      mediaType = responseType(Array.isArray(format) ? String(format[0]) : (format as string | undefined), req.headers.accept);
      const fhirReq = toFhirRequest(req);
      const baseUrl = options.baseUrl ?? `${req.protocol}://${req.get('host')}${FHIR_PATH}`;
      const ctx: InteractionContext = {
        reader: store,
        write: (fn) => store.transaction(fn),
        baseUrl,
        dispatch,
        inTransaction: false,
      };
      const result = await dispatch(fhirReq, ctx);
      sendResult(req, res, fhirReq, result, mediaType);
    } catch (err) {
      if (err instanceof OperationOutcomeError) sendError(req, res, err, mediaType);
      else next(err);
    }
  });

  app.use((req, res) => {
    sendError(req, res, new OperationOutcomeError(404, [issue('error', 'not-found', `Nothing at ${req.path.slice(0, 200)}; the FHIR API is at ${FHIR_PATH}`)]));
  });

  // The one error handler: body-parser failures become 4xx; anything else is a 500 without details.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return sendError(req, res, tooLarge(`The request body is larger than the limit of ${options.bodyLimit} bytes`));
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(req, res, badRequest(`Malformed request: ${e.message ?? 'unreadable body'}`));
    logger.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack }, requestId: res.getHeader('X-Request-Id') }, 'internal error');
    sendError(req, res, new OperationOutcomeError(500, [issue('fatal', 'exception', `Internal server error (request ${String(res.getHeader('X-Request-Id'))})`)]));
  });
  return app;
}
