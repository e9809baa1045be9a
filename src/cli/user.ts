/** `qiao user add|list|remove`: the people who log in at the authorization server's login page. */
import type { Command } from 'commander';
import { hashPassword } from '../auth/password.js';
import { ROLES, userProblem, Users, type Role } from '../auth/users.js';
import { readStdin, withDbOption, withStore } from './db-option.js';

export function registerUser(program: Command): void {
  const user = program.command('user').description('Manage the users who log in to authorize apps');

  withDbOption(user.command('add'))
    .description('Add a user (or replace the one with the same username); the password is read from standard input')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--password-stdin', 'read the password from standard input (never from the command line)')
    .requiredOption('--fhir-user <reference>', 'the FHIR resource the user is: Patient/ID, Practitioner/ID, ...')
    .option('--role <role>', `a role (${ROLES.join(', ')}; auditor: may be granted AuditEvent scopes); repeatable`, (v: string, all: string[] = []) => [...all, v])
    .action(async (opts: { db?: string; username: string; fhirUser: string; role?: string[] }) => {
      const roles = (opts.role ?? []) as Role[];
      const password = await readStdin();
      if (password === '') program.error('the password read from standard input is empty');
      // Checked before the (deliberately slow) hash, so a typo fails fast.
      const problem = userProblem({ username: opts.username, fhirUser: opts.fhirUser, passwordHash: 'scrypt$', roles });
      if (problem) program.error(problem);
      const passwordHash = await hashPassword(password);
      await withStore(opts.db, (store) => new Users(store.auth).put({ username: opts.username, passwordHash, fhirUser: opts.fhirUser, ...(roles.length ? { roles } : {}) }));
      console.log(`added user ${opts.username} (${opts.fhirUser}${roles.length ? `; ${roles.join(', ')}` : ''})`);
    });

  withDbOption(user.command('list'))
    .description('List users (as JSON lines, without password hashes)')
    .action(async (opts: { db?: string }) => {
      for (const u of await withStore(opts.db, (store) => new Users(store.auth).list())) console.log(JSON.stringify(u));
    });

  withDbOption(user.command('remove'))
    .description('Remove a user')
    .argument('<username>')
    .action(async (username: string, opts: { db?: string }) => {
      if (!(await withStore(opts.db, (store) => new Users(store.auth).remove(username)))) program.error(`no user '${username}'`);
      console.log(`removed user ${username}`);
    });
}
