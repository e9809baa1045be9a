/**
 * EHR launch contexts (app-launch.html#launch-app-ehr-launch): the EHR (here `qiao launch` or the admin
 * API) records who launches the app for which patient and encounter, and hands the app an opaque
 * `launch` value with the FHIR base as `iss`. The authorize endpoint later finds the context by it.
 */
import type { AuthRecords } from '../store/auth-records.js';
import type { StoreReader } from '../store/store.js';
import { authUrls } from './auth-server.js';
import { LAUNCH_LIFETIME_SECONDS, type LaunchGrant } from './grants.js';
import { SMART_STYLE_PATH } from './smart-style.js';
import { SingleUseGrants } from './single-use.js';
import { Users } from './users.js';

export interface LaunchRequest {
  username: string;
  patient: string;
  encounter?: string;
  /** The app's launch URL; the answer then includes the full URL to open. */
  appLaunchUrl?: string;
}

export interface Launch {
  launch: string;
  iss: string;
  expiresAt: number;
  /** `appLaunchUrl?iss=...&launch=...` when an app URL was given. */
  url?: string;
}

/** A refusal the caller reports as a 400 (admin API) or an error message (CLI). */
export class LaunchError extends Error {}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function launchGrants(records: AuthRecords): SingleUseGrants<LaunchGrant> {
  return new SingleUseGrants<LaunchGrant>(records, 'launch', LAUNCH_LIFETIME_SECONDS);
}

/**
 * Records a launch context. The patient is checked against the store (`patients`), so a
 * typo fails here rather than in the app.
 */
export async function createLaunch(
  records: AuthRecords,
  fhirBase: string,
  req: LaunchRequest,
  patients: Pick<StoreReader, 'read'>,
): Promise<Launch> {
  if (!ID.test(req.patient)) throw new LaunchError('patient: a FHIR id (1-64 letters, digits, - or .)');
  if (req.encounter !== undefined && !ID.test(req.encounter)) throw new LaunchError('encounter: a FHIR id (1-64 letters, digits, - or .)');
  if (!(await new Users(records).get(req.username))) throw new LaunchError(`no user '${req.username}' (add one with qiao user add)`);
  const patient = await patients.read('Patient', req.patient);
  if (!patient || patient.deleted) throw new LaunchError(`no Patient/${req.patient} on this server`);
  let appUrl: URL | undefined;
  if (req.appLaunchUrl !== undefined) {
    try {
      appUrl = new URL(req.appLaunchUrl);
    } catch {
      throw new LaunchError(`app launch URL is not a URL: ${req.appLaunchUrl}`);
    }
  }
  // Inside the EHR the patient is already on screen (no banner), and the app may follow the EHR's style.
  const context: LaunchGrant['context'] = { patient: req.patient, need_patient_banner: false, smart_style_url: `${authUrls(fhirBase).issuer}${SMART_STYLE_PATH}` };
  if (req.encounter !== undefined) context.encounter = req.encounter;
  const { secret, expiresAt } = await launchGrants(records).issue({ username: req.username, context });
  const iss = fhirBase.replace(/\/+$/, '');
  const out: Launch = { launch: secret, iss, expiresAt };
  if (appUrl) {
    appUrl.searchParams.set('iss', iss);
    appUrl.searchParams.set('launch', secret);
    out.url = appUrl.href;
  }
  return out;
}
