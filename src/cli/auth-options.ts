/**
 * The flags admin commands that act as the authorization server share with `serve`: where the signing
 * keys are and which FHIR base tokens and launches are for. Same environment variables, same defaults.
 */
import type { Command } from 'commander';
import { configFromEnv, DEFAULTS } from '../config.js';

export function withAuthOptions(command: Command): Command {
  return command
    .option('--keys-dir <dir>', `the server's signing keys (env QIAO_KEYS_DIR, default ${DEFAULTS.keysDir})`)
    .option('--base-url <url>', `the server's public FHIR base URL (env QIAO_BASE_URL, default http://localhost:<QIAO_PORT or ${DEFAULTS.port}>/fhir)`);
}

export interface AuthFlags {
  keysDir?: string;
  baseUrl?: string;
}

export function keysDirOf(flags: AuthFlags): string {
  return flags.keysDir ?? configFromEnv().keysDir ?? DEFAULTS.keysDir;
}

/** Without --base-url the server derives its base from the Host header, so tokens must name the same host. */
export function fhirBaseOf(flags: AuthFlags): string {
  const env = configFromEnv();
  return (flags.baseUrl ?? env.baseUrl ?? `http://localhost:${env.port ?? DEFAULTS.port}/fhir`).replace(/\/+$/, '');
}
