/**
 * The `value` of a FHIRPath Patch operation (fhirpatch.html): either a `value[x]` of the part (any
 * FHIR type), a `resource`, or, for an element of no named type (a backbone element such as
 * Patient.contact), nested `part`s, one per child element, built here into the JSON object. Which
 * children repeat (become arrays) comes from the element model.
 */
import { badRequest } from '../../fhir/errors.js';
import { isRecord, type ParametersParameter, type Resource } from '../../fhir/types.js';
import { childElement } from './element-model.js';

export interface PatchValue {
  value: unknown;
  /** The primitive's `_value[x]` object (id, extension), when the part has one. */
  extension?: Record<string, unknown>;
  /** The type suffix of value[x] (`Date`, `CodeableConcept`) or a resource type; absent for parts. */
  valueType?: string;
}

/** The value[x] property of a part, with its type suffix; 400 when there are several. */
export function valueKeyOf(part: ParametersParameter, where: string): string | undefined {
  const keys = Object.keys(part).filter((k) => /^value[A-Z]/.test(k) || /^_value[A-Z]/.test(k));
  const names = [...new Set(keys.map((k) => k.replace(/^_/, '')))];
  if (names.length > 1) throw badRequest(`The part has more than one value[x]: ${names.join(', ')}`, where);
  return names[0];
}

/**
 * The value a part carries. `elementPath` is the element path (in the element model) of the element
 * being written, used to lay out nested parts; `where` is the part's FHIRPath in the Parameters.
 */
export function partValue(part: ParametersParameter, elementPath: string | undefined, where: string): PatchValue {
  const valueKey = valueKeyOf(part, where);
  const hasParts = Array.isArray(part.part) && part.part.length > 0;
  const sources = [valueKey !== undefined, part.resource !== undefined, hasParts].filter(Boolean).length;
  if (sources === 0) throw badRequest('The value part has no value[x], resource or part', where);
  if (sources > 1) throw badRequest('The value part must have only one of value[x], resource or part', where);

  if (valueKey !== undefined) {
    const extension = part[`_${valueKey}`];
    if (extension !== undefined && !isRecord(extension)) throw badRequest(`_${valueKey} must be a JSON object`, where);
    return {
      value: part[valueKey] === undefined ? null : part[valueKey],
      extension: extension as Record<string, unknown> | undefined,
      valueType: valueKey.slice('value'.length),
    };
  }
  if (part.resource !== undefined) {
    const resource = part.resource as Resource;
    if (!isRecord(resource) || typeof resource.resourceType !== 'string') {
      throw badRequest('The value part resource must be a FHIR resource', where);
    }
    return { value: resource, valueType: resource.resourceType };
  }
  return { value: fromParts(part.part as ParametersParameter[], elementPath, where) };
}

/** One JSON object from parts named after its children. */
function fromParts(parts: ParametersParameter[], elementPath: string | undefined, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const counts = new Map<string, number>();
  for (const p of parts) if (isRecord(p) && typeof p.name === 'string') counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  parts.forEach((p, j) => {
    const at = `${where}.part[${j}]`;
    if (!isRecord(p) || typeof p.name !== 'string' || p.name === '') throw badRequest('A value part has no name', at);
    const valueKey = valueKeyOf(p, at);
    const suffix = valueKey?.slice('value'.length);
    const child = childElement(elementPath, p.name, suffix);
    const key = child?.key ?? p.name;
    const repeating = child?.repeating ?? (counts.get(p.name) ?? 0) > 1;
    const { value, extension } = partValue(p, child?.path, at);
    if (key.startsWith('_') || key === 'resourceType') throw badRequest(`'${key}' is not an element name`, at);
    if (repeating) {
      const list = (out[key] ??= []) as unknown[];
      list.push(value);
      if (extension || out[`_${key}`]) {
        const ext = (out[`_${key}`] ??= []) as unknown[];
        while (ext.length < list.length - 1) ext.push(null);
        ext.push(extension ?? null);
      }
    } else {
      if (key in out) throw badRequest(`The element '${key}' does not repeat but has more than one part`, at);
      if (value !== null) out[key] = value;
      if (extension) out[`_${key}`] = extension;
    }
  });
  return out;
}
