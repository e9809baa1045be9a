/**
 * Routes a FhirRequest to its interaction or operation. Express-free: the HTTP layer and the Bundle
 * processor (for each entry) both call it.
 */
import { definitions } from '../fhir/definitions.js';
import { methodNotAllowed, notFound } from '../fhir/errors.js';
import { processBundle } from '../interactions/bundle/process-bundle.js';
import type { ReturnPreference } from '../interactions/bundle/entry-response.js';
import { assertId, assertResourceType } from '../interactions/resource-result.js';
import type { FhirRequest, FhirResult, InteractionContext } from '../interactions/types.js';
import { appliesTo } from '../operations/operation.js';
import { findOperation } from '../operations/registry.js';
import { capabilityStatement } from './capability-statement.js';
import { matchPattern, ROUTES } from './routes.js';
import { search } from '../interactions/search.js';

export async function dispatch(req: FhirRequest, ctx: InteractionContext): Promise<FhirResult> {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const { path } = req;
  if (path.length === 0) {
    if (method === 'POST') return processBundle(req, ctx, returnPreference(req.headers.prefer) ?? 'minimal');
    if (method === 'GET') return search(req, ctx, undefined);
    throw methodNotAllowed(`${method} is not supported on the base URL (GET searches, POST takes a batch or transaction Bundle)`, ['GET', 'HEAD', 'POST']);
  }
  if (path.length === 1 && path[0] === 'metadata') {
    if (method !== 'GET') throw methodNotAllowed('metadata supports GET only', ['GET', 'HEAD']);
    return { status: 200, resource: capabilityStatement(ctx.baseUrl) };
  }
  const last = path[path.length - 1];
  if (last.startsWith('$')) return dispatchOperation(req, ctx, method, last.slice(1));
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const params = matchPattern(route.pattern, path);
    if (!params) continue;
    if (route.method === method) {
      // A PUT that creates an AuditEvent is a create; update.ts refuses one that would change an existing one.
      if (params.type === 'AuditEvent' && IMMUTABLE.has(method) && !(method === 'PUT' && params.id !== undefined)) throw auditImmutable(method);
      return route.handle(req, ctx, params);
    }
    allowed.push(route.method);
  }
  if (allowed.length) {
    // Only a route binding :type can make path[0] a type; `_history` at the base is not one.
    if (!path[0].startsWith('_') && !definitions().isResourceType(path[0])) throw notFound(`Unknown resource type '${path[0]}'`);
    throw methodNotAllowed(`${method} is not allowed on ${path.join('/')}`, allowed);
  }
  throw notFound(`No FHIR endpoint at /${path.join('/').slice(0, 200)}`);
}

/** The audit trail is append-only (issue 6): an AuditEvent is never updated, patched or deleted through the API. */
const IMMUTABLE = new Set(['PUT', 'PATCH', 'DELETE']);

function auditImmutable(method: string) {
  return methodNotAllowed(`AuditEvents are immutable: ${method} is not allowed (retention removes old ones)`, ['GET', 'HEAD', 'POST']);
}

async function dispatchOperation(req: FhirRequest, ctx: InteractionContext, method: string, code: string): Promise<FhirResult> {
  // $op at the base, [type]/$op or [type]/[id]/$op (operations.html#invoking).
  if (req.path.length > 3) throw notFound('No such operation endpoint');
  const [type, id] = req.path.length === 1 ? [undefined, undefined] : [req.path[0], req.path.length === 3 ? req.path[1] : undefined];
  const op = findOperation(code);
  if (type) assertResourceType(type);
  if (id) assertId(id);
  if (!op || !appliesTo(op.definition, { type, id })) {
    throw notFound(`Operation $${code} is not defined at ${type ? (id ? 'instance' : 'type') + ' level for ' + type : 'system level'}`);
  }
  // Operations that change nothing may be invoked with GET (operations.html#request).
  const allowed = op.definition.affectsState ? ['POST'] : ['GET', 'POST'];
  if (!allowed.includes(method)) throw methodNotAllowed(`$${code} supports ${allowed.join(' and ')}`, allowed);
  return op.handle(req, ctx, { type, id });
}

/** The `return` preference of a Prefer header (http.html#ops), when the client stated one. */
export function returnPreference(prefer: string | undefined): ReturnPreference | undefined {
  const m = /return=(minimal|representation|OperationOutcome)/.exec(prefer ?? '');
  return m?.[1] as ReturnPreference | undefined;
}
