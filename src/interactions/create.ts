/** create: POST [base]/[type] (http.html#create), with conditional create via If-None-Exist. */
import { randomUUID } from 'node:crypto';
import { preconditionFailed } from '../fhir/errors.js';
import { requireAllowed, requireVisible } from './access-check.js';
import { criteriaOf, matchIds } from './conditional.js';
import { assertResourceType, resourceResult } from './resource-result.js';
import { requireResourceBody, validateForWrite } from './resource-body.js';
import type { FhirRequest, FhirResult, InteractionContext } from './types.js';

export async function create(req: FhirRequest, ctx: InteractionContext, type: string, id?: string): Promise<FhirResult> {
  assertResourceType(type);
  const resource = requireResourceBody(req.body, type);
  requireAllowed(ctx.access, type, 'c');
  validateForWrite(resource);
  return ctx.write(async (tx) => {
    const condition = req.headers.ifNoneExist;
    if (condition) {
      const ids = await matchIds(tx, type, criteriaOf(condition), ctx.baseUrl);
      if (ids.length > 1) throw preconditionFailed(`If-None-Exist '${condition}' matched more than one ${type}`);
      if (ids.length === 1) {
        const existing = (await tx.read(type, ids[0]))!;
        // The match is returned to the client: a read.
        await requireVisible(ctx.access, tx, ctx.baseUrl, type, ids[0], 'r');
        return resourceResult(200, existing, ctx.baseUrl);
      }
    }
    // The server assigns the id; a client-supplied id is ignored (http.html#create). The body was
    // parsed for this request alone, so the store may set its id and meta in place.
    const stored = await tx.write(type, id ?? randomUUID(), resource, 'POST');
    // After the write, inside its transaction: a resource outside the grant (another patient's) is
    // refused and rolled back, never stored.
    await requireVisible(ctx.access, tx, ctx.baseUrl, type, stored.id, 'c');
    return resourceResult(201, stored, ctx.baseUrl);
  });
}
