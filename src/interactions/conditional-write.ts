/**
 * Conditional update, patch and delete (http.html#cond-update, #patch, #cdelete): PUT, PATCH and
 * DELETE on [base]/[type]?criteria. The criteria are matched inside the write transaction, so the
 * decision and the write see the same data.
 *
 * - update: no match → create (with the body's id when it has one, else a new one; 409 when that id
 *   exists but does not match); one match → update it (a body id naming another resource is a 400);
 *   several → 412.
 * - patch: one match → patch it; none → 404; several → 412.
 * - delete: one match → delete it; none → 200 saying nothing matched; several → 412
 *   (conditionalDelete 'single' in the CapabilityStatement).
 */
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, informational, notFound, preconditionFailed } from '../fhir/errors.js';
import { isRecord } from '../fhir/types.js';
import type { StoreReader } from '../store/store.js';
import { matchIds } from './conditional.js';
import { remove } from './delete.js';
import { patch } from './patch.js';
import { assertResourceType } from './resource-result.js';
import type { FhirRequest, FhirResult, InteractionContext } from './types.js';
import { update } from './update.js';

type Write = (req: FhirRequest, ctx: InteractionContext, matches: string[]) => Promise<FhirResult>;

/** Runs `write` inside one transaction, with the ids the request's criteria match. */
function conditional(type: string, what: string, write: Write) {
  return async (req: FhirRequest, ctx: InteractionContext): Promise<FhirResult> => {
    assertResourceType(type);
    if (req.query.length === 0) throw badRequest(`A conditional ${what} needs search criteria: ${req.method} ${type}?...`);
    return ctx.write(async (tx) => {
      const inner: InteractionContext = { ...ctx, reader: tx, write: (fn) => fn(tx) };
      const matches = await matchIds(tx, type, req.query, ctx.baseUrl);
      if (matches.length > 1) throw preconditionFailed(`The criteria of this conditional ${what} match more than one ${type}; make them more selective`);
      return write({ ...req, query: [] }, inner, matches);
    });
  };
}

export function conditionalUpdate(req: FhirRequest, ctx: InteractionContext, type: string): Promise<FhirResult> {
  return conditional(type, 'update', async (r, c, matches) => {
    const id = await conditionalUpdateTarget(c.reader, type, matches, r.body);
    if (isRecord(r.body)) r.body.id = id;
    return update(r, c, type, id);
  })(req, ctx);
}

/**
 * The id a conditional update writes, given what its criteria matched (at most one): the match; else
 * the body's id (update as create); else a new id. Also used by transactions, which must know the id
 * before any entry runs so that references to the entry's fullUrl can be rewritten.
 */
export async function conditionalUpdateTarget(reader: StoreReader, type: string, matches: string[], body: unknown): Promise<string> {
  const bodyId = isRecord(body) && typeof body.id === 'string' ? body.id : undefined;
  const [match] = matches;
  if (match !== undefined) {
    if (bodyId !== undefined && bodyId !== match) {
      throw badRequest(`The body's id '${bodyId}' differs from the resource the criteria match (${type}/${match})`, `${type}.id`);
    }
    return match;
  }
  if (bodyId === undefined) return randomUUID();
  // The body names a resource that exists but does not meet the criteria: updating it would bypass
  // them (R5 makes this explicit: 409).
  const existing = await reader.read(type, bodyId);
  if (existing && !existing.deleted) throw conflict(`${type}/${bodyId} exists but does not match the criteria of this conditional update`);
  return bodyId;
}

export function conditionalPatch(req: FhirRequest, ctx: InteractionContext, type: string): Promise<FhirResult> {
  return conditional(type, 'patch', async (r, c, [match]) => {
    if (match === undefined) throw notFound(`No ${type} matches the criteria of this conditional patch`);
    return patch(r, c, type, match);
  })(req, ctx);
}

export function conditionalDelete(req: FhirRequest, ctx: InteractionContext, type: string): Promise<FhirResult> {
  return conditional(type, 'delete', async (r, c, [match]) => {
    if (match === undefined) return { status: 200, outcome: informational(`No ${type} matched the criteria; nothing was deleted`) };
    return remove(r, c, type, match);
  })(req, ctx);
}
