/**
 * What the compiled accessors need to know about FHIR R4's element types, taken from the model that
 * ships with fhirpath.js (the same one the fallback evaluates with, so both agree on types): the type
 * of each child element, the choices of each `[x]` element, and the type hierarchy.
 *
 * A "model path" is where child lookups start: a type name (`HumanName`, `Observation`) or, for
 * backbone elements, the element path (`Observation.component`).
 */
import { r4Model } from '../../fhir/fhirpath.js';

interface R4Model {
  path2Type: Record<string, string>;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
}

const model = r4Model as unknown as R4Model;

/** One possible value of a child element: its JSON key, FHIR type, and model path for further steps. */
export interface ChildOption {
  key: string;
  type: string;
  path: string;
  /** The element's path as in its StructureDefinition (`Patient.contact.gender`), '' for a root. */
  element?: string;
}

/** Element paths whose children are defined on the element itself, not on a reusable type. */
function isBackbone(type: string): boolean {
  return type === 'BackboneElement' || type === 'Element';
}

/** Model types spelled as FHIRPath System types (`System.String`) are FHIR primitives to us. */
const SYSTEM_TYPES: Record<string, string> = {
  'System.String': 'string',
  'System.Boolean': 'boolean',
  'System.Integer': 'integer',
  'System.Decimal': 'decimal',
  'System.Date': 'date',
  'System.DateTime': 'dateTime',
  'System.Time': 'time',
};

/**
 * The options of child `name` of the element at model path `path`: one for an ordinary element,
 * several for a choice element (`value` -> valueQuantity, valueString, ...), none when the model does
 * not know the element.
 */
export function childOptions(path: string, name: string): ChildOption[] {
  const full = `${path}.${name}`;
  const elsewhere = model.pathsDefinedElsewhere[full];
  if (elsewhere) return [{ key: name, type: 'BackboneElement', path: elsewhere, element: full }];
  const type = model.path2Type[full];
  if (type) {
    const fhirType = SYSTEM_TYPES[type] ?? type;
    return [{ key: name, type: isBackbone(type) ? 'BackboneElement' : fhirType, path: isBackbone(type) ? full : fhirType, element: full }];
  }
  const choices = model.choiceTypePaths[full];
  if (!choices) return [];
  return choices.map((suffix) => {
    const t = model.path2Type[full + suffix] ?? suffix;
    return { key: name + suffix, type: t, path: t, element: `${full}[x]` };
  });
}

/**
 * FHIRPath type names as written in expressions (`Quantity`, `FHIR.Quantity`, `string`, and the System
 * types `DateTime`, `String`, ...) as FHIR type names. Why System names map to FHIR primitives: the
 * official composites say `value.as(DateTime)` and mean Observation.valueDateTime (fhirpath.js takes it
 * literally and finds nothing).
 */
export function fhirTypeName(name: string): string {
  const bare = name.startsWith('FHIR.') ? name.slice(5) : name.startsWith('System.') ? name.slice(7) : name;
  switch (bare) {
    case 'String':
    case 'Boolean':
    case 'Integer':
    case 'Decimal':
    case 'Date':
    case 'Time':
      return bare.toLowerCase();
    case 'DateTime':
      return 'dateTime';
    default:
      return bare;
  }
}

/** Whether a value of FHIR type `type` is of type `wanted` (itself or a specialisation: Age is a Quantity). */
export function isOfType(type: string, wanted: string): boolean {
  for (let t: string | undefined = type; t; t = model.type2Parent[t]) if (t === wanted) return true;
  return false;
}

/** Whether the model knows the type (a resource, datatype or primitive). */
export function isKnownType(type: string): boolean {
  return type in model.type2Parent || type === 'Element' || type === 'Resource';
}

/** The FHIR type of an Extension's `value[x]` key (`valueCodeableConcept` -> CodeableConcept). */
export function extensionValueType(key: string): string | undefined {
  return model.path2Type[`Extension.${key}`];
}

/** The FHIR type of a fhirpath.js result type name (`FHIR.Quantity`, `System.String`). */
export function typeOfResult(name: string): string {
  if (name.startsWith('System.')) return SYSTEM_TYPES[name] ?? name.slice(7);
  return name.startsWith('FHIR.') ? name.slice(5) : name;
}

/**
 * The element a JSON key holds at a model path, as written in JSON (`valueString`, not `value`): its
 * FHIR type as the model states it (`id` elements stay System.String) and model path.
 */
export function jsonKeyOption(path: string, key: string): ChildOption | undefined {
  const full = `${path}.${key}`;
  const elsewhere = model.pathsDefinedElsewhere[full];
  if (elsewhere) return { key, type: 'BackboneElement', path: elsewhere };
  const type = model.path2Type[full];
  if (!type) return undefined;
  return { key, type, path: isBackbone(type) ? full : type };
}
