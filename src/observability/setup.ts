/**
 * Everything observability adds to a server, in one place for main.ts: the metrics registry, the
 * request observers (metrics, the request log), the timed store, the operations endpoints and, with
 * --metrics-port, the separate metrics server.
 */
import type { Logger } from 'pino';
import type { AuthFailureObserver } from '../http/auth-failure.js';
import type { RequestObserver } from '../http/request-event.js';
import type { ResourceStore } from '../store/store.js';
import { Metrics } from './metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { opsHandler, type OpsHandler } from './ops-endpoints.js';
import { requestLog } from './request-log.js';
import { requestMetrics } from './request-metrics.js';
import { timedStore } from './timed-store.js';

export interface Observability {
  metrics: Metrics;
  /** The store with its database calls timed: what the HTTP server should use. */
  store: ResourceStore;
  requestObservers: RequestObserver[];
  onAuthFailure: AuthFailureObserver;
  /** /healthz, /readyz and (without a metrics port) /metrics on the main port. */
  ops: OpsHandler;
  /** The separate metrics server's URL (--metrics-port). */
  metricsUrl?: string;
  close(): Promise<void>;
}

export async function setUpObservability(options: { store: ResourceStore; logger: Logger; metricsPort?: number; host: string }): Promise<Observability> {
  const { logger } = options;
  const metrics = new Metrics();
  const store = timedStore(options.store, metrics);
  let metricsServer: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    metricsServer = await startMetricsServer(opsHandler({ store, logger, metrics }), options.metricsPort, options.host);
  }
  return {
    metrics,
    store,
    requestObservers: [requestMetrics(metrics), requestLog(logger)],
    onAuthFailure: (endpoint, reason) => metrics.authServerFailure(endpoint, reason),
    ops: opsHandler({ store, logger, metrics: metricsServer ? undefined : metrics }),
    metricsUrl: metricsServer?.url,
    close: async () => {
      await metricsServer?.close();
    },
  };
}
