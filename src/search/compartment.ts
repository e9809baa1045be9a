/**
 * Compartments (compartmentdefinition.html, search.html#compartments): which resources belong to a
 * Patient's (or Encounter's, Practitioner's, RelatedPerson's, Device's) compartment, from HL7's
 * official CompartmentDefinitions. A resource is in the compartment of X when one of the listed
 * reference parameters of its type points at X; X itself is in its own compartment.
 */
import { definitions } from '../fhir/definitions.js';
import { badRequest } from '../fhir/errors.js';
import { searchParam } from './registry.js';
import type { Compartment } from './types.js';

export const COMPARTMENT_TYPES = ['Patient', 'Encounter', 'RelatedPerson', 'Practitioner', 'Device'] as const;
export type CompartmentType = (typeof COMPARTMENT_TYPES)[number];

const memberships = new Map<CompartmentType, Map<string, string[]>>();

export function isCompartmentType(type: string): type is CompartmentType {
  return (COMPARTMENT_TYPES as readonly string[]).includes(type);
}

/** For each resource type in the compartment: its reference parameters that make a resource a member. */
export function compartmentMembership(type: CompartmentType): Map<string, string[]> {
  let out = memberships.get(type);
  if (!out) {
    out = new Map();
    for (const r of definitions().compartmentDefinition(type).resource) {
      // '{def}' (the resource itself) and parameters that are not references cannot link a member.
      const params = (r.param ?? []).filter((p) => searchParam(r.code, p)?.type === 'reference');
      if (params.length) out.set(r.code, params);
    }
    memberships.set(type, out);
  }
  return out;
}

/**
 * The compartment of `owner/id` restricted to `types` (undefined: every member type, and the owner
 * itself). A type outside the compartment is a 400 naming it.
 */
export function compartment(owner: string, id: string, types?: string[]): Compartment {
  if (!isCompartmentType(owner)) throw badRequest(`${owner} has no compartment (compartments: ${COMPARTMENT_TYPES.join(', ')})`);
  const membership = compartmentMembership(owner);
  const params: Record<string, string[]> = {};
  // Every member type but the audit trail: AuditEvents about a patient are read by naming AuditEvent.
  const wanted = types ?? [...membership.keys(), owner].filter((t) => t !== 'AuditEvent');
  for (const type of wanted) {
    const list = membership.get(type);
    if (list) params[type] = list;
    else if (type !== owner) throw badRequest(`${type} resources are not in the ${owner} compartment`);
  }
  return { type: owner, id, params, includesOwner: wanted.includes(owner) };
}

/** The resource types a compartment search covers: the member types, and the owner's type when it is included. */
export function compartmentTypes(c: Compartment): string[] {
  const types = Object.keys(c.params);
  if (c.includesOwner && !types.includes(c.type)) types.push(c.type);
  return types;
}
