/**
 * Turns an AccessControl's rules (access.ts) into the search layer's access alternatives
 * (search/types.ts AccessAlternative), which the store applies as SQL to matches, counts and includes.
 *
 * - A patient/ path reaches only the launch patient's compartment (the official Patient
 *   CompartmentDefinition; the Patient itself is in its own compartment). A type outside that
 *   compartment gets nothing from a patient/ scope: there is no patient to confine it to.
 * - A `?param=value` restriction is parsed as a search on the type, strictly: a parameter the type
 *   does not know, or anything that is not a plain condition, makes that path reach nothing (fail
 *   closed) rather than everything.
 */
import { definitions } from '../fhir/definitions.js';
import { compartment, compartmentMembership } from '../search/compartment.js';
import { parseSearch } from '../search/parse/parse-query.js';
import type { AccessAlternative, Condition } from '../search/types.js';
import type { AccessControl, AccessInteraction, AccessPath } from './access.js';

/**
 * The alternatives under which resources of `types` (every type when empty) are visible for
 * `interaction`: undefined when the token reaches all of them unrestricted (nothing to filter), an
 * empty list when it reaches none.
 */
export function accessAlternatives(access: AccessControl, types: readonly string[], interaction: AccessInteraction): AccessAlternative[] | undefined {
  const candidates = types.length ? types : definitions().resourceTypes();
  const unrestricted = new Set<string>();
  const byPatient = new Map<string, string[]>();
  const restricted: AccessAlternative[] = [];
  for (const type of candidates) {
    const rule = access.rule(type, interaction);
    if (rule.kind === 'denied') continue;
    if (rule.kind === 'unrestricted') {
      unrestricted.add(type);
      continue;
    }
    for (const path of rule.anyOf) {
      const alt = pathAlternative(type, path);
      if (!alt) continue;
      // The common patient/*.rs: one compartment test for all the types it covers, not one per type.
      if (alt.conditions.length === 0 && path.patient !== undefined) byPatient.set(path.patient, [...(byPatient.get(path.patient) ?? []), type]);
      else if (alt.conditions.length === 0 && !alt.compartment) unrestricted.add(type);
      else restricted.push(alt);
    }
  }
  if (unrestricted.size === candidates.length) return undefined;
  const out: AccessAlternative[] = [];
  if (unrestricted.size) out.push({ types: [...unrestricted], conditions: [] });
  for (const [patient, list] of byPatient) out.push({ types: list, compartment: compartment('Patient', patient, list), conditions: [] });
  return [...out, ...restricted];
}

/** One path for one type; undefined when it can reach nothing of that type. */
function pathAlternative(type: string, path: AccessPath): AccessAlternative | undefined {
  if (path.patient !== undefined && !inPatientCompartment(type)) return undefined;
  const conditions = restrictionConditions(type, path.restriction);
  if (!conditions) return undefined;
  const alt: AccessAlternative = { types: [type], conditions };
  if (path.patient !== undefined) alt.compartment = compartment('Patient', path.patient, [type]);
  return alt;
}

function inPatientCompartment(type: string): boolean {
  return type === 'Patient' || compartmentMembership('Patient').has(type);
}

/** A restriction as search conditions on `type`; undefined when it is not a plain, known search (fail closed). */
function restrictionConditions(type: string, restriction: AccessPath['restriction']): Condition[] | undefined {
  if (restriction.length === 0) return [];
  try {
    const query = parseSearch([type], restriction.map(([p, v]) => [p, v]), { strict: true });
    // Result parameters (_count, _sort, _include...) and empty values yield no condition: not a restriction.
    return query.conditions.length === restriction.length ? query.conditions : undefined;
  } catch {
    return undefined;
  }
}
