/**
 * What the authorization server records between its steps (single-use.ts keeps them): the context an
 * authorization code carries from /authorize to /token, what a refresh token lets its client renew,
 * and an EHR launch context. Record kinds: 'code' (60 s), 'refresh', 'launch'.
 */

/** SMART launch context handed to the app with its token (scopes-and-launch-context.html). */
export interface LaunchContext {
  patient?: string;
  encounter?: string;
  need_patient_banner?: boolean;
  smart_style_url?: string;
}

/** Issued at /authorize, redeemed once at /token. */
export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  /** Granted scope (after the user's consent), space-separated. */
  scope: string;
  codeChallenge: string;
  /** The user who logged in: username and fhirUser (e.g. Practitioner/123). */
  username: string;
  fhirUser: string;
  context: LaunchContext;
  /** OpenID Connect nonce, echoed in the id_token. */
  nonce?: string;
  /** When the user authenticated, epoch seconds (id_token auth_time). */
  authTime: number;
}

/** Kept under a refresh token; rotated on each use. */
export interface RefreshGrant {
  clientId: string;
  scope: string;
  username: string;
  fhirUser: string;
  context: LaunchContext;
  /** offline_access tokens outlive the session; online_access ones end with it (here: a shorter lifetime). */
  offline: boolean;
}

/** Created by `qiao launch` or the admin API; referenced by the `launch` parameter of an EHR launch. */
export interface LaunchGrant {
  /** The EHR user the launch is for; the login must be this user. */
  username: string;
  context: LaunchContext;
}

export const CODE_LIFETIME_SECONDS = 60;
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const BACKEND_TOKEN_LIFETIME_SECONDS = 300;
export const OFFLINE_REFRESH_LIFETIME_SECONDS = 90 * 24 * 3600;
export const ONLINE_REFRESH_LIFETIME_SECONDS = 8 * 3600;
export const LAUNCH_LIFETIME_SECONDS = 3600;
