/** Wiring only: config -> store -> http app -> listening server, and a graceful close. */
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { DEFAULTS, type ServeConfig } from './config.js';
import { createApp, FHIR_PATH } from './http/app.js';
import { openStore } from './store/open-store.js';
import type { ResourceStore } from './store/store.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** e.g. http://127.0.0.1:8080/fhir */
  fhirBase: string;
  server: Server;
  store: ResourceStore;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export async function startServer(partial: Partial<ServeConfig> = {}, logger?: Logger): Promise<RunningServer> {
  const config: ServeConfig = { ...DEFAULTS, ...partial };
  const log = logger ?? pino({ level: config.logLevel });
  const store = openStore(config.db);
  const app = createApp({ store, baseUrl: config.baseUrl, bodyLimit: config.bodyLimit, logger: log });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    fhirBase: config.baseUrl ?? `${url}${FHIR_PATH}`,
    server,
    store,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await store.close();
      })()),
  };
}
