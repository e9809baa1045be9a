/**
 * Compiled accessors: a parsed expression (expression.ts) turned into plain JavaScript that walks the
 * resource JSON, with every element's type worked out once from the model (model.ts). Arrays are
 * walked item by item; a choice element (`value`) looks at each of its JSON keys (valueQuantity,
 * valueString, ...), narrowed at compile time by `as`/`ofType`. Each value is emitted with its FHIR
 * type, which is what the converters dispatch on.
 */
import type { Resource } from '../../fhir/types.js';
import type { PathExpr, Step } from './expression.js';
import { childOptions, fhirTypeName, isKnownType, isOfType, type ChildOption } from './model.js';
import { codeType } from './implicit-system.js';
import { referencedType } from './references.js';

/** Typed values collected by an accessor (parallel arrays, reused between evaluations). */
export class Values {
  readonly values: unknown[] = [];
  readonly types: string[] = [];
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(value: unknown, type: string): void {
    this.values[this.length] = value;
    this.types[this.length] = type;
    this.length++;
  }
}

/** Evaluates an expression on `node` (the resource, or a composite's match), pushing typed values. */
export type Accessor = (node: unknown, root: Resource, out: Values) => void;

type Fn = (v: unknown, root: Resource, out: Values) => void;

/** Where a compiled expression ends: the static type(s) of what it emits. */
export interface CompiledAccessor {
  accessor: Accessor;
  ends: ChildOption[];
}

/** Compile-time outcome: a function, "never yields anything" (null), or unsupported (undefined). */
type Compiled = { fn: Fn; ends: ChildOption[] } | null | undefined;

const NOTHING: Fn = () => {};

/** Abstract types: what a value of these is can only be told at run time (fhirpath.js does that). */
const DYNAMIC = new Set(['Resource', 'DomainResource', 'Element', 'BackboneElement']);

function isPrimitive(type: string): boolean {
  const c = type.charCodeAt(0);
  return c >= 97 && c <= 122; // lower case: boolean, string, dateTime, ...
}

function compileSteps(steps: Step[], i: number, at: ChildOption): Compiled {
  if (i === steps.length) {
    const type = at.type === 'code' && at.element ? codeType(at.element) : at.type;
    return { fn: (v, _root, out) => out.push(v, type), ends: [at] };
  }
  const step = steps[i];
  switch (step.kind) {
    case 'child':
      return compileChild(steps, i, at, step.name);
    case 'ofType': {
      const wanted = fhirTypeName(step.type);
      if (!isKnownType(wanted) || DYNAMIC.has(at.type)) return undefined;
      return isOfType(at.type, wanted) ? compileSteps(steps, i + 1, at) : null;
    }
    case 'whereEq': {
      const opts = childOptions(at.path, step.name);
      if (opts.length !== 1 || !isPrimitive(opts[0].type) || opts[0].type === 'boolean') return undefined;
      const next = compileSteps(steps, i + 1, at);
      if (!next) return next;
      const { name, value } = step;
      const fn = next.fn;
      return { fn: (v, root, out) => (v as Record<string, unknown>)[name] === value && fn(v, root, out), ends: next.ends };
    }
    case 'whereResolveIs': {
      if (at.type !== 'Reference') return undefined;
      const next = compileSteps(steps, i + 1, at);
      if (!next) return next;
      const type = fhirTypeName(step.type);
      const fn = next.fn;
      return { fn: (v, root, out) => referencedType(v, root) === type && fn(v, root, out), ends: next.ends };
    }
    case 'extension': {
      if (isPrimitive(at.type)) return undefined; // primitive extensions live in `_name`
      const next = compileSteps(steps, i + 1, { key: 'extension', type: 'Extension', path: 'Extension' });
      if (!next) return next;
      const { url } = step;
      const fn = next.fn;
      return {
        fn: (v, root, out) => {
          const exts = (v as Record<string, unknown>).extension;
          if (!Array.isArray(exts)) return;
          for (const e of exts) if (e && (e as { url?: unknown }).url === url) fn(e, root, out);
        },
        ends: next.ends,
      };
    }
    default:
      return undefined;
  }
}

function compileChild(steps: Step[], i: number, at: ChildOption, name: string): Compiled {
  if (isPrimitive(at.type) || (DYNAMIC.has(at.type) && at.path === at.type)) return undefined;
  const options = childOptions(at.path, name);
  if (options.length === 0) return undefined;
  const parts: { key: string; fn: Fn }[] = [];
  const ends: ChildOption[] = [];
  for (const opt of options) {
    const next = compileSteps(steps, i + 1, opt);
    if (next === undefined) return undefined;
    if (next === null) continue;
    parts.push({ key: opt.key, fn: next.fn });
    ends.push(...next.ends);
  }
  if (parts.length === 0) return null;
  const each = (key: string, fn: Fn): Fn => (v, root, out) => {
    const x = (v as Record<string, unknown>)[key];
    if (x === undefined || x === null) return;
    if (Array.isArray(x)) {
      for (let j = 0; j < x.length; j++) if (x[j] !== null) fn(x[j], root, out);
    } else fn(x, root, out);
  };
  if (parts.length === 1) return { fn: each(parts[0].key, parts[0].fn), ends };
  const fns = parts.map((p) => each(p.key, p.fn));
  return { fn: (v, root, out) => { for (const f of fns) f(v, root, out); }, ends };
}

/**
 * Compiles a parsed expression starting at `start` (the resource type, or a composite match's type).
 * Returns undefined when the expression needs fhirpath.js; an accessor that yields nothing when the
 * model shows it never can (`Observation.value.as(Money)`).
 */
export function compileAccessor(expr: PathExpr, start: ChildOption): CompiledAccessor | undefined {
  const compiled = compileSteps(expr.steps, 0, start);
  if (compiled === undefined) return undefined;
  if (compiled === null) return { accessor: NOTHING, ends: [] };
  return { accessor: compiled.fn, ends: compiled.ends };
}
