/**
 * $reindex (conformance/OperationDefinition-reindex.json): rebuilds search index rows from stored
 * resources, after custom SearchParameters are added or changed (search.html#custom). System level
 * (optionally `type`), type level, or one instance. Answers a Parameters with `reindexed`.
 */
import { definitions } from '../fhir/definitions.js';
import { badRequest } from '../fhir/errors.js';
import { conformanceResource } from '../fhir/conformance.js';
import { requireUnrestricted } from '../interactions/access-check.js';
import type { ReindexOptions } from '../store/store.js';
import type { Operation, OperationDefinition } from './operation.js';
import { operationInput } from './parameters.js';

export const reindexOperation: Operation = {
  definition: conformanceResource<OperationDefinition>('OperationDefinition-reindex.json'),

  async handle(req, ctx, target) {
    const input = operationInput(req);
    const types = (input.values.get('type') ?? []).flatMap((v) => v.split(',')).filter((t) => t !== '');
    if (types.length && target.type) throw badRequest('type applies at the system level only: [base]/$reindex?type=...', 'type');
    for (const t of types) if (!definitions().isResourceType(t)) throw badRequest(`'${t}' is not a resource type`, 'type');
    // Maintenance, not data access: only a system/ scope reaching every resource reindexed may ask for it.
    requireUnrestricted(ctx.access, target.type ? [target.type] : types, 'u', '$reindex', ['system']);
    const options: ReindexOptions = target.type ? { types: [target.type], id: target.id } : { types };
    // Reindexing commits batch by batch, which cannot be part of an all-or-nothing Bundle.
    if (ctx.inTransaction) throw badRequest('$reindex cannot run inside a transaction Bundle');
    const reindexed = await ctx.maintenance.reindex(options);
    return { status: 200, resource: { resourceType: 'Parameters', parameter: [{ name: 'reindexed', valueInteger: reindexed }] } as never };
  },
};
