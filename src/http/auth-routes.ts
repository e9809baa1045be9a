/**
 * The authorization server's HTTP endpoints below /auth: token, introspection, revocation, the JWKS,
 * and the OpenID Connect discovery document at the issuer. Each hands the raw form to the framework-free
 * handler in src/auth and writes its answer; the authorize flow has its own router (authorize-routes.ts).
 */
import cors from 'cors';
import express, { type Request, type Response } from 'express';
import type { AuthServer } from '../auth/auth-server.js';
import { authUrls } from '../auth/auth-server.js';
import { openidConfiguration } from '../auth/discovery.js';
import type { EndpointResponse } from '../auth/introspect-endpoint.js';
import { handleIntrospection } from '../auth/introspect-endpoint.js';
import { publicJwks } from '../auth/keys.js';
import { handleRevocation } from '../auth/revoke-endpoint.js';
import { SMART_STYLE, SMART_STYLE_PATH } from '../auth/smart-style.js';
import { handleTokenRequest } from '../auth/token-endpoint.js';
import { endpointEvent, type AuthEventObserver } from './auth-events.js';
import type { AuthFailureObserver } from './auth-failure.js';

export interface AuthRoutesOptions {
  auth: AuthServer;
  fhirBaseOf(req: Request): string;
  onFailure?: AuthFailureObserver;
  /** Told of every token, introspection and revocation answer (audit); a promise holds the answer back. */
  onAuthEvent?: AuthEventObserver;
}

/** Token requests are small; anything larger is refused before parsing. */
const FORM_LIMIT = '64kb';

export function createAuthRoutes(options: AuthRoutesOptions): express.Router {
  const { auth, fhirBaseOf } = options;
  const router = express.Router();
  // Why the raw text: RFC 6749 §3.2 forbids repeated parameters, which a parsed object would hide.
  const form = express.text({ type: () => true, limit: FORM_LIMIT });
  const open = cors({ maxAge: 86400 });
  const refused = <A extends { status: number; body: object }>(endpoint: 'token' | 'introspect' | 'revoke', answer: A): A => {
    if (answer.status >= 400) options.onFailure?.(endpoint, String((answer.body as { error?: unknown }).error));
    return answer;
  };

  const audited = async <A extends { status: number; body: object }>(req: Request, kind: 'token' | 'introspect' | 'revoke', answer: A): Promise<A> => {
    const wait = options.onAuthEvent?.(endpointEvent(req, fhirBaseOf(req), kind, answer));
    if (wait instanceof Promise) await wait;
    return answer;
  };

  router.get('/.well-known/openid-configuration', open, (req, res) => {
    sendJson(res, 200, openidConfiguration(authUrls(fhirBaseOf(req))));
  });
  router.get(SMART_STYLE_PATH, open, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    sendJson(res, 200, SMART_STYLE);
  });
  router.get('/jwks', open, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    sendJson(res, 200, publicJwks(auth.keys));
  });
  // Browser apps (public clients) call the token endpoint cross-origin.
  router.options('/token', open);
  router.post('/token', open, form, async (req, res) => {
    const answer = await handleTokenRequest(
      { form: formOf(req), authorization: req.get('authorization'), contentType: req.get('content-type') },
      auth.tokenDeps(fhirBaseOf(req)),
    );
    send(res, refused('token', await audited(req, 'token', answer)));
  });
  router.post('/introspect', form, async (req, res) => {
    const answer = await handleIntrospection({ form: formOf(req), authorization: req.get('authorization') }, auth.introspectionDeps(fhirBaseOf(req)));
    send(res, refused('introspect', await audited(req, 'introspect', answer)));
  });
  router.options('/revoke', open);
  router.post('/revoke', open, form, async (req, res) => {
    const answer = await handleRevocation({ form: formOf(req), authorization: req.get('authorization') }, auth.introspectionDeps(fhirBaseOf(req)));
    send(res, refused('revoke', await audited(req, 'revoke', answer)));
  });
  return router;
}

function formOf(req: Request): URLSearchParams {
  return new URLSearchParams(typeof req.body === 'string' ? req.body : '');
}

function send(res: Response, answer: EndpointResponse | { status: number; headers: Record<string, string>; body: object }): void {
  res.status(answer.status).set(answer.headers).send(JSON.stringify(answer.body));
}

function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(JSON.stringify(body));
}
