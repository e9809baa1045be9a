/**
 * The HTTP server. Requests without a body and without gzip go straight to the FHIR handler; measured
 * (bench/), express's middleware chain cost more than the rest of a read together. Everything else —
 * bodies, gzip, CORS preflight, other paths — goes through express first.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { ResourceStore } from '../store/store.js';
import { createApp } from './app.js';
import { createFhirHandler, FHIR_PATH } from './fhir-handler.js';

export interface HttpServerOptions {
  store: ResourceStore;
  baseUrl?: string;
  bodyLimit: number;
  logger: Logger;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const handler = createFhirHandler(options);
  const app = createApp({ handler, bodyLimit: options.bodyLimit, logger: options.logger });
  return createServer((req, res) => {
    if (isLean(req)) void handler(req, res, undefined);
    else app(req, res);
  });
}

function isLean(req: IncomingMessage): boolean {
  const { method, url } = req;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') return false;
  if (!url || !(url.startsWith(FHIR_PATH + '/') || url === FHIR_PATH || url.startsWith(FHIR_PATH + '?'))) return false;
  // rawHeaders, not req.headers: see headers.ts.
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === 'transfer-encoding') return false;
    if (name === 'content-length' && raw[i + 1] !== '0') return false;
    if (name === 'accept-encoding' && /gzip|deflate|br/.test(raw[i + 1])) return false;
  }
  return true;
}
