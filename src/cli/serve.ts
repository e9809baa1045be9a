/** `qiao serve`: start the server; SIGTERM/SIGINT shut it down gracefully. */
import type { Command } from 'commander';
import { pino } from 'pino';
import { configFromEnv, DEFAULTS, type ServeConfig } from '../config.js';
import { startServer } from '../main.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the FHIR R4 server')
    .option('--port <port>', `TCP port (env QIAO_PORT, default ${DEFAULTS.port})`)
    .option('--host <host>', `interface to listen on (env QIAO_HOST, default ${DEFAULTS.host})`)
    .option('--db <connection>', `database: sqlite:PATH, sqlite::memory: or postgres://user@host:5432/db[?schema=&pool=] (env QIAO_DB, default ${DEFAULTS.db})`)
    .option('--base-url <url>', 'public FHIR base URL, e.g. https://fhir.example.org/fhir (env QIAO_BASE_URL; default from the Host header)')
    .option('--body-limit <bytes>', `largest request body in bytes (env QIAO_BODY_LIMIT, default ${DEFAULTS.bodyLimit})`)
    .option('--log-level <level>', `pino log level (env QIAO_LOG_LEVEL, default ${DEFAULTS.logLevel})`)
    .action(async (opts: { port?: string; host?: string; db?: string; baseUrl?: string; bodyLimit?: string; logLevel?: string }) => {
      const config: Partial<ServeConfig> = { ...configFromEnv() };
      if (opts.port) config.port = Number(opts.port);
      if (opts.host) config.host = opts.host;
      if (opts.db) config.db = opts.db;
      if (opts.baseUrl) config.baseUrl = opts.baseUrl.replace(/\/$/, '');
      if (opts.bodyLimit) config.bodyLimit = Number(opts.bodyLimit);
      if (opts.logLevel) config.logLevel = opts.logLevel;
      if (config.port !== undefined && !(Number.isInteger(config.port) && config.port >= 0 && config.port < 65536)) {
        program.error(`--port must be a TCP port number, not '${opts.port ?? process.env.QIAO_PORT}'`);
      }
      const logger = pino({ level: config.logLevel ?? DEFAULTS.logLevel });
      const started = Date.now();
      const running = await startServer(config, logger);
      logger.info({ startupMs: Date.now() - started }, `Qiao FHIR R4 server listening at ${running.fhirBase}`);
      const shutdown = (signal: string) => {
        logger.info(`${signal} received: finishing in-flight requests and closing the database`);
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}
