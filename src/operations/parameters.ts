/** Reading operation input: a Parameters body, a bare resource body, or query parameters (operations.html). */
import { badRequest } from '../fhir/errors.js';
import type { Parameters, Resource } from '../fhir/types.js';
import { isRecord } from '../fhir/types.js';
import type { FhirRequest } from '../interactions/types.js';

export interface OperationInput {
  resource?: Resource;
  values: Map<string, string[]>;
}

const PRIMITIVE_KEYS = ['valueCode', 'valueUri', 'valueString', 'valueCanonical', 'valueBoolean', 'valueInteger', 'valueDate', 'valueDateTime', 'valueInstant', 'valueId'];

export function operationInput(req: FhirRequest, resourceParam = 'resource'): OperationInput {
  const values = new Map<string, string[]>();
  const add = (k: string, v: string) => values.set(k, [...(values.get(k) ?? []), v]);
  for (const [k, v] of req.query) add(k, v);
  let resource: Resource | undefined;
  if (req.body !== undefined) {
    if (!isRecord(req.body) || typeof req.body.resourceType !== 'string') throw badRequest('The operation body must be a FHIR resource');
    if (req.body.resourceType === 'Parameters') {
      const list = (req.body as Parameters).parameter ?? [];
      if (!Array.isArray(list)) throw badRequest('Parameters.parameter must be an array', 'Parameters.parameter');
      for (const [i, p] of list.entries()) {
        if (!isRecord(p) || typeof p.name !== 'string') throw badRequest(`Parameter ${i} has no name`, `Parameters.parameter[${i}].name`);
        if (p.name === resourceParam && p.resource) resource = p.resource;
        const key = PRIMITIVE_KEYS.find((k) => p[k] !== undefined);
        if (key) add(p.name, String(p[key]));
      }
    } else {
      resource = req.body as Resource;
    }
  }
  return { resource, values };
}
