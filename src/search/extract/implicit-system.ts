/**
 * The implicit code system of a `code` element (search.html#token: a code's system is implicit):
 * when the element's binding is required and its ValueSet draws on exactly one CodeSystem, as
 * Patient.gender's does (http://hl7.org/fhir/administrative-gender), the code is indexed with that
 * system, so `gender=http://hl7.org/fhir/administrative-gender|male` finds it as well as `gender=male`.
 *
 * The system travels with the value's type, as `code@<system>` (codeType), because the accessors emit
 * (value, type) pairs and the element is known only where the value is found; worked out once per
 * element path and cached.
 */
import { definitions, type ElementDefinition, type StructureDefinition } from '../../fhir/definitions.js';

const CODE_WITH_SYSTEM = 'code@';
const cache = new Map<string, string>();

interface ValueSetCompose {
  compose?: { include?: { system?: string; valueSet?: string[] }[] };
}

function lookup(elementPath: string): string | null {
  const type = elementPath.slice(0, elementPath.indexOf('.'));
  if (!type) return null;
  let sd: StructureDefinition | undefined;
  try {
    sd = definitions().structureDefinition(type);
  } catch {
    return null;
  }
  const element = sd?.snapshot?.element.find((e: ElementDefinition) => e.path === elementPath);
  const binding = element?.binding;
  if (!binding || binding.strength !== 'required' || !binding.valueSet) return null;
  const vs = definitions().byCanonical(binding.valueSet) as ValueSetCompose | undefined;
  const include = vs?.compose?.include;
  if (!include?.length) return null;
  const systems = new Set<string>();
  for (const inc of include) {
    if (!inc.system || inc.valueSet?.length) return null;
    systems.add(inc.system);
  }
  return systems.size === 1 ? [...systems][0] : null;
}

/** The type to emit a `code` value of element `elementPath` with: `code`, or `code@<system>`. */
export function codeType(elementPath: string): string {
  let type = cache.get(elementPath);
  if (type === undefined) {
    const system = lookup(elementPath);
    type = system ? CODE_WITH_SYSTEM + system : 'code';
    cache.set(elementPath, type);
  }
  return type;
}

/** The implicit system carried by a type from codeType, or null. */
export function systemOfCodeType(type: string): string | null {
  return type.length > 5 && type.startsWith(CODE_WITH_SYSTEM) ? type.slice(5) : null;
}
