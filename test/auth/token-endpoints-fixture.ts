/**
 * The setup introspection and revocation tests share: a real in-memory store with two registered
 * clients (public 'growth-chart', confidential-symmetric 'portal'), real signing keys in a temp dir,
 * and the endpoints' collaborators over them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwksUriCache } from '../../src/auth/client-jwks.js';
import { createClientRegistration } from '../../src/auth/client-registration.js';
import { MemoryReplayStore } from '../../src/auth/client-replay-store.js';
import { Clients } from '../../src/auth/clients.js';
import { OFFLINE_REFRESH_LIFETIME_SECONDS, type RefreshGrant } from '../../src/auth/grants.js';
import type { IntrospectionDeps } from '../../src/auth/introspect-endpoint.js';
import { loadOrCreateSigningKeys } from '../../src/auth/keys.js';
import { Revocations } from '../../src/auth/revocations.js';
import { SingleUseGrants } from '../../src/auth/single-use.js';
import { openStore } from '../../src/store/open-store.js';

export const ISSUER = 'https://qiao.example.org/auth';
export const BASE = 'https://qiao.example.org/fhir';
export const SECRET = 'portal-secret-0123456789';

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export async function tokenEndpointsFixture(): Promise<{ deps: IntrospectionDeps; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'qiao-token-endpoints-'));
  const store = await openStore('sqlite::memory:');
  const clients = new Clients(store.auth);
  await clients.put(await createClientRegistration({ id: 'growth-chart', type: 'public', redirectUris: ['https://app.example.org/cb'], scope: 'launch/patient patient/*.rs' }));
  await clients.put(await createClientRegistration({ id: 'portal', type: 'confidential-symmetric', redirectUris: ['https://portal.example.org/cb'], scope: 'user/*.rs', secret: SECRET }));
  const deps: IntrospectionDeps = {
    records: store.auth,
    keys: await loadOrCreateSigningKeys(join(dir, 'keys')),
    issuer: ISSUER,
    audience: BASE,
    revocations: new Revocations(store.auth),
    refreshTokens: new SingleUseGrants<RefreshGrant>(store.auth, 'refresh', OFFLINE_REFRESH_LIFETIME_SECONDS),
    clients: (id) => clients.get(id),
    clientAuth: { assertion: { tokenEndpoint: `${ISSUER}/token`, replayStore: new MemoryReplayStore(), jwksCache: new JwksUriCache() } },
  };
  return {
    deps,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
