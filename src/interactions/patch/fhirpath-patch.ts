/**
 * FHIRPath Patch (fhirpatch.html), for PATCH with a Parameters body: the operations add, insert,
 * delete, replace and move, applied in order to a private deep copy of the resource.
 *
 * - add: `path` selects exactly one element; its child `name` gets `value` (appended if it repeats;
 *   an error if it does not repeat and already has a value).
 * - insert / move: `path` selects the items of one list; `index` / `source`, `destination` are
 *   0-based positions in that list.
 * - delete: `path` selects at most one element; none is a no-op.
 * - replace: `path` selects exactly one element, whose value becomes `value`. A primitive keeps its
 *   id and extensions (`_name`) unless the new value brings its own.
 *
 * Objects and arrays left empty are removed at the end (FHIR JSON has no empty elements). A malformed
 * Parameters is a 400; an operation that does not fit the resource is a 422. Either names the
 * operation (`Parameters.parameter[i]`, or the part at fault) in its expression.
 */
import { badRequest, issue, unprocessable } from '../../fhir/errors.js';
import { isRecord, type Parameters, type ParametersParameter, type Resource } from '../../fhir/types.js';
import { childElement, knownPath } from './element-model.js';
import { compileNodes, isNode, locate, objectOf, type FhirPathNode, type Location } from './locate.js';
import { readOperations, type PatchOperation } from './patch-operations.js';
import { partValue, valueKeyOf, type PatchValue } from './patch-value.js';

export function applyFhirPathPatch(resource: Resource, parameters: Parameters): Resource {
  const operations = readOperations(structuredClone(parameters));
  for (const op of operations) compile(op);
  const doc = structuredClone(resource);
  for (const op of operations) APPLY[op.type](doc, op);
  pruneEmpty(doc);
  return doc;
}

const APPLY: Record<PatchOperation['type'], (doc: Resource, op: PatchOperation) => void> = {
  add(doc, op) {
    const node = single(doc, op, 'adding');
    const name = op.name!;
    const parentPath = knownPath(node.path);
    const valueType = valueTypeOf(op);
    const child = childElement(parentPath, name, valueType);
    if (parentPath && !child) {
      fail(op, `'${name}'${valueType ? ` (of type ${valueType})` : ''} is not an element of ${parentPath}`, op.partAt.name);
    }
    const key = child?.key ?? name;
    const { value, extension } = valueOf(op, child?.path);
    const holder = objectOf(node) ?? extensionHolder(node, op);
    if (child?.repeating ?? Array.isArray(holder[key])) {
      const list = listIn(holder, key, op);
      insertAt(holder, key, list.length, value, extension);
      return;
    }
    const base = child && child.key !== name ? name : key;
    const existing = Object.keys(holder).find((k) => elementName(k) === key || (base !== key && isChoiceOf(elementName(k), base)));
    if (existing) fail(op, `${op.path} already has a '${elementName(existing)}' and it does not repeat: use replace`, op.partAt.name);
    if (value !== null) holder[key] = value;
    if (extension) holder[`_${key}`] = extension;
  },

  insert(doc, op) {
    const list = selectList(doc, op);
    const index = op.index!;
    const items = (list.holder[list.key] as unknown[] | undefined) ?? [];
    if (index > items.length) fail(op, `index ${index} is beyond the end of the list (${items.length} items)`, op.partAt.index);
    const { value, extension } = valueOf(op, list.elementPath);
    insertAt(list.holder, list.key, index, value, extension);
  },

  delete(doc, op) {
    const nodes = select(doc, op);
    if (nodes.length === 0) return;
    if (nodes.length > 1) fail(op, `${op.path} matches ${nodes.length} elements; delete needs at most one`, op.partAt.path);
    const loc = locateOrFail(nodes[0], op);
    const extKey = `_${loc.key}`;
    if (loc.index === null) {
      delete loc.holder[loc.key];
      delete loc.holder[extKey];
      return;
    }
    for (const k of [loc.key, extKey]) {
      const list = loc.holder[k];
      if (!Array.isArray(list)) continue;
      list.splice(loc.index, 1);
      if (list.every((v) => v === null)) delete loc.holder[k];
    }
  },

  replace(doc, op) {
    const node = single(doc, op, 'replacing');
    const loc = locateOrFail(node, op);
    const valueType = valueTypeOf(op);
    let key = loc.key;
    if (node.propName && key !== node.propName && valueType) {
      // A choice element: the new value's type names the property (deceasedBoolean → deceasedDateTime).
      const parentPath = knownPath(node.parentResNode?.path);
      const child = childElement(parentPath, node.propName, valueType);
      if (parentPath && !child) fail(op, `${op.path} cannot hold a value of type ${valueType}`, op.partAt.value);
      key = child?.key ?? key;
    }
    const { value, extension } = valueOf(op, knownPath(node.path));
    const { holder, index } = loc;
    const extKey = `_${key}`;
    if (key !== loc.key) {
      delete holder[loc.key];
      delete holder[`_${loc.key}`];
    }
    if (index === null) {
      if (value === null) delete holder[key];
      else holder[key] = value;
      if (extension) holder[extKey] = extension;
      else if (typeof value === 'object' && value !== null) delete holder[extKey];
      return;
    }
    (holder[key] as unknown[])[index] = value;
    if (extension || Array.isArray(holder[extKey])) {
      const ext = (holder[extKey] ??= []) as unknown[];
      while (ext.length <= index) ext.push(null);
      if (extension) ext[index] = extension;
      else if (typeof value === 'object' && value !== null) ext[index] = null;
      if (ext.every((v) => v === null)) delete holder[extKey];
    }
  },

  move(doc, op) {
    const list = selectList(doc, op);
    const items = (list.holder[list.key] as unknown[] | undefined) ?? [];
    const { source, destination } = op as Required<PatchOperation>;
    if (source >= items.length) fail(op, `source ${source} is not a position in the list (${items.length} items)`, op.partAt.source);
    if (destination >= items.length) {
      fail(op, `destination ${destination} is not a position in the list (${items.length} items)`, op.partAt.destination);
    }
    for (const k of [list.key, `_${list.key}`]) {
      const arr = list.holder[k];
      if (!Array.isArray(arr)) continue;
      while (arr.length < items.length) arr.push(null);
      arr.splice(destination, 0, ...arr.splice(source, 1));
    }
  },
};

// ---- selecting ----------------------------------------------------------------------------------

function compile(op: PatchOperation, path = op.path) {
  try {
    return compileNodes(path);
  } catch (err) {
    throw badRequest(`Invalid FHIRPath '${path}': ${err instanceof Error ? err.message : String(err)}`, op.partAt.path);
  }
}

function select(doc: Resource, op: PatchOperation, path = op.path): FhirPathNode[] {
  let results: unknown[];
  try {
    results = compile(op, path)(doc, { resource: doc, rootResource: doc });
  } catch (err) {
    fail(op, `Evaluating ${path} failed: ${err instanceof Error ? err.message : String(err)}`, op.partAt.path);
  }
  for (const r of results) {
    if (!isNode(r)) fail(op, `${path} selects a computed value, not an element of the resource`, op.partAt.path);
  }
  return results as FhirPathNode[];
}

/** The one element the path must select (add, replace). */
function single(doc: Resource, op: PatchOperation, doing: string): FhirPathNode {
  const nodes = select(doc, op);
  if (nodes.length === 0) fail(op, `No content found at ${op.path} when ${doing}`, op.partAt.path);
  if (nodes.length > 1) fail(op, `${op.path} matches ${nodes.length} elements; ${op.type} needs exactly one`, op.partAt.path);
  return nodes[0];
}

interface ListLocation {
  holder: Record<string, unknown>;
  key: string;
  elementPath?: string;
}

/**
 * The list that the path's matches are items of (insert, move). A path that matches nothing may
 * still name an empty list as `<parent path>.<name>`, when the parent is one element.
 */
function selectList(doc: Resource, op: PatchOperation): ListLocation {
  const nodes = select(doc, op);
  if (nodes.length === 0) {
    const m = /^(.+)\.([A-Za-z][A-Za-z0-9]*)$/.exec(op.path.trim());
    const parents = m ? select(doc, op, m[1]) : [];
    const holder = parents.length === 1 ? objectOf(parents[0]) : null;
    if (!m || !holder) fail(op, `No content found at ${op.path} when ${op.type === 'move' ? 'moving' : 'inserting'}`, op.partAt.path);
    const parentPath = knownPath(parents[0].path);
    const child = childElement(parentPath, m[2]);
    if (parentPath && !child?.repeating) fail(op, `${op.path} is not a list`, op.partAt.path);
    return { holder, key: m[2], elementPath: child?.path };
  }
  const locs = nodes.map((n) => locateOrFail(n, op));
  const first = locs[0];
  if (locs.some((l) => l.index === null || l.holder !== first.holder || l.key !== first.key)) {
    fail(op, `${op.path} does not select the items of one list`, op.partAt.path);
  }
  return { holder: first.holder, key: first.key, elementPath: knownPath(nodes[0].path) };
}

function locateOrFail(node: FhirPathNode, op: PatchOperation): Location {
  const loc = locate(node);
  if (!loc) {
    const what = node.parentResNode ? 'an element that cannot be found in the resource JSON' : 'the resource itself';
    fail(op, `${op.path} selects ${what}; ${op.type} cannot apply to it`, op.partAt.path);
  }
  return loc;
}

/** The object holding a primitive's id and extensions (`_name`), created when absent. */
function extensionHolder(node: FhirPathNode, op: PatchOperation): Record<string, unknown> {
  const loc = locateOrFail(node, op);
  const extKey = `_${loc.key}`;
  if (loc.index === null) return ((loc.holder[extKey] ??= {}) as Record<string, unknown>);
  const ext = (loc.holder[extKey] ??= []) as unknown[];
  while (ext.length <= loc.index) ext.push(null);
  return ((ext[loc.index] ??= {}) as Record<string, unknown>);
}

// ---- values and lists ---------------------------------------------------------------------------

function valueOf(op: PatchOperation, elementPath: string | undefined): PatchValue {
  return partValue(op.value as ParametersParameter, elementPath, op.partAt.value);
}

function valueTypeOf(op: PatchOperation): string | undefined {
  const part = op.value as ParametersParameter;
  const key = valueKeyOf(part, op.partAt.value);
  if (key) return key.slice('value'.length);
  return isRecord(part.resource) && typeof part.resource.resourceType === 'string' ? part.resource.resourceType : undefined;
}

function listIn(holder: Record<string, unknown>, key: string, op: PatchOperation): unknown[] {
  const list = holder[key];
  if (list !== undefined && !Array.isArray(list)) fail(op, `'${key}' holds a single value, not a list`, op.partAt.path);
  return (list as unknown[] | undefined) ?? [];
}

/** Inserts into `holder[key]` at `index`, keeping the `_key` array (ids, extensions) aligned. */
function insertAt(holder: Record<string, unknown>, key: string, index: number, value: unknown, extension?: Record<string, unknown>) {
  const list = (holder[key] ??= []) as unknown[];
  const extKey = `_${key}`;
  if (extension || Array.isArray(holder[extKey])) {
    const ext = (holder[extKey] ??= []) as unknown[];
    while (ext.length < list.length) ext.push(null);
    ext.splice(index, 0, extension ?? null);
  }
  list.splice(index, 0, value);
}

function elementName(key: string): string {
  return key.startsWith('_') ? key.slice(1) : key;
}

function isChoiceOf(name: string, base: string): boolean {
  return name.length > base.length && name.startsWith(base) && /[A-Z]/.test(name.charAt(base.length));
}

/** Removes objects and arrays left empty, and `_name` arrays left all null. */
function pruneEmpty(obj: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) {
      const primitiveExtensions = k.startsWith('_');
      for (let i = v.length - 1; i >= 0; i--) {
        if (!isRecord(v[i])) continue;
        pruneEmpty(v[i] as Record<string, unknown>);
        if (Object.keys(v[i] as object).length === 0) {
          if (primitiveExtensions) v[i] = null;
          else v.splice(i, 1);
        }
      }
      if (v.length === 0 || (primitiveExtensions && v.every((x) => x === null))) delete obj[k];
    } else if (isRecord(v)) {
      pruneEmpty(v);
      if (Object.keys(v).length === 0) delete obj[k];
    }
  }
}

function fail(op: PatchOperation, message: string, expression = op.at): never {
  throw unprocessable([issue('error', 'processing', `FHIRPath Patch ${op.at} (${op.type}): ${message}`, expression)]);
}
