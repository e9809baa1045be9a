/**
 * The operations endpoints, outside the FHIR API and without authentication: GET /healthz (the process
 * is up and serving), GET /readyz (it can do its work: readiness.ts), GET /metrics (Prometheus text).
 * They expose no patient data: fixed phrases and aggregate counts only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ResourceStore } from '../store/store.js';
import type { Metrics } from './metrics.js';
import { readiness } from './readiness.js';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

/** Answers the request when it is for one of these endpoints (and returns true); otherwise leaves it alone. */
export type OpsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface OpsOptions {
  store: Pick<ResourceStore, 'ping'>;
  logger: Logger;
  /** Served at /metrics here; absent when /metrics has a port of its own (metrics-server.ts). */
  metrics?: Metrics;
  /** Whether /healthz and /readyz are served (the separate metrics port serves /metrics alone). */
  health?: boolean;
}

export function opsHandler(options: OpsOptions): OpsHandler {
  const { store, logger, metrics, health = true } = options;
  let wasReady = true;
  const ready = async (res: ServerResponse) => {
    const state = await readiness(store);
    // Said once per change, not on every probe.
    if (!state.ready && wasReady) logger.warn({ err: state.error, reason: state.reason }, 'not ready');
    if (state.ready && !wasReady) logger.info('ready again');
    wasReady = state.ready;
    sendJson(res, state.ready ? 200 : 503, state.ready ? { status: 'ready' } : { status: 'unavailable', reason: state.reason });
  };
  const endpointFor = (path: string): ((res: ServerResponse) => unknown) | undefined => {
    if (health && path === HEALTH_PATH) return (res) => sendJson(res, 200, { status: 'ok' });
    if (health && path === READY_PATH) return ready;
    if (metrics && path === METRICS_PATH) return async (res) => send(res, 200, metrics.contentType, await metrics.text());
    return undefined;
  };
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const endpoint = endpointFor(path);
    if (!endpoint) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendJson(res, 405, { status: 'method not allowed' });
      return true;
    }
    Promise.resolve()
      .then(() => endpoint(res))
      .catch((err: unknown) => {
        logger.error({ err }, `${path} failed`);
        if (!res.headersSent) sendJson(res, 500, { status: 'error' });
      });
    return true;
  };
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
