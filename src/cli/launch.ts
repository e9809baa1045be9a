/** `qiao launch`: an EHR launch context for a user and patient, and the URL that launches the app with it. */
import type { Command } from 'commander';
import { createLaunch, LaunchError } from '../auth/launch.js';
import { fhirBaseOf, withAuthOptions, type AuthFlags } from './auth-options.js';
import { withDbOption, withStore } from './db-option.js';

export function registerLaunch(program: Command): void {
  withAuthOptions(withDbOption(program.command('launch')))
    .description('Create an EHR launch context; prints the launch value and, with --app, the URL that launches the app')
    .requiredOption('--patient <id>', 'the patient in context')
    .option('--encounter <id>', 'the encounter in context')
    .requiredOption('--user <username>', 'the user the app is launched for (must log in as this user)')
    .option('--app <url>', "the app's launch URL")
    .action(async (opts: AuthFlags & { db?: string; patient: string; encounter?: string; user: string; app?: string }) => {
      const fhirBase = fhirBaseOf(opts);
      try {
        const launch = await withStore(opts.db, (store) =>
          createLaunch(store.auth, fhirBase, { username: opts.user, patient: opts.patient, encounter: opts.encounter, appLaunchUrl: opts.app }, store),
        );
        console.log(launch.url ?? `iss=${launch.iss}\nlaunch=${launch.launch}`);
      } catch (err) {
        if (err instanceof LaunchError) program.error(`qiao: ${err.message}`);
        throw err;
      }
    });
}
