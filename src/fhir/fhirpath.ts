/**
 * The FHIRPath wrapper: fhirpath.js with the R4 model and UCUM units. Expressions are compiled once
 * and cached, because compiling costs far more than evaluating (validation and indexing run the same
 * few hundred expressions on every write).
 */
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';

export type Compiled = (resource: unknown, env?: Record<string, unknown>) => unknown[];

const cache = new Map<string, Compiled>();

export function compile(expression: string, base?: string): Compiled {
  const key = base ? `${base}\u0000${expression}` : expression;
  let fn = cache.get(key);
  if (!fn) {
    const path = base ? { base, expression } : expression;
    const compiled = fhirpath.compile(path as never, r4Model, { resolveInternalTypes: true }) as unknown as (
      r: unknown,
      env?: Record<string, unknown>,
    ) => unknown[];
    fn = (resource, env) => compiled(resource, env ?? {});
    cache.set(key, fn);
  }
  return fn;
}

/** Evaluates once, compiling (and caching) as needed. */
export function evaluate(resource: unknown, expression: string, env?: Record<string, unknown>): unknown[] {
  return compile(expression)(resource, env);
}

export { r4Model, fhirpath };
