/**
 * `qiao client add|list|remove`: registers the applications that may ask the authorization server for
 * tokens (SMART apps, Backend Services). A confidential-symmetric client registered without a secret
 * gets a generated one, printed once; only its hash is stored.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Clients } from '../auth/clients.js';
import { CLIENT_TYPES, createClientRegistration, type ClientRegistrationRequest } from '../auth/client-registration.js';
import { readStdin, withDbOption, withStore } from './db-option.js';

interface AddOptions {
  db?: string;
  id: string;
  type: string;
  redirectUri?: string[];
  scope: string;
  name?: string;
  secret?: string;
  secretStdin?: boolean;
  jwks?: string;
  jwksUri?: string;
}

export function registerClient(program: Command): void {
  const client = program.command('client').description('Register and manage client applications (SMART apps, Backend Services)');

  withDbOption(client.command('add'))
    .description('Register a client (or replace the registration with the same id)')
    .requiredOption('--id <id>', 'client_id')
    .requiredOption('--type <type>', CLIENT_TYPES.join(' | '))
    .option('--redirect-uri <uri...>', 'redirect URIs (exact match at /authorize)')
    .requiredOption('--scope <scopes>', 'the scopes the client may be granted, e.g. "launch openid fhirUser patient/*.rs"')
    .option('--name <name>', 'a display name for the consent page')
    .option('--secret <secret>', 'confidential-symmetric: the secret (default: generated and printed once)')
    .option('--secret-stdin', 'confidential-symmetric: read the secret from standard input')
    .option('--jwks <file>', 'confidential-asymmetric: a JWKS file with the public keys')
    .option('--jwks-uri <url>', 'confidential-asymmetric: where the client publishes its JWKS')
    .action(async (opts: AddOptions) => {
      const request: ClientRegistrationRequest = { id: opts.id, type: opts.type as ClientRegistrationRequest['type'], redirectUris: opts.redirectUri ?? [], scope: opts.scope };
      if (opts.name !== undefined) request.name = opts.name;
      let generated: string | undefined;
      if (opts.secretStdin) request.secret = await readStdin();
      else if (opts.secret !== undefined) request.secret = opts.secret;
      else if (opts.type === 'confidential-symmetric') request.secret = generated = randomBytes(32).toString('base64url');
      if (opts.jwks !== undefined) request.jwks = JSON.parse(readFileSync(opts.jwks, 'utf8')) as ClientRegistrationRequest['jwks'];
      if (opts.jwksUri !== undefined) request.jwksUri = opts.jwksUri;
      const registration = await createClientRegistration(request);
      await withStore(opts.db, (store) => new Clients(store.auth).put(registration));
      console.log(`registered client ${registration.id} (${registration.type})`);
      if (generated) console.log(`client secret (shown once, store it now): ${generated}`);
    });

  withDbOption(client.command('list'))
    .description('List registered clients (as JSON lines, without secrets)')
    .action(async (opts: { db?: string }) => {
      const list = await withStore(opts.db, (store) => new Clients(store.auth).list());
      for (const c of list) console.log(JSON.stringify(c));
    });

  withDbOption(client.command('remove'))
    .description('Remove a client registration')
    .argument('<id>', 'client_id')
    .action(async (id: string, opts: { db?: string }) => {
      const removed = await withStore(opts.db, (store) => new Clients(store.auth).remove(id));
      if (!removed) program.error(`no client '${id}'`);
      console.log(`removed client ${id}`);
    });
}
