/**
 * The fallback for expressions the compiled accessors do not handle: fhirpath.js with the R4 model,
 * keeping its internal result nodes so that each value's FHIR type is known (fhirpath.types).
 *
 * `resolve()` needs fetching, which fhirpath.js allows only asynchronously; indexing is synchronous
 * and never fetches. A trailing `.where(resolve() is Type)` is therefore applied here, from the
 * reference itself (references.ts); other uses of resolve() index nothing.
 *
 * `as` becomes `ofType` (asToOfType) before fhirpath.js sees an expression: R4's parameters write
 * `(Observation.component.value as Quantity)` for "the Quantity values among them", but FHIRPath's
 * `as` requires a single item, so fhirpath.js fails on an Observation with two components. `ofType`
 * filters a collection, which is what the definitions mean and what the compiled accessors do.
 */
import { fhirpath, r4Model } from '../../fhir/fhirpath.js';
import type { Resource } from '../../fhir/types.js';
import type { Accessor, Values } from './accessor.js';
import { codeType } from './implicit-system.js';
import { fhirTypeName, typeOfResult } from './model.js';
import { referencedType } from './references.js';

type RawEvaluator = (node: unknown, env: Record<string, unknown>) => unknown[];

/** Evaluates to fhirpath.js's own result nodes (which carry their types), [] when evaluation fails. */
export type RawFallback = (node: unknown, root: Resource) => unknown[];

const RESOLVE_IS = /\.where\(\s*resolve\(\)\s+is\s+((?:FHIR\.)?[A-Za-z]+)\s*\)\s*$/;

/** Rewrites `X as T` (X a path) and `.as(T)` to `.ofType(T)`, outside string literals. */
export function asToOfType(expression: string): string {
  return expression
    .split("'")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\.as\(/g, '.ofType(').replace(/([A-Za-z_][\w.]*)\s+as\s+((?:FHIR\.|System\.)?[A-Za-z]+)/g, '$1.ofType($2)')))
    .join("'");
}

/**
 * Compiles `expression`, evaluated on a resource or, with `basePath` (a type name or element path such
 * as `Observation.component`), on an element of that type.
 */
export function compileRaw(expression: string, basePath?: string): RawFallback {
  let text = asToOfType(expression.trim());
  const resolveIs = RESOLVE_IS.exec(text);
  if (resolveIs) text = text.slice(0, resolveIs.index);
  const wanted = resolveIs ? fhirTypeName(resolveIs[1]) : undefined;
  let fn: RawEvaluator;
  try {
    const path = basePath ? { base: basePath, expression: text } : text;
    fn = fhirpath.compile(path as never, r4Model, { resolveInternalTypes: false }) as unknown as RawEvaluator;
  } catch {
    return () => [];
  }
  return (node, root) => {
    let result: unknown[];
    try {
      result = fn(node, { resource: root, rootResource: root });
    } catch {
      return [];
    }
    if (wanted === undefined) return result;
    return result.filter((r) => referencedType(fhirpath.resolveInternalTypes(r), root) === wanted);
  };
}

/** Pushes fhirpath.js result nodes as plain values with their FHIR types. */
export function pushResults(result: unknown[], out: Values): void {
  if (result.length === 0) return;
  const types = fhirpath.types(result);
  for (let i = 0; i < result.length; i++) {
    const value: unknown = fhirpath.resolveInternalTypes(result[i]);
    if (value === null || value === undefined) continue;
    const type = typeOfResult(types[i]);
    out.push(value, type === 'code' ? codeTypeOfNode(result[i]) : type);
  }
}

/** fhirpath.js's result nodes know their parent and property name, hence their element path. */
interface ResultNode {
  parentResNode?: { path?: string } | null;
  propName?: string;
}

function codeTypeOfNode(node: unknown): string {
  const n = node as ResultNode;
  const parent = n.parentResNode?.path;
  return parent && n.propName ? codeType(`${parent}.${n.propName}`) : 'code';
}

export function compileFallback(expression: string, basePath?: string): Accessor {
  const raw = compileRaw(expression, basePath);
  return (node, root, out) => pushResults(raw(node, root), out);
}
