/**
 * JSON Schema generation from the element model of a StructureDefinition (base types and profiles
 * alike). One schema per SD, identified by `schemaId(url)`; backbone elements and contentReference
 * targets live in its `$defs` under their element path; datatypes are `$ref`s to their own schema.
 *
 * FHIR rules the plain JSON Schema keywords cannot express go through the custom keywords of
 * `ajv-keywords.ts`: `fhirRequired` (min cardinality: `x` or `_x`, any choice variant), `fhirChoice`
 * (at most one variant of `value[x]`), `fhirFixed` and `fhirPattern`.
 */
import { choiceType, PRIMITIVES, type ElementNode, type TypeModel } from './model.js';
import { primitiveSchema } from './primitives.js';

export type Schema = Record<string, unknown> | boolean;

export function schemaId(url: string): string {
  return 'https://schema.qiao.invalid/' + encodeURIComponent(url);
}

const CORE = 'http://hl7.org/fhir/StructureDefinition/';

const primitiveCache = new Map<string, Record<string, unknown>>();
function primitive(type: string): Record<string, unknown> {
  let s = primitiveCache.get(type);
  if (!s) primitiveCache.set(type, (s = { ...primitiveSchema(type), fhirType: type }));
  return s;
}

const NESTED_RESOURCE: Schema = {
  type: 'object',
  required: ['resourceType'],
  properties: { resourceType: { type: 'string' } },
};

export interface GeneratedSchema {
  schema: Record<string, unknown>;
  /** Canonical URLs of the datatype SDs the schema refers to. */
  refs: Set<string>;
}

/** Generates the JSON Schema of one StructureDefinition's element model. */
export function generateSchema(model: TypeModel): GeneratedSchema {
  const defs: Record<string, Schema> = {};
  const defNames = new Map<ElementNode, string>();
  const refs = new Set<string>();

  const typeRef = (type: string): Schema => {
    const url = type.includes('/') ? type : CORE + type;
    if (url !== model.sd.url) refs.add(url);
    return { $ref: url === model.sd.url ? '#' : schemaId(url) };
  };

  const itemSchema = (node: ElementNode, type: string): Schema => {
    if (PRIMITIVES.has(type)) return primitive(type);
    if (node.contentReference) {
      const target = model.byPath.get(node.contentReference);
      if (target === model.root) return { $ref: '#' };
      return target ? { $ref: `#/$defs/${objectDef(target)}` } : { type: 'object' };
    }
    if (type === 'Resource') return NESTED_RESOURCE;
    if (node.children && node !== model.root) return { $ref: `#/$defs/${objectDef(node)}` };
    return typeRef(type);
  };

  const withValueRules = (schema: Schema, node: ElementNode): Schema => {
    if (node.fixed === undefined && node.pattern === undefined) return schema;
    const s: Record<string, unknown> = typeof schema === 'object' ? { ...schema } : {};
    if (node.fixed !== undefined) s.fhirFixed = node.fixed;
    if (node.pattern !== undefined) s.fhirPattern = node.pattern;
    return s;
  };

  const objectSchema = (node: ElementNode, isRoot: boolean): Record<string, unknown> => {
    const properties: Record<string, Schema> = {};
    const required: string[][] = [];
    const choices: string[][] = [];
    if (isRoot && model.kind === 'resource') properties.resourceType = { const: model.type };
    // groups by element path: a choice's JSON names (and a type slice replacing one) form one group
    const groups = new Map<string, { names: string[]; min: number; choice: boolean; types: number }>();
    for (const [jsonName, child] of node.children ?? []) {
      const type = child.choice ? choiceType(child, jsonName) : child.contentReference ? 'BackboneElement' : (child.types[0] ?? 'Element');
      const prim = PRIMITIVES.has(type);
      const item = withValueRules(itemSchema(child, type), child);
      let g = groups.get(child.path);
      if (!g) groups.set(child.path, (g = { names: [], min: child.min, choice: child.choice, types: 0 }));
      g.names.push(jsonName);
      g.types++;
      if (prim) g.names.push('_' + jsonName);
      if (child.max === 0) {
        properties[jsonName] = false;
        if (prim) properties['_' + jsonName] = false;
        continue;
      }
      if (child.array) {
        const arr: Record<string, unknown> = { type: 'array', minItems: 1 };
        if (child.max !== Infinity) arr.maxItems = child.max;
        if (child.min > 1) arr.minItems = child.min;
        const nullable = prim && typeof item === 'object' ? { ...item, type: [item.type, 'null'] } : item;
        properties[jsonName] = { ...arr, items: nullable };
        if (prim) properties['_' + jsonName] = { type: 'array', minItems: 1, items: { anyOf: [{ type: 'null' }, typeRef('Element')] } };
      } else {
        properties[jsonName] = item;
        if (prim) properties['_' + jsonName] = typeRef('Element');
      }
    }
    for (const g of groups.values()) {
      if (g.min > 0) required.push(g.names);
      if (g.choice && g.types > 1) choices.push(g.names);
    }
    const s: Record<string, unknown> = { type: 'object', properties, additionalProperties: false };
    if (isRoot && model.kind === 'resource') s.required = ['resourceType'];
    if (required.length) s.fhirRequired = required;
    if (choices.length) s.fhirChoice = choices;
    return s;
  };

  const objectDef = (node: ElementNode): string => {
    let name = defNames.get(node);
    if (name) return name;
    name = `d${defNames.size}`;
    defNames.set(node, name);
    defs[name] = true; // placeholder against recursion
    defs[name] = objectSchema(node, false);
    return name;
  };

  const schema = objectSchema(model.root, true);
  schema.$id = schemaId(model.sd.url);
  if (Object.keys(defs).length) schema.$defs = defs;
  return { schema, refs };
}
