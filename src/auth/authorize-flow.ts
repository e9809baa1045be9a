/**
 * The steps of /authorize as framework-free functions, each taking what the browser sent and answering
 * with a page or a redirect (the HTTP layer, http/authorize-routes.ts, only copies it out):
 *
 *   start   -> the request is checked (authorize-request.ts) and kept pending -> continue
 *   continue shows the next step: login; for a standalone launch/patient the patient picker (skipped when
 *            the user can only mean one patient); consent
 *   login, patient and consent are the form posts of those pages; each redirects (303) back to continue
 *            (post/redirect/get: reloading a page never re-posts a password), and consent ends with the
 *            redirect to the app, carrying a code or access_denied.
 *
 * Every step after start needs the pending request's id and the browser cookie it is bound to
 * (authorize-pending.ts). Failed logins are throttled per username and address (login-throttle.ts).
 */
import type { AuthRecords } from '../store/auth-records.js';
import type { StoreReader } from '../store/store.js';
import { issueCode } from './authorize-code.js';
import { displayName, listPatients, mayChoose, patientChoice, PICKER_LIMIT } from './authorize-patients.js';
import { isBrowserSecret, newBrowserSecret, PendingAuthorizations, type PendingAuthorization } from './authorize-pending.js';
import { errorRedirect, validateAuthorizeRequest, type AuthorizeErrorCode } from './authorize-request.js';
import type { ClientRegistration } from './client-registration.js';
import { Clients } from './clients.js';
import { LAUNCH_LIFETIME_SECONDS, type LaunchGrant } from './grants.js';
import type { LoginThrottle } from './login-throttle.js';
import { consentPage } from './pages/consent.js';
import { errorPage } from './pages/error.js';
import { loginPage } from './pages/login.js';
import { patientPickerPage } from './pages/patient-picker.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';
import { SingleUseGrants } from './single-use.js';
import { namesAuditEvent, Users } from './users.js';

export interface AuthorizeDeps {
  records: AuthRecords;
  /** For the patient picker. */
  reader: StoreReader;
  fhirBase: string;
  throttle: LoginThrottle;
  /** Epoch ms. */
  now?: () => number;
}

/** Where the pages post to: the path of /authorize (e.g. /auth/authorize). */
export interface StepContext {
  base: string;
  /** The browser cookie's value, if it sent one. */
  browser: string | undefined;
}

export interface AuthorizeAnswer {
  status: number;
  /** A page to show ... */
  html?: string;
  /** ... or where to send the browser (status 302 or 303). */
  location?: string;
  /** Origins this page's forms may end up at besides our own (the app's, for consent's redirect). */
  formTargets?: string[];
  /** Set the browser-binding cookie to this. */
  setBrowser?: string;
  /** Seconds, with a 429. */
  retryAfter?: number;
  /** A login attempt's result, for the audit trail (never the password). */
  login?: { ok: boolean; username: string; fhirUser?: string; clientId: string };
}

const EXPIRED =
  'This sign-in has expired, was already completed, or was started in another browser. For your safety it cannot be continued here.';
const BAD_LOGIN = 'The username or password is incorrect.';

const page = (status: number, html: string, formTargets?: string[]): AuthorizeAnswer => ({ status, html, ...(formTargets ? { formTargets } : {}) });
const see = (location: string): AuthorizeAnswer => ({ status: 303, location });
const continueAt = (ctx: StepContext, id: string) => `${ctx.base}/continue?request=${encodeURIComponent(id)}`;

/** The app's origin: consent's form posts end in a redirect there, which CSP form-action must allow. */
function appOrigin(p: PendingAuthorization): string[] {
  try {
    return [new URL(p.request.redirectUri).origin];
  } catch {
    return [];
  }
}

function wantsPatientPicker(p: PendingAuthorization): boolean {
  return !p.request.launch && p.patient === undefined && p.request.scope.split(' ').includes('launch/patient');
}

export class AuthorizeFlow {
  private readonly pending: PendingAuthorizations;
  private readonly users: Users;
  private readonly clients: Clients;
  private readonly launches: SingleUseGrants<LaunchGrant>;
  private readonly now: () => number;

  constructor(private readonly deps: AuthorizeDeps) {
    this.now = deps.now ?? Date.now;
    this.pending = new PendingAuthorizations(deps.records, this.now);
    this.users = new Users(deps.records);
    this.clients = new Clients(deps.records);
    this.launches = new SingleUseGrants<LaunchGrant>(deps.records, 'launch', LAUNCH_LIFETIME_SECONDS, this.now);
  }

  /** GET or POST /authorize. `method` decides the redirect status (302 answers a GET, 303 a POST). */
  async start(params: URLSearchParams, ctx: StepContext, method: 'GET' | 'POST'): Promise<AuthorizeAnswer> {
    const checked = await validateAuthorizeRequest(params, {
      client: (id): Promise<ClientRegistration | undefined> => this.clients.get(id),
      launch: (id) => this.launches.peek(id),
      fhirBase: this.deps.fhirBase,
    });
    const status = method === 'GET' ? 302 : 303;
    if (!checked.ok) return checked.redirect ? { status, location: checked.location } : page(400, errorPage(checked.message));
    // One cookie per browser, reused, so that several authorizations in several tabs do not evict each other.
    const browser = isBrowserSecret(ctx.browser) ? ctx.browser : newBrowserSecret();
    const id = await this.pending.create(checked.request, browser);
    return { status, location: continueAt(ctx, id), setBrowser: browser };
  }

  /** GET /authorize/continue: the page of the step the authorization is at. `name` is the picker's search. */
  async show(id: string | undefined, ctx: StepContext, name = ''): Promise<AuthorizeAnswer> {
    const p = await this.pending.get(id, ctx.browser);
    if (!p || id === undefined) return page(400, errorPage(EXPIRED));
    const common = { base: ctx.base, requestId: id, clientName: p.request.clientName };
    if (!p.user) return page(200, loginPage(common));
    if (wantsPatientPicker(p)) {
      const choice = await patientChoice(p.user.fhirUser, this.deps.reader);
      const patients = await listPatients(choice, name, this.deps.reader, this.deps.fhirBase);
      return page(200, patientPickerPage({ ...common, name, patients, limit: PICKER_LIMIT }));
    }
    const scopes = p.request.scope.split(' ').filter((s) => p.user!.roles?.includes('auditor') || !namesAuditEvent(s));
    return page(200, consentPage({ ...common, username: p.user.username, scopes, ...(await this.patientLabel(p)) }), appOrigin(p));
  }

  /** POST /authorize/login. `address` is the peer's IP address (throttling). */
  async login(id: string | undefined, ctx: StepContext, username: string, password: string, address: string): Promise<AuthorizeAnswer> {
    const p = await this.pending.get(id, ctx.browser);
    if (!p || id === undefined) return page(400, errorPage(EXPIRED));
    if (p.user) return see(continueAt(ctx, id));
    const common = { base: ctx.base, requestId: id, clientName: p.request.clientName, username };
    const decision = this.deps.throttle.check(username, address);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      const message =
        decision.reason === 'locked'
          ? `Too many failed sign-in attempts. Sign-in is locked for a while; try again in ${Math.ceil(seconds / 60)} minute(s).`
          : `Please wait ${seconds} second(s) before trying again.`;
      return { ...page(429, loginPage({ ...common, message })), retryAfter: seconds, login: { ok: false, username, clientId: p.request.clientId } };
    }
    const user = username === '' ? undefined : await this.users.get(username);
    // verifyPassword spends a real check's time on unknown users too, so timing tells no usernames.
    if (!(await verifyPassword(password, user?.passwordHash)) || !user) {
      this.deps.throttle.recordFailure(username, address);
      return { ...page(200, loginPage({ ...common, message: BAD_LOGIN })), login: { ok: false, username, clientId: p.request.clientId } };
    }
    const login = { ok: true, username, fhirUser: user.fhirUser, clientId: p.request.clientId };
    this.deps.throttle.recordSuccess(username, address);
    if (needsRehash(user.passwordHash)) await this.users.put({ ...user, passwordHash: await hashPassword(password) });
    // An EHR launch is for the EHR user who started it; anyone else logging in would borrow their context.
    if (p.request.launch && p.request.launch.username !== user.username) {
      return { ...(await this.end(id, p, 'access_denied', 'The launch was started for another user')), login };
    }
    p.user = { username: user.username, fhirUser: user.fhirUser, authTime: Math.floor(this.now() / 1000), ...(user.roles?.length ? { roles: user.roles } : {}) };
    if (wantsPatientPicker(p)) {
      // A user who can only mean one patient (a patient themself) is not shown a picker.
      const choice = await patientChoice(user.fhirUser, this.deps.reader);
      if (choice.kind === 'none') return { ...(await this.end(id, p, 'access_denied', 'There is no patient this user may open the app for')), login };
      if (choice.kind === 'one') p.patient = choice.id;
    }
    await this.pending.save(id, p);
    return { ...see(continueAt(ctx, id)), login };
  }

  /** POST /authorize/patient. */
  async choosePatient(id: string | undefined, ctx: StepContext, patient: string): Promise<AuthorizeAnswer> {
    const p = await this.pending.get(id, ctx.browser);
    if (!p || id === undefined) return page(400, errorPage(EXPIRED));
    if (!p.user || !wantsPatientPicker(p)) return see(continueAt(ctx, id));
    const choice = await patientChoice(p.user.fhirUser, this.deps.reader);
    if (!(await mayChoose(choice, patient, this.deps.reader))) {
      const patients = await listPatients(choice, '', this.deps.reader, this.deps.fhirBase);
      const common = { base: ctx.base, requestId: id, clientName: p.request.clientName };
      return page(400, patientPickerPage({ ...common, name: '', patients, limit: PICKER_LIMIT, message: 'Choose one of the patients listed.' }));
    }
    p.patient = patient;
    await this.pending.save(id, p);
    return see(continueAt(ctx, id));
  }

  /** POST /authorize/consent: `allow` with the scopes left checked, or deny. */
  async consent(id: string | undefined, ctx: StepContext, allow: boolean, checked: string[]): Promise<AuthorizeAnswer> {
    const p = await this.pending.get(id, ctx.browser);
    if (!p || id === undefined) return page(400, errorPage(EXPIRED));
    if (!p.user || wantsPatientPicker(p)) return see(continueAt(ctx, id));
    if (!allow) return this.end(id, p, 'access_denied', 'The user denied access');
    // Only scopes that were asked for and shown: a hand-edited form cannot add any.
    const asked = p.request.scope.split(' ');
    const wanted = new Set(checked);
    // The audit trail only for auditors, whatever the app asked and the form says.
    const auditor = p.user.roles?.includes('auditor') ?? false;
    const granted = asked.filter((s) => wanted.has(s) && (auditor || !namesAuditEvent(s)));
    if (granted.length === 0) return this.end(id, p, 'access_denied', 'The user allowed none of the requested scopes');
    if (!(await this.pending.finish(id))) return page(400, errorPage(EXPIRED));
    return see(await issueCode(this.deps.records, this.now, p, granted));
  }

  /** Ends the authorization with an error redirect to the app. */
  private async end(id: string, p: PendingAuthorization, error: AuthorizeErrorCode, description: string): Promise<AuthorizeAnswer> {
    if (!(await this.pending.finish(id))) return page(400, errorPage(EXPIRED));
    return see(errorRedirect(p.request.redirectUri, error, description, p.request.state));
  }

  private async patientLabel(p: PendingAuthorization): Promise<{ patient?: string }> {
    const id = p.request.launch ? p.request.launch.context.patient : p.patient;
    if (id === undefined) return {};
    const stored = await this.deps.reader.read('Patient', id);
    const name = stored?.json === undefined ? undefined : displayName(JSON.parse(stored.json) as Record<string, unknown>);
    return { patient: name === undefined ? `id ${id}` : `${name} (id ${id})` };
  }
}
