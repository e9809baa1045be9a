/**
 * Compartment search (search.html#compartments): GET [base]/Patient/[id]/[type]?... (also Encounter,
 * Practitioner, RelatedPerson and Device compartments), and [base]/Patient/[id]/* for every type in
 * the compartment. The same search as at type level, restricted to the compartment's members as the
 * official CompartmentDefinition defines them.
 */
import { compartment, compartmentTypes } from '../search/compartment.js';
import { assertId, assertResourceType } from './resource-result.js';
import { runSearch } from './search.js';
import type { FhirRequest, FhirResult, InteractionContext } from './types.js';

export async function compartmentSearch(req: FhirRequest, ctx: InteractionContext, owner: string, id: string, type: string): Promise<FhirResult> {
  assertResourceType(owner);
  assertId(id);
  if (type !== '*') assertResourceType(type);
  const scope = compartment(owner, id, type === '*' ? undefined : [type]);
  return runSearch(req, ctx, compartmentTypes(scope), `${ctx.baseUrl}/${owner}/${id}/${type}`, (query) => {
    query.compartment = scope;
  });
}
