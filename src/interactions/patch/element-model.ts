/**
 * What FHIRPath Patch needs to know about the shape of an element: whether a child repeats (so it is
 * a JSON array), and what the child's own element path is (to build nested values from parts). It
 * reads fhirpath.js's R4 model (path2Type, path2Repeating, choiceTypePaths), which is derived from
 * the R4 StructureDefinitions and already loaded for FHIRPath evaluation.
 *
 * An element path is the model's key: a type name (`Patient`, `HumanName`, `date`) or, inside a
 * resource or type, a backbone element path (`Patient.contact`).
 */
import { r4Model } from '../../fhir/fhirpath.js';

interface Model {
  path2Type: Record<string, string>;
  path2Repeating: Record<string, boolean>;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
}

const model = r4Model as unknown as Model;

export interface ChildElement {
  /** The JSON property name (for a choice, the name with its type suffix: `deceasedBoolean`). */
  key: string;
  repeating: boolean;
  /** The FHIR type of the child (`HumanName`, `code`, `BackboneElement`), when known. */
  type?: string;
  /** The element path of the child's own children. */
  path?: string;
}

/** The model key of a path's own definition, following inheritance (Patient.id → Resource.id). */
function definedPath(path: string, name: string): string | undefined {
  let owner: string | undefined = path;
  const seen = new Set<string>();
  while (owner && !seen.has(owner)) {
    seen.add(owner);
    const key = `${owner}.${name}`;
    if (key in model.path2Type) return key;
    // Inheritance applies to type names only (`Patient` → `DomainResource`), not backbone paths,
    // whose common elements (id, extension, modifierExtension) are listed under the path itself.
    owner = owner.includes('.') ? 'BackboneElement' : model.type2Parent[owner];
  }
  return undefined;
}

/**
 * The child `name` of the element at `path`; `valueType` (the type suffix of a Parameters value[x],
 * e.g. `Boolean`) picks the type of a choice element named without its suffix (`deceased`).
 */
export function childElement(path: string | undefined, name: string, valueType?: string): ChildElement | undefined {
  if (!path) return undefined;
  let key = name;
  let defined = definedPath(path, name);
  if (!defined && valueType) {
    const choice = definedChoice(path, name);
    if (choice && choice.types.includes(upperFirst(valueType))) {
      key = name + upperFirst(valueType);
      defined = `${choice.owner}.${key}`;
    }
  }
  if (!defined) return undefined;
  const type = model.path2Type[defined];
  const elsewhere = model.pathsDefinedElsewhere[defined];
  const childPath = elsewhere ?? (type === 'BackboneElement' || type === 'Element' ? defined : type);
  return { key, repeating: model.path2Repeating[defined] === true, type, path: childPath };
}

/** The element path of a resource, a type or a backbone element as fhirpath.js names it on a node. */
export function knownPath(path: string | null | undefined): string | undefined {
  if (!path) return undefined;
  if (path in model.type2Parent || Object.hasOwn(model.path2Type, path)) return path;
  return undefined;
}

function definedChoice(path: string, name: string): { owner: string; types: string[] } | undefined {
  let owner: string | undefined = path;
  const seen = new Set<string>();
  while (owner && !seen.has(owner)) {
    seen.add(owner);
    const types = model.choiceTypePaths[`${owner}.${name}`];
    if (types) return { owner, types };
    owner = owner.includes('.') ? undefined : model.type2Parent[owner];
  }
  return undefined;
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
