/** `qiao token`: a short-lived admin access token on stdout, and nothing else, for scripts. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AdminTokenError, DEFAULT_ADMIN_TOKEN_LIFETIME, mintAdminToken } from '../auth/admin-token.js';
import { MAX_ACCESS_TOKEN_LIFETIME } from '../auth/access-token.js';
import { KEY_FILE, loadOrCreateSigningKeys } from '../auth/keys.js';
import { fhirBaseOf, keysDirOf, withAuthOptions, type AuthFlags } from './auth-options.js';
import { withDbOption } from './db-option.js';

export function registerToken(program: Command): void {
  withAuthOptions(withDbOption(program.command('token')))
    .description('Print a short-lived access token with system/ scopes (for scripts and administration)')
    .option('--scope <scopes>', 'space-separated system/ scopes', 'system/*.*')
    .option('--lifetime <seconds>', `token lifetime, 1..${MAX_ACCESS_TOKEN_LIFETIME}`, String(DEFAULT_ADMIN_TOKEN_LIFETIME))
    .action(async (opts: AuthFlags & { scope: string; lifetime: string }) => {
      const dir = keysDirOf(opts);
      // Never create keys here: a token signed with keys the server does not hold would be useless.
      if (!existsSync(join(dir, KEY_FILE))) program.error(`no signing keys in ${dir}; start the server once (it creates them) or pass --keys-dir`);
      const lifetime = Number(opts.lifetime);
      if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ACCESS_TOKEN_LIFETIME) program.error(`--lifetime must be 1..${MAX_ACCESS_TOKEN_LIFETIME} seconds`);
      try {
        const { token } = await mintAdminToken(await loadOrCreateSigningKeys(dir), { fhirBase: fhirBaseOf(opts), scope: opts.scope, expiresIn: lifetime });
        process.stdout.write(`${token}\n`);
      } catch (err) {
        if (err instanceof AdminTokenError) program.error(`qiao: ${err.message}`);
        throw err;
      }
    });
}
