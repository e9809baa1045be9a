/** vread: GET [base]/[type]/[id]/_history/[vid] (http.html#vread). */
import { badRequest, gone, notFound } from '../fhir/errors.js';
import { assertId, assertResourceType, readResult } from './resource-result.js';
import type { FhirResult, InteractionContext } from './types.js';

export async function vread(ctx: InteractionContext, type: string, id: string, vid: string): Promise<FhirResult> {
  assertResourceType(type);
  assertId(id);
  if (!/^[1-9]\d{0,15}$/.test(vid)) throw badRequest(`Invalid version id '${vid.slice(0, 40)}'`, 'vid');
  const v = await ctx.reader.vread(type, id, Number(vid));
  if (!v) throw notFound(`${type}/${id} has no version ${vid}`);
  if (v.deleted) throw gone(`Version ${vid} of ${type}/${id} is a deletion`);
  return readResult(v, ctx.baseUrl);
}
