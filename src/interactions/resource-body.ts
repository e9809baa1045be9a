/** Checks of a request body that must be a resource of the URL's type, and validation before a write. */
import { badRequest, unprocessable } from '../fhir/errors.js';
import type { Resource } from '../fhir/types.js';
import { isRecord } from '../fhir/types.js';
import { checkSearchParameter } from '../search/custom-params.js';
import { validateResource } from '../validation/validate.js';

export function requireResourceBody(body: unknown, type: string): Resource {
  if (!isRecord(body)) throw badRequest('The request body must be a FHIR resource (a JSON object)');
  if (body.resourceType !== type) {
    throw badRequest(
      `The body's resourceType '${String(body.resourceType)}' does not match the URL's type '${type}'`,
      'resourceType',
    );
  }
  return body as Resource;
}

/**
 * What a write must meet: everything the validator reports as an error, except that a code a complete
 * CodeSystem does not define is a warning where no required binding applies (ValidateOptions.unknownCodes).
 */
export const WRITE_POLICY = { unknownCodes: 'warning' } as const;

/** 422 with every error the validator finds; warnings do not block the write. */
export function validateForWrite(resource: Resource): void {
  const issues = validateResource(resource, WRITE_POLICY);
  if (issues.some((i) => i.severity === 'error' || i.severity === 'fatal')) throw unprocessable(issues);
  // A custom SearchParameter takes effect once stored, so one that cannot work is refused here.
  if (resource.resourceType === 'SearchParameter') checkSearchParameter(resource);
}
