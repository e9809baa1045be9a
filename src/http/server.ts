/**
 * The HTTP server. Requests below the FHIR base go straight to the FHIR handler on Node's own request
 * and response objects; everything else (today only the 404 for other paths) goes to express.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { ResourceStore } from '../store/store.js';
import { createApp } from './app.js';
import { createFhirHandler, isFhirUrl } from './fhir-handler.js';

export interface HttpServerOptions {
  store: ResourceStore;
  baseUrl?: string;
  bodyLimit: number;
  logger: Logger;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const handler = createFhirHandler(options);
  const app = createApp({ logger: options.logger });
  return createServer((req, res) => {
    if (isFhirUrl(req.url)) void handler(req, res);
    else app(req, res);
  });
}
