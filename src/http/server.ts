/**
 * The HTTP server. Requests below the FHIR base go straight to the FHIR handler on Node's own request
 * and response objects; everything else (the authorization server, 404s) goes to express.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { AuthServer } from '../auth/auth-server.js';
import type { ResourceStore } from '../store/store.js';
import { createApp } from './app.js';
import { createFhirHandler, isFhirUrl } from './fhir-handler.js';
import type { WriteObserver } from '../interactions/hooks.js';
import type { RequestObserver } from './request-event.js';
import type { FhirSecurity } from './security.js';

export interface HttpServerOptions {
  store: ResourceStore;
  baseUrl?: string;
  bodyLimit: number;
  logger: Logger;
  /** Absent: auth off. */
  security?: FhirSecurity;
  /** Qiao's own authorization server, when it issues the tokens. */
  auth?: AuthServer;
  writeObservers?: WriteObserver[];
  requestObservers?: RequestObserver[];
}

export function createHttpServer(options: HttpServerOptions): Server {
  const handler = createFhirHandler(options);
  const app = createApp({ logger: options.logger, auth: options.auth, baseUrl: options.baseUrl, store: options.store });
  return createServer((req, res) => {
    if (isFhirUrl(req.url)) void handler(req, res);
    else app(req, res);
  });
}
