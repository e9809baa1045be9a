/**
 * The end of an authorization the user allowed: the launch context the granted scopes entitle the app
 * to, the authorization code (a CodeGrant the token endpoint redeems, token-grant-code.ts), and the
 * redirect that carries it with the app's state.
 */
import type { AuthRecords } from '../store/auth-records.js';
import type { PendingAuthorization } from './authorize-pending.js';
import { redirectTo } from './authorize-request.js';
import { CODE_LIFETIME_SECONDS, type CodeGrant, type LaunchContext } from './grants.js';
import { SingleUseGrants } from './single-use.js';
import { CODE_KIND } from './token-grant-code.js';

/**
 * The context handed over with the token. An EHR launch passes on what the EHR recorded, as far as the
 * granted scopes reach (`launch` covers all of it); a standalone launch/patient passes the patient picked
 * here and asks the app to show a patient banner, since no EHR around it does.
 */
export function launchContext(pending: PendingAuthorization, granted: ReadonlySet<string>): LaunchContext {
  const context: LaunchContext = {};
  const launch = pending.request.launch;
  if (launch) {
    const all = granted.has('launch');
    if (launch.context.patient !== undefined && (all || granted.has('launch/patient'))) context.patient = launch.context.patient;
    if (launch.context.encounter !== undefined && (all || granted.has('launch/encounter'))) context.encounter = launch.context.encounter;
    if (context.patient !== undefined || context.encounter !== undefined) {
      if (launch.context.need_patient_banner !== undefined) context.need_patient_banner = launch.context.need_patient_banner;
      if (launch.context.smart_style_url !== undefined) context.smart_style_url = launch.context.smart_style_url;
    }
  } else if (pending.patient !== undefined && granted.has('launch/patient')) {
    context.patient = pending.patient;
    context.need_patient_banner = true;
  }
  return context;
}

/** Stores the code's grant and returns the redirect to the app with `code` and `state`. */
export async function issueCode(records: AuthRecords, now: () => number, pending: PendingAuthorization, grantedScopes: string[]): Promise<string> {
  const { request, user } = pending;
  if (!user) throw new RangeError('issueCode needs a logged-in user');
  const granted = new Set(grantedScopes);
  const grant: CodeGrant = {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scope: grantedScopes.join(' '),
    codeChallenge: request.codeChallenge,
    username: user.username,
    fhirUser: user.fhirUser,
    context: launchContext(pending, granted),
    authTime: user.authTime,
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  };
  const codes = new SingleUseGrants<CodeGrant>(records, CODE_KIND, CODE_LIFETIME_SECONDS, now);
  const { secret } = await codes.issue(grant);
  return redirectTo(request.redirectUri, { code: secret, state: request.state });
}
