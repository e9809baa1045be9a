/**
 * Contract of the validator (owned by the validation work; this placeholder only checks the basics
 * so the server runs while the StructureDefinition-driven validator is built).
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { isRecord } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import { definitions } from '../fhir/definitions.js';

export interface ValidateOptions {
  /** Profiles (canonical URLs) to validate against besides the base type and meta.profile. */
  profiles?: string[];
}

/** Validates a resource; returns every issue found (errors, warnings, information), never throws for bad input. */
export function validateResource(resource: unknown, _options: ValidateOptions = {}): OperationOutcomeIssue[] {
  if (!isRecord(resource)) return [issue('error', 'structure', 'A resource must be a JSON object')];
  const type = resource.resourceType;
  if (typeof type !== 'string' || !definitions().isResourceType(type))
    return [issue('error', 'structure', `Unknown resourceType '${String(type)}'`, 'resourceType')];
  return [];
}
