/**
 * Custom ajv keywords for the FHIR rules plain JSON Schema cannot express compactly:
 * - `fhirRequired: string[][]`: each group (an element's JSON names: `x`, `_x`, choice variants)
 *   needs at least one present (min cardinality ≥ 1);
 * - `fhirChoice: string[][]`: at most one variant of a choice element (`value[x]`) present;
 * - `fhirFixed` / `fhirPattern`: ElementDefinition.fixed[x] (exact) and pattern[x] (partial) values.
 * - `fhirType`: annotation only (names the FHIR primitive type, for error messages).
 * - `fhirMaxLength` / `fhirMinLength`: string length in UTF-16 units (`s.length`). ajv's own
 *   maxLength/minLength count code points, which walks the whole string (a Patient's narrative is
 *   tens of kB) and the limits (1 MB, non-empty xhtml) do not need; the ajv option that switched
 *   them to `.length` (`unicode: false`) is deprecated and prints a warning.
 */
import { _, str, type Ajv, type ErrorObject, type KeywordCxt } from 'ajv';
import { isRecord } from '../fhir/types.js';

type Err = Partial<ErrorObject>;

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Whether `value` matches the pattern: every property of the pattern is present with a matching value; arrays: each pattern item matches some item. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return false;
    return pattern.every((p) => value.some((v) => matchesPattern(v, p)));
  }
  if (isRecord(pattern)) {
    if (!isRecord(value)) return false;
    return Object.keys(pattern).every((k) => matchesPattern(value[k], pattern[k]));
  }
  return value === pattern;
}

export function addFhirKeywords(ajv: Ajv): void {
  ajv.addKeyword({ keyword: 'fhirType', schemaType: 'string' });

  // inline code keywords: a length comparison in the generated validator, nothing called
  ajv.addKeyword({
    keyword: 'fhirMaxLength',
    type: 'string',
    schemaType: 'number',
    code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data}.length > ${cxt.schema as number}`),
    error: { message: ({ schema }) => str`must NOT have more than ${schema as number} characters`, params: ({ schema }) => _`{limit: ${schema as number}}` },
  });
  ajv.addKeyword({
    keyword: 'fhirMinLength',
    type: 'string',
    schemaType: 'number',
    code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data}.length < ${cxt.schema as number}`),
    error: { message: ({ schema }) => str`must NOT have fewer than ${schema as number} characters`, params: ({ schema }) => _`{limit: ${schema as number}}` },
  });

  type Fn = ((data: Record<string, unknown>) => boolean) & { errors?: Err[] };
  // compiled keywords: the groups are turned into lookup tables once per schema
  ajv.addKeyword({
    keyword: 'fhirRequired',
    type: 'object',
    schemaType: 'array',
    errors: true,
    compile: (groups: string[][]) => {
      const fn: Fn = (data) => {
        let errors: Err[] | undefined;
        for (const g of groups) {
          let found = false;
          for (const n of g) if (data[n] !== undefined) { found = true; break; }
          if (!found) (errors ??= []).push({ keyword: 'fhirRequired', params: { missing: g[0] }, message: `missing required element '${g[0]}'` });
        }
        fn.errors = errors;
        return !errors;
      };
      return fn;
    },
  });

  ajv.addKeyword({
    keyword: 'fhirChoice',
    type: 'object',
    schemaType: 'array',
    errors: true,
    compile: (groups: string[][]) => {
      const groupOf = new Map<string, number>();
      groups.forEach((g, i) => g.forEach((n) => groupOf.set(n, i)));
      const fn: Fn = (data) => {
        let seen: Map<number, string[]> | undefined;
        let errors: Err[] | undefined;
        for (const k in data) {
          const gi = groupOf.get(k);
          if (gi === undefined) continue;
          const name = k.charCodeAt(0) === 95 ? k.slice(1) : k;
          seen ??= new Map();
          const list = seen.get(gi);
          if (!list) seen.set(gi, [name]);
          else if (!list.includes(name)) list.push(name);
        }
        for (const present of seen?.values() ?? [])
          if (present.length > 1) (errors ??= []).push({ keyword: 'fhirChoice', params: { present }, message: `only one of ${present.join(', ')} is allowed` });
        fn.errors = errors;
        return !errors;
      };
      return fn;
    },
  });

  const fixed = (expected: unknown, data: unknown): boolean => {
    const ok = data === null || jsonEqual(data, expected);
    (fixed as unknown as { errors?: Err[] }).errors = ok
      ? undefined
      : [{ keyword: 'fhirFixed', params: { expected }, message: `value must be exactly ${JSON.stringify(expected)}` }];
    return ok;
  };
  ajv.addKeyword({ keyword: 'fhirFixed', errors: true, validate: fixed });

  const pattern = (expected: unknown, data: unknown): boolean => {
    const ok = data === null || matchesPattern(data, expected);
    (pattern as unknown as { errors?: Err[] }).errors = ok
      ? undefined
      : [{ keyword: 'fhirPattern', params: { expected }, message: `value must match the pattern ${JSON.stringify(expected)}` }];
    return ok;
  };
  ajv.addKeyword({ keyword: 'fhirPattern', errors: true, validate: pattern });
}
