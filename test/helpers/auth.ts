/**
 * Servers with access control on (auth smart, signing keys in a temp dir) and access tokens minted with
 * the server's own keys, for the suites that test what a grant allows. Tokens come from the same code
 * the token endpoint uses, so they are exactly what a real app would send.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintAccessToken } from '../../src/auth/access-token.js';
import { authUrls } from '../../src/auth/auth-server.js';
import type { ServeConfig } from '../../src/config.js';
import type { RunningServer } from '../../src/main.js';
import { startTestServer } from './server.js';

export interface TokenContext {
  patient?: string;
  encounter?: string;
  fhirUser?: string;
  clientId?: string;
  /** Seconds; default 600. */
  expiresIn?: number;
}

export interface SecuredServer {
  server: RunningServer;
  /** A signed access token for this server with exactly these scopes. */
  token(scope: string, context?: TokenContext): Promise<string>;
  close(): Promise<void>;
}

export async function startSecuredServer(options: Partial<ServeConfig> = {}): Promise<SecuredServer> {
  const keysDir = mkdtempSync(join(tmpdir(), 'qiao-keys-'));
  const server = await startTestServer({ auth: 'smart', keysDir, ...options });
  const keys = server.auth.server!.keys;
  return {
    server,
    async token(scope, context = {}) {
      const { token } = await mintAccessToken(keys, {
        issuer: authUrls(server.fhirBase).issuer,
        audience: server.fhirBase,
        subject: context.fhirUser ?? context.clientId ?? 'test-client',
        clientId: context.clientId ?? 'test-client',
        scope,
        patient: context.patient,
        encounter: context.encounter,
        fhirUser: context.fhirUser,
        expiresIn: context.expiresIn ?? 600,
      });
      return token;
    },
    async close() {
      await server.close();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
