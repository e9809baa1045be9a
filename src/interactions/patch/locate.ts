/**
 * From FHIRPath results to places in the JSON. FHIR Patch paths are FHIRPath expressions; evaluated by
 * fhirpath.js with `resolveInternalTypes: false` they return its ResourceNodes, which keep the parent
 * node, the property name and the array index of each match: enough to find the JSON object that
 * holds the match, so that it can be changed in place (on the patch's private copy).
 *
 * A primitive's extensions live in its `_name` sibling (json.html#primitive): for a node inside a
 * primitive (`birthDate.extension`), the holding object is the parent's `_data`.
 */
import { fhirpath, r4Model } from '../../fhir/fhirpath.js';
import { isRecord } from '../../fhir/types.js';

/** The fields of fhirpath.js's ResourceNode that are used here. */
export interface FhirPathNode {
  data: unknown;
  _data: unknown;
  parentResNode: FhirPathNode | null;
  path: string | null;
  propName: string | null;
  index: number | null;
  fhirNodeDataType: string | null;
}

/** Where a matched element is: `holder[key]`, or `holder[key][index]` when the element repeats. */
export interface Location {
  holder: Record<string, unknown>;
  key: string;
  index: number | null;
  node: FhirPathNode;
}

type Evaluator = (resource: unknown, env: Record<string, unknown>) => unknown[];
const cache = new Map<string, Evaluator>();

/** Compiles (cached) for node results; throws fhirpath.js's own error on a syntax error. */
export function compileNodes(expression: string): Evaluator {
  let fn = cache.get(expression);
  if (!fn) {
    const source = delimitKeywordElements(expression);
    fn = fhirpath.compile(source as never, r4Model, { resolveInternalTypes: false }) as unknown as Evaluator;
    cache.set(expression, fn);
  }
  return fn;
}

/**
 * `div` (Narrative.div) and `mod` are FHIRPath operators, so the grammar takes them as element names
 * only when delimited (`text.\`div\``). Paths such as `Patient.text.div` are common (the official
 * FHIRPath Patch tests use it) and unambiguous after a dot, so they are delimited here, outside
 * string literals and already-delimited names.
 */
export function delimitKeywordElements(expression: string): string {
  let out = '';
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < expression.length && expression[j] !== ch) j += expression[j] === '\\' ? 2 : 1;
      out += expression.slice(i, j + 1);
      i = j;
      continue;
    }
    const m = ch === '.' ? /^\.(\s*)(div|mod)(?![A-Za-z0-9_])/.exec(expression.slice(i)) : null;
    if (m) {
      out += `.${m[1]}\`${m[2]}\``;
      i += m[0].length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

export function isNode(v: unknown): v is FhirPathNode {
  return isRecord(v) && 'parentResNode' in v && 'propName' in v && 'data' in v;
}

/** The JSON object of a node: its data, or for a primitive its `_name` object (null when absent). */
export function objectOf(node: FhirPathNode): Record<string, unknown> | null {
  if (isRecord(node.data)) return node.data;
  return isRecord(node._data) ? node._data : null;
}

/** Where the node sits in its parent, or undefined for the root (or a value that is not in the JSON). */
export function locate(node: FhirPathNode): Location | undefined {
  const parent = node.parentResNode;
  if (!parent || !node.propName) return undefined;
  const holder = objectOf(parent);
  if (!holder) return undefined;
  const key = propertyKey(holder, node.propName);
  if (key === undefined) return undefined;
  const index = typeof node.index === 'number' ? node.index : null;
  const present = index === null ? holder[key] : Array.isArray(holder[key]) ? (holder[key] as unknown[])[index] : undefined;
  const extension = holder[`_${key}`];
  const extensionPresent = index === null ? extension : Array.isArray(extension) ? (extension as unknown[])[index] : undefined;
  if (present === undefined && (extensionPresent === undefined || extensionPresent === null)) return undefined;
  return { holder, key, index, node };
}

/** fhirpath.js names a choice element without its type suffix (`deceased` for `deceasedBoolean`). */
function propertyKey(holder: Record<string, unknown>, propName: string): string | undefined {
  if (propName in holder || `_${propName}` in holder) return propName;
  for (const k of Object.keys(holder)) {
    const name = k.startsWith('_') ? k.slice(1) : k;
    if (name.length > propName.length && name.startsWith(propName) && /[A-Z]/.test(name.charAt(propName.length))) return name;
  }
  return undefined;
}
