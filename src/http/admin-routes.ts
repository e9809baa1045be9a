/**
 * The administration API below /auth/admin (issue 5 item 6): the same operations as `qiao client`,
 * `qiao user` and `qiao launch`, as JSON over HTTP for administrators' tools. Only a token with full
 * system access (`system/*.*`, e.g. from `qiao token`) may call it; errors are OperationOutcomes.
 */
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isAdminGrant } from '../auth/admin-token.js';
import type { AuthServer } from '../auth/auth-server.js';
import { createClientRegistration, type ClientRegistrationRequest } from '../auth/client-registration.js';
import { createLaunch, LaunchError } from '../auth/launch.js';
import { hashPassword } from '../auth/password.js';
import { parseScopes } from '../auth/scopes.js';
import { userProblem, Users } from '../auth/users.js';
import { badRequest, issue, notFound, OperationOutcomeError } from '../fhir/errors.js';
import type { ResourceStore } from '../store/store.js';
import { authEvent, type AuthEventObserver } from './auth-events.js';

export interface AdminRoutesOptions {
  auth: AuthServer;
  store: ResourceStore;
  fhirBaseOf(req: Request): string;
  /** Told of every EHR launch created or refused (audit). */
  onAuthEvent?: AuthEventObserver;
}

type Handler = (req: Request, res: Response) => Promise<void>;

export function createAdminRoutes(o: AdminRoutesOptions): express.Router {
  const router = express.Router();
  const users = new Users(o.auth.records);
  router.use(express.json({ limit: '256kb' }));
  router.use((req, res, next) => void requireAdmin(o, req).then(() => next(), next));

  const audited = async (req: Request, status: number, b: { user?: unknown; patient?: unknown }, error?: string) => {
    const username = typeof b.user === 'string' ? b.user : undefined;
    const patient = typeof b.patient === 'string' ? b.patient : undefined;
    const wait = o.onAuthEvent?.(authEvent(req, o.fhirBaseOf(req), 'launch', status, { who: { username }, patient, error }));
    if (wait instanceof Promise) await wait;
  };
  const route = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => void fn(req, res).catch(next);
  router.get('/clients', route(async (_req, res) => void res.json(await o.auth.clients.list())));
  router.post(
    '/clients',
    route(async (req, res) => {
      const body = objectBody(req) as ClientRegistrationRequest;
      const generated = body.type === 'confidential-symmetric' && body.secret === undefined ? randomBytes(32).toString('base64url') : undefined;
      const registration = await createClientRegistration(generated ? { ...body, secret: generated } : body);
      await o.auth.clients.put(registration);
      const { secretHash: _hidden, ...shown } = registration;
      res.status(201).json(generated ? { ...shown, secret: generated } : shown);
    }),
  );
  router.delete(
    '/clients/:id',
    route(async (req, res) => {
      if (!(await o.auth.clients.remove(String(req.params.id)))) throw notFound(`No client '${String(req.params.id)}'`);
      res.status(204).end();
    }),
  );
  router.get('/users', route(async (_req, res) => void res.json(await users.list())));
  router.post(
    '/users',
    route(async (req, res) => {
      const { username, password, fhirUser } = objectBody(req) as { username?: unknown; password?: unknown; fhirUser?: unknown };
      if (typeof password !== 'string' || password === '') throw badRequest('password: a non-empty string', 'password');
      const problem = userProblem({ username: String(username ?? ''), fhirUser: String(fhirUser ?? ''), passwordHash: 'scrypt$' });
      if (problem) throw badRequest(problem, problem.split(':')[0]);
      await users.put({ username: String(username), fhirUser: String(fhirUser), passwordHash: await hashPassword(password) });
      res.status(201).json({ username, fhirUser });
    }),
  );
  router.delete(
    '/users/:username',
    route(async (req, res) => {
      if (!(await users.remove(String(req.params.username)))) throw notFound(`No user '${String(req.params.username)}'`);
      res.status(204).end();
    }),
  );
  router.post(
    '/launch',
    route(async (req, res) => {
      const b = objectBody(req) as { user?: unknown; patient?: unknown; encounter?: unknown; app?: unknown };
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      try {
        const launch = await createLaunch(
          o.auth.records,
          o.fhirBaseOf(req),
          { username: str(b.user) ?? '', patient: str(b.patient) ?? '', encounter: str(b.encounter), appLaunchUrl: str(b.app) },
          o.store,
        );
        await audited(req, 201, b);
        res.status(201).json(launch);
      } catch (err) {
        if (!(err instanceof LaunchError)) throw err;
        await audited(req, 400, b, err.message);
        throw badRequest(err.message);
      }
    }),
  );
  return router;
}

async function requireAdmin(o: AdminRoutesOptions, req: Request): Promise<void> {
  const claims = await o.auth.verify(req.get('authorization'), o.fhirBaseOf(req));
  if (!isAdminGrant(parseScopes(claims.scope).scopes)) {
    throw new OperationOutcomeError(403, [issue('error', 'forbidden', 'The administration API needs a token with system/*.* (see qiao token)')]);
  }
}

function objectBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a JSON object');
  return body as Record<string, unknown>;
}
