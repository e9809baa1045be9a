/** vread: GET [base]/[type]/[id]/_history/[vid] (http.html#vread). */
import { badRequest, gone, notFound } from '../fhir/errors.js';
import { requireAllowed, requireVisible } from './access-check.js';
import { assertId, assertResourceType, readResult } from './resource-result.js';
import type { FhirResult, InteractionContext } from './types.js';

export async function vread(ctx: InteractionContext, type: string, id: string, vid: string): Promise<FhirResult> {
  assertResourceType(type);
  assertId(id);
  if (!/^[1-9]\d{0,15}$/.test(vid)) throw badRequest(`Invalid version id '${vid.slice(0, 40)}'`, 'vid');
  requireAllowed(ctx.access, type, 'r');
  const v = await ctx.reader.vread(type, id, Number(vid));
  if (!v) throw notFound(`${type}/${id} has no version ${vid}`);
  if (v.deleted) throw gone(`Version ${vid} of ${type}/${id} is a deletion`);
  // Decided on the current version: only it is indexed. So an old version of a deleted resource is
  // refused under a patient/ or restricted scope (fail closed).
  await requireVisible(ctx.access, ctx.reader, ctx.baseUrl, type, id, 'r');
  return readResult(v, ctx.baseUrl);
}
