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
import { requireAllowed } from './access-check.js';
import { matchIds } from './conditional.js';
import { remove } from './delete.js';
import { patch } from './patch.js';
import { assertResourceType } from './resource-result.js';
import type { FhirRequest, FhirResult, InteractionContext } from './types.js';
import { update } from './update.js';

const WHAT = { PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as const;

/**
 * The plain request a conditional PUT, PATCH or DELETE on [type]?criteria resolves to, on
 * `[type, id]`; undefined for a delete that matches nothing. Transactions call it before any entry
 * runs, so that references to the entry's fullUrl can be rewritten (http.html#trules).
 */
export async function resolveConditionalWrite(req: FhirRequest, reader: StoreReader, baseUrl: string): Promise<FhirRequest | undefined> {
  const type = req.path[0];
  const what = WHAT[req.method as keyof typeof WHAT];
  if (req.query.length === 0) throw badRequest(`A conditional ${what} needs search criteria: ${req.method} ${type}?...`);
  const matches = await matchIds(reader, type, req.query, baseUrl);
  if (matches.length > 1) throw preconditionFailed(`The criteria of this conditional ${what} match more than one ${type}; make them more selective`);
  let id = matches[0];
  if (req.method === 'PUT') {
    id = await conditionalUpdateTarget(reader, type, matches, req.body);
    if (isRecord(req.body)) req.body.id = id;
  } else if (id === undefined) {
    if (req.method === 'DELETE') return undefined;
    throw notFound(`No ${type} matches the criteria of this conditional patch`);
  }
  return { ...req, path: [type, id], query: [] };
}

/** PUT, PATCH or DELETE [base]/[type]?criteria: resolved and carried out in one transaction. */
export async function conditionalWrite(req: FhirRequest, ctx: InteractionContext, type: string): Promise<FhirResult> {
  assertResourceType(type);
  // The resolved update, patch or delete checks the resource it touches; this refuses a type the token
  // cannot write at all before its criteria are run (a delete matching nothing would otherwise succeed).
  // A PUT may turn into a create, which update() decides.
  if (req.method !== 'PUT') requireAllowed(ctx.access, type, req.method === 'DELETE' ? 'd' : 'u');
  return ctx.write(async (tx) => {
    const inner: InteractionContext = { ...ctx, reader: tx, write: (fn) => fn(tx) };
    // A copy of the body per run: resolving writes the chosen id into it, and the store may run this
    // function again after a conflict (PostgreSQL), when a concurrent request may have created the
    // match — the first run's id left in the body would then be refused as naming another resource.
    const body: unknown = req.body === undefined ? undefined : structuredClone(req.body);
    const plain = await resolveConditionalWrite({ ...req, path: [type], body }, tx, ctx.baseUrl);
    if (!plain) return { status: 200, outcome: informational(`No ${type} matched the criteria; nothing was deleted`) };
    const id = plain.path[1];
    if (plain.method === 'PUT') return update(plain, inner, type, id);
    if (plain.method === 'PATCH') return patch(plain, inner, type, id);
    return remove(plain, inner, type, id);
  });
}

/**
 * The id a conditional update writes, given what its criteria matched (at most one): the match; else
 * the body's id (update as create); else a new id.
 */
async function conditionalUpdateTarget(reader: StoreReader, type: string, matches: string[], body: unknown): Promise<string> {
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
