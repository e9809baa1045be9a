/**
 * Sets up request authorization for the configured mode at server start: Qiao's own SMART server (keys
 * loaded, or created on first start in the keys directory), an external issuer, or none (auth off).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthRecords } from '../store/auth-records.js';
import { AuthServer, ExternalIssuer, type BearerVerifier } from './auth-server.js';
import { KEY_FILE, loadOrCreateSigningKeys } from './keys.js';
import { Revocations } from './revocations.js';

export type AuthMode = 'smart' | 'external' | 'off';

export interface AuthSetupOptions {
  mode: AuthMode;
  keysDir: string;
  externalIssuer?: string;
  externalJwksUrl?: string;
}

export interface AuthSetup {
  /** Checks bearer tokens; absent when auth is off. */
  verifier?: BearerVerifier;
  /** Qiao's own authorization server (smart mode). */
  server?: AuthServer;
  externalIssuer?: string;
  /** True when this start created the signing keys (a first start: the server explains how to get a token). */
  createdKeys?: boolean;
}

/** A configuration mistake found at start: the CLI prints the message and exits. */
export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

export async function setUpAuth(o: AuthSetupOptions, records: AuthRecords): Promise<AuthSetup> {
  if (o.mode === 'off') return {};
  if (o.mode === 'external') {
    if (!o.externalIssuer || !o.externalJwksUrl) {
      throw new AuthConfigError('--auth external needs --auth-issuer URL and --auth-jwks-url URL (env QIAO_AUTH_ISSUER, QIAO_AUTH_JWKS_URL)');
    }
    let jwksUrl: URL;
    try {
      jwksUrl = new URL(o.externalJwksUrl);
    } catch {
      throw new AuthConfigError(`--auth-jwks-url is not a URL: ${o.externalJwksUrl}`);
    }
    return { verifier: new ExternalIssuer(o.externalIssuer, jwksUrl.href, new Revocations(records)), externalIssuer: o.externalIssuer };
  }
  const createdKeys = !existsSync(join(o.keysDir, KEY_FILE));
  const server = new AuthServer(records, await loadOrCreateSigningKeys(o.keysDir));
  return { verifier: server, server, createdKeys };
}
