/**
 * The SMART authorize endpoint and its pages (mounted at /auth): GET and POST /authorize start an
 * authorization, GET /authorize/continue shows the current step, and /authorize/login, /patient and
 * /consent take the pages' form posts. The steps themselves are in auth/authorize-flow.ts; this file
 * only moves fields, the browser-binding cookie and the security headers of the pages.
 */
import express, { type Request, type Response } from 'express';
import type { AuthServer } from '../auth/auth-server.js';
import { AuthorizeFlow, type AuthorizeAnswer, type StepContext } from '../auth/authorize-flow.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import type { ResourceStore } from '../store/store.js';
import { authEvent, type AuthEventObserver } from './auth-events.js';
import type { AuthFailureObserver } from './auth-failure.js';

export interface AuthorizeRouterDeps {
  auth: AuthServer;
  store: ResourceStore;
  fhirBaseOf(req: Request): string;
  /** Shared by every request of this router; tests pass one with a clock or low limits. */
  throttle?: LoginThrottle;
  now?: () => number;
  onFailure?: AuthFailureObserver;
  /** Told of every login attempt (audit); a promise holds the answer back. */
  onAuthEvent?: AuthEventObserver;
}

const COOKIE = 'qiao_authz';
/** Passwords and a page's few fields; nothing legitimate is larger. */
const FORM_LIMIT = '16kb';

function cookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The pages allow no scripts, no foreign resources and no framing (clickjacking the Allow button), and
 * must never be cached (they carry the pending request's id). form-action names the app's origin where
 * a form post ends in a redirect to it: browsers apply form-action to redirects after a submission.
 */
function send(req: Request, res: Response, answer: AuthorizeAnswer): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
  if (answer.setBrowser !== undefined) {
    const secure = req.protocol === 'https' ? '; Secure' : '';
    res.append('Set-Cookie', `${COOKIE}=${answer.setBrowser}; Path=${req.baseUrl || ''}/authorize; HttpOnly; SameSite=Lax${secure}`);
  }
  if (answer.retryAfter !== undefined) res.set('Retry-After', String(answer.retryAfter));
  if (answer.location !== undefined) {
    res.status(answer.status).location(answer.location).end();
    return;
  }
  const formAction = ["'self'", ...(answer.formTargets ?? [])].join(' ');
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
  });
  res.status(answer.status).send(answer.html ?? '');
}

/** The raw query or form: RFC 6749 forbids repeated parameters, which a parsed object would hide. */
function queryOf(req: Request): URLSearchParams {
  const q = req.originalUrl.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1));
}

function formOf(req: Request): URLSearchParams {
  return new URLSearchParams(typeof req.body === 'string' ? req.body : '');
}

export function createAuthorizeRouter(deps: AuthorizeRouterDeps): express.Router {
  const throttle = deps.throttle ?? new LoginThrottle();
  const router = express.Router();
  const form = express.text({ type: 'application/x-www-form-urlencoded', limit: FORM_LIMIT });
  const flowFor = (req: Request) =>
    new AuthorizeFlow({
      records: deps.auth.records,
      reader: deps.store,
      fhirBase: deps.fhirBaseOf(req),
      throttle,
      ...(deps.now ? { now: deps.now } : {}),
    });
  const ctxOf = (req: Request): StepContext => ({ base: `${req.baseUrl}/authorize`, browser: cookieOf(req) });
  const field = (f: URLSearchParams, name: string) => f.get(name) ?? undefined;

  router.get('/authorize', async (req, res) => {
    send(req, res, await flowFor(req).start(queryOf(req), ctxOf(req), 'GET'));
  });
  router.post('/authorize', form, async (req, res) => {
    send(req, res, await flowFor(req).start(formOf(req), ctxOf(req), 'POST'));
  });
  router.get('/authorize/continue', async (req, res) => {
    const q = queryOf(req);
    send(req, res, await flowFor(req).show(field(q, 'request'), ctxOf(req), (q.get('name') ?? '').slice(0, 200)));
  });
  router.post('/authorize/login', form, async (req, res) => {
    const f = formOf(req);
    const address = req.socket.remoteAddress ?? 'unknown';
    const answer = await flowFor(req).login(field(f, 'request'), ctxOf(req), (f.get('username') ?? '').slice(0, 256), f.get('password') ?? '', address);
    // A wrong username or password shows the login page again (200); too many, a 429.
    if (answer.status === 429) deps.onFailure?.('authorize', 'login_throttled');
    else if (answer.status === 200 && answer.html !== undefined) deps.onFailure?.('authorize', 'login_failure');
    if (answer.login && deps.onAuthEvent) {
      const { ok, username, fhirUser, clientId } = answer.login;
      const who = { clientId, username, ...(fhirUser ? { fhirUser, subject: username } : {}) };
      const wait = deps.onAuthEvent(authEvent(req, deps.fhirBaseOf(req), 'login', ok ? 200 : answer.status === 429 ? 429 : 401, { who, error: ok ? undefined : 'The username or password is incorrect, or sign-in is throttled' }));
      if (wait instanceof Promise) await wait;
    }
    send(req, res, answer);
  });
  router.post('/authorize/patient', form, async (req, res) => {
    const f = formOf(req);
    send(req, res, await flowFor(req).choosePatient(field(f, 'request'), ctxOf(req), f.get('patient') ?? ''));
  });
  router.post('/authorize/consent', form, async (req, res) => {
    const f = formOf(req);
    send(req, res, await flowFor(req).consent(field(f, 'request'), ctxOf(req), f.get('decision') === 'allow', f.getAll('scope')));
  });
  return router;
}
