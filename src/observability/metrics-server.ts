/**
 * /metrics on a port of its own (--metrics-port): scrapers reach it on an internal network while the
 * main port faces clients. Also answers /healthz and /readyz, for probes on the same internal port.
 */
import { createServer, type Server } from 'node:http';
import type { OpsHandler } from './ops-endpoints.js';

export interface MetricsServer {
  server: Server;
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(handler: OpsHandler, port: number, host: string): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (handler(req, res)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: this port serves /metrics, /healthz and /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    server,
    url: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
