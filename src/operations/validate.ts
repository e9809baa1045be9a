/**
 * $validate (OperationDefinition Resource-validate, from HL7's package): type level with a resource
 * in the body, instance level on the body or the stored resource; `mode` and `profile`.
 * Returns 200 with an OperationOutcome whether or not the resource is valid (as the definition says).
 */
import { definitions } from '../fhir/definitions.js';
import { badRequest, informational, issue } from '../fhir/errors.js';
import type { OperationOutcome, Resource } from '../fhir/types.js';
import { WRITE_POLICY } from '../interactions/resource-body.js';
import { requireAnyAccess, requireVisible } from '../interactions/access-check.js';
import { parseStored, requireLive } from '../interactions/resource-result.js';
import { validateResource } from '../validation/validate.js';
import type { Operation, OperationDefinition } from './operation.js';
import { operationInput } from './parameters.js';

const MODES = new Set(['create', 'update', 'delete', 'profile']);

export const validateOperation: Operation = {
  definition: definitions().byCanonical('http://hl7.org/fhir/OperationDefinition/Resource-validate') as OperationDefinition,

  async handle(req, ctx, target) {
    const input = operationInput(req);
    const mode = input.values.get('mode')?.[0];
    if (mode !== undefined && !MODES.has(mode)) throw badRequest(`mode must be one of create, update, delete, profile — not '${mode}'`, 'mode');
    if ((mode === 'update' || mode === 'delete') && !target.id) throw badRequest(`mode=${mode} needs the instance level: [type]/[id]/$validate`, 'mode');
    // Validating a body reads nothing stored, but still takes a scope for the type; a stored resource
    // is checked as the interaction asked about (delete) or as a read.
    requireAnyAccess(ctx.access, target.type!, '$validate');
    if (mode === 'delete') {
      requireLive(await ctx.reader.read(target.type!, target.id!), target.type!, target.id!);
      await requireVisible(ctx.access, ctx.reader, ctx.baseUrl, target.type!, target.id!, 'd');
      return { status: 200, resource: informational('The resource may be deleted') };
    }
    let resource: Resource | undefined = input.resource;
    if (!resource && target.id) {
      resource = parseStored(requireLive(await ctx.reader.read(target.type!, target.id), target.type!, target.id));
      await requireVisible(ctx.access, ctx.reader, ctx.baseUrl, target.type!, target.id, 'r');
    }
    if (!resource) throw badRequest('Nothing to validate: send the resource, or a Parameters with a resource part', 'resource');
    const issues = [];
    if (resource.resourceType !== target.type) {
      issues.push(issue('error', 'invalid', `The resource is a ${String(resource.resourceType)}, not a ${target.type}`, 'resourceType'));
    }
    if (mode === 'update' && resource.id !== target.id) {
      issues.push(issue('error', 'invalid', `The resource's id '${String(resource.id)}' does not match '${target.id}'`, `${target.type}.id`));
    }
    const profiles = input.values.get('profile');
    // Asked whether it would be accepted as a write: the write policy; otherwise the full, strict report.
    const policy = mode === 'create' || mode === 'update' ? WRITE_POLICY : {};
    issues.push(...validateResource(resource, { ...policy, profiles }));
    const outcome: OperationOutcome = issues.length
      ? { resourceType: 'OperationOutcome', issue: issues }
      : informational('Validation successful: no issues found');
    return { status: 200, resource: outcome };
  },
};
