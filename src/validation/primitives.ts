/**
 * Primitive types: their JSON representation and the lexical regex of each, read from the regex
 * extension on `<type>.value` in the primitive StructureDefinitions (never hand-copied).
 */
import { definitions } from '../fhir/definitions.js';

const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/regex';

const NUMERIC = new Set(['integer', 'positiveInt', 'unsignedInt', 'decimal']);

/** The regex of a primitive type's value, as in its StructureDefinition (unanchored source). */
export function primitiveRegex(type: string): string | undefined {
  const sd = definitions().structureDefinition(type);
  const value = sd?.snapshot?.element.find((e) => e.path === `${type}.value`);
  for (const t of value?.type ?? []) {
    const ext = (t.extension as { url: string; valueString?: string }[] | undefined)?.find((x) => x.url === REGEX_EXT);
    if (ext?.valueString) return ext.valueString;
  }
  return undefined;
}

/** JSON Schema of a primitive value (without null). */
export function primitiveSchema(type: string): Record<string, unknown> {
  if (type === 'boolean') return { type: 'boolean' };
  if (NUMERIC.has(type)) {
    const s: Record<string, unknown> = { type: type === 'decimal' ? 'number' : 'integer' };
    if (type === 'positiveInt') s.minimum = 1;
    if (type === 'unsignedInt') s.minimum = 0;
    if (type !== 'decimal') {
      s.maximum = 2147483647;
      s.minimum ??= -2147483648;
    }
    return s;
  }
  const s: Record<string, unknown> = { type: 'string' };
  if (type === 'xhtml') return { ...s, fhirMinLength: 1 };
  const regex = primitiveRegex(type);
  if (regex) s.pattern = `^(?:${regex})$`;
  s.fhirMaxLength = 1048576; // strings SHALL NOT exceed 1 MB (counted in UTF-16 units, keywords.ts)
  return s;
}

export function isNumericPrimitive(type: string): boolean {
  return NUMERIC.has(type);
}
