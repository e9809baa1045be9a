/** read: GET [base]/[type]/[id] (http.html#read), with If-None-Match and If-Modified-Since (304). */
import { requireAllowed, requireVisible } from './access-check.js';
import { assertId, assertResourceType, etag, readResult, requireLive } from './resource-result.js';
import type { FhirRequest, FhirResult, InteractionContext } from './types.js';

export async function read(req: FhirRequest, ctx: InteractionContext, type: string, id: string): Promise<FhirResult> {
  assertResourceType(type);
  assertId(id);
  requireAllowed(ctx.access, type, 'r');
  const v = requireLive(await ctx.reader.read(type, id), type, id);
  await requireVisible(ctx.access, ctx.reader, ctx.baseUrl, type, id, 'r');
  const result = readResult(v, ctx.baseUrl);
  if (notModified(req, v.versionId, v.lastUpdated)) return { status: 304, headers: result.headers };
  return result;
}

function notModified(req: FhirRequest, versionId: number, lastUpdated: string): boolean {
  const inm = req.headers.ifNoneMatch;
  if (inm !== undefined) {
    const tags = inm.split(',').map((t) => t.trim());
    return tags.includes('*') || tags.includes(etag(versionId)) || tags.includes(`"${versionId}"`);
  }
  const ims = req.headers.ifModifiedSince;
  if (ims !== undefined) {
    const since = Date.parse(ims);
    // HTTP dates have one-second precision; compare at that precision.
    return !Number.isNaN(since) && Math.floor(Date.parse(lastUpdated) / 1000) * 1000 <= since;
  }
  return false;
}

