/** Server configuration: flags override environment variables, which override defaults. */
export interface ServeConfig {
  port: number;
  /** Connection string: sqlite:PATH or sqlite::memory:. */
  db: string;
  /** Public FHIR base URL; derived from each request's Host header when unset. */
  baseUrl?: string;
  host: string;
  bodyLimit: number;
  logLevel: string;
}

export const DEFAULTS = {
  port: 8080,
  db: 'sqlite:./data/qiao.db',
  host: '0.0.0.0',
  bodyLimit: 64 * 1024 * 1024,
  logLevel: 'info',
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ServeConfig> {
  const out: Partial<ServeConfig> = {};
  if (env.QIAO_PORT) out.port = Number(env.QIAO_PORT);
  if (env.QIAO_DB) out.db = env.QIAO_DB;
  if (env.QIAO_BASE_URL) out.baseUrl = env.QIAO_BASE_URL;
  if (env.QIAO_HOST) out.host = env.QIAO_HOST;
  if (env.QIAO_BODY_LIMIT) out.bodyLimit = Number(env.QIAO_BODY_LIMIT);
  if (env.QIAO_LOG_LEVEL) out.logLevel = env.QIAO_LOG_LEVEL;
  return out;
}
