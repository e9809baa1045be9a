/**
 * The express application for everything the lean path does not take: request bodies (with the size
 * limit), gzip, CORS preflight, and non-FHIR paths. FHIR requests end in the shared FHIR handler.
 */
import compression from 'compression';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { badRequest, issue, OperationOutcomeError, tooLarge } from '../fhir/errors.js';
import { errorSummary, FHIR_PATH, internalError, setCommonHeaders, type FhirHandler } from './fhir-handler.js';
import { pickHeaders } from './headers.js';
import { sendError } from './respond.js';

export interface AppOptions {
  handler: FhirHandler;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  logger: Logger;
}

export function createApp(options: AppOptions): express.Express {
  const { handler, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(cors({ exposedHeaders: ['ETag', 'Location', 'Content-Location', 'Last-Modified', 'X-Request-Id', 'Preference-Applied'], maxAge: 86400 }));
  app.use(compression());
  app.use((req, res, next) => {
    setCommonHeaders(pickHeaders(req.rawHeaders), res);
    next();
  });
  app.use(FHIR_PATH, express.raw({ type: () => true, limit: options.bodyLimit }));
  app.use(FHIR_PATH, (req: Request, res: Response) => handler(req, res, Buffer.isBuffer(req.body) ? req.body : undefined));

  app.use((req, res) => {
    sendError(res, new OperationOutcomeError(404, [issue('error', 'not-found', `Nothing at ${req.path.slice(0, 200)}; the FHIR API is at ${FHIR_PATH}`)]));
  });

  // Body-parser failures become 4xx; anything else is a 500 without details.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return sendError(res, tooLarge(`The request body is larger than the limit of ${options.bodyLimit} bytes`));
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, badRequest(`Malformed request: ${e.message ?? 'unreadable body'}`));
    logger.error({ err: errorSummary(err), requestId: res.getHeader('X-Request-Id') }, 'internal error');
    sendError(res, internalError(res.getHeader('X-Request-Id')));
  });
  return app;
}
