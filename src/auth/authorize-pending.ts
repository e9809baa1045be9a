/**
 * An authorization in progress: the checked request and what the user has done so far (logged in, picked
 * a patient), kept in the database (any server process may serve the next step) under the hash of a
 * random id. The pages carry only that id, in a hidden field or the query.
 *
 * The id alone must not be enough to act on someone's authorization: a page that tricked a logged-in
 * user's browser into posting an attacker's id (login CSRF, consent on the victim's behalf) would bind
 * the victim to the attacker's app session. So each pending authorization also records the hash of a
 * browser secret kept in an HttpOnly, SameSite=Lax cookie, and every step requires both.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AuthRecords } from '../store/auth-records.js';
import type { AuthorizeRequest } from './authorize-request.js';
import { newSecret, secretKey } from './secrets.js';

export const PENDING_KIND = 'authz-request';
/** Long enough to look up a password or a patient, short enough that a forgotten tab is no standing grant. */
export const PENDING_LIFETIME_SECONDS = 10 * 60;
/** newSecret(): 32 random bytes in base64url. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface PendingUser {
  username: string;
  fhirUser: string;
  /** Epoch seconds (id_token auth_time). */
  authTime: number;
  /** The user's roles (users.ts): `auditor` may be granted AuditEvent scopes. */
  roles?: string[];
}

export interface PendingAuthorization {
  request: AuthorizeRequest;
  /** secretKey of the browser cookie this authorization is bound to. */
  browser: string;
  /** Epoch ms; updates keep it, so steps never extend the lifetime. */
  expiresAt: number;
  user?: PendingUser;
  /** The patient chosen (or implied) for a standalone launch/patient request: an id. */
  patient?: string;
}

/** Whether a cookie value looks like one we issued (anything else gets a fresh one). */
export function isBrowserSecret(value: string | undefined): value is string {
  return value !== undefined && SECRET.test(value);
}

export function newBrowserSecret(): string {
  return newSecret();
}

export class PendingAuthorizations {
  constructor(
    private readonly records: AuthRecords,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores a new pending authorization bound to the browser secret; returns its id. */
  async create(request: AuthorizeRequest, browserSecret: string): Promise<string> {
    const id = newSecret();
    const pending: PendingAuthorization = { request, browser: secretKey(browserSecret), expiresAt: this.now() + PENDING_LIFETIME_SECONDS * 1000 };
    await this.records.put(PENDING_KIND, secretKey(id), JSON.stringify(pending), pending.expiresAt);
    return id;
  }

  /** The pending authorization, if the id is live and the browser is the one it was started in. */
  async get(id: string | undefined, browserSecret: string | undefined): Promise<PendingAuthorization | undefined> {
    if (id === undefined || !SECRET.test(id) || !isBrowserSecret(browserSecret)) return undefined;
    const value = await this.records.get(PENDING_KIND, secretKey(id));
    if (value === undefined) return undefined;
    const pending = JSON.parse(value) as PendingAuthorization;
    const a = Buffer.from(pending.browser);
    const b = Buffer.from(secretKey(browserSecret));
    return a.length === b.length && timingSafeEqual(a, b) ? pending : undefined;
  }

  async save(id: string, pending: PendingAuthorization): Promise<void> {
    await this.records.put(PENDING_KIND, secretKey(id), JSON.stringify(pending), pending.expiresAt);
  }

  /** Ends the authorization; true for the one caller that ended it (a double-submitted consent issues one code). */
  async finish(id: string): Promise<boolean> {
    return (await this.records.take(PENDING_KIND, secretKey(id))) !== undefined;
  }
}
