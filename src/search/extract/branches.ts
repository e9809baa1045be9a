/**
 * One expression branch (no top-level `|`) compiled: as a compiled accessor when its shape allows,
 * else as a fhirpath.js fallback. Shared by simple and composite parameters.
 */
import type { SearchParamDef } from '../types.js';
import { compileAccessor, Values, type Accessor } from './accessor.js';
import { leadingIdentifier, parseBranch, splitUnion } from './expression.js';
import { compileFallback } from './fallback.js';
import type { ChildOption } from './model.js';

export interface PlanOptions {
  /** Evaluate every branch with fhirpath.js (for checking the compiled accessors against it). */
  fallbackOnly?: boolean;
}

/** Whether a branch's leading identifier lets it apply to `type` (a relative path always does). */
export function branchApplies(branch: string, type: string): boolean {
  const id = leadingIdentifier(branch);
  if (id === undefined || !/^[A-Z]/.test(id)) return true;
  return id === type || id === 'Resource' || id === 'DomainResource';
}

export interface CompiledBranch {
  accessor: Accessor;
  fast: boolean;
  /** Static types of what a compiled branch emits (for composites); undefined for a fallback. */
  ends?: ChildOption[];
}

/**
 * Compiles one branch (no top-level `|`) at `start`. A fallback for a relative branch evaluates with
 * `start.path` as its base.
 */
export function compileBranch(branch: string, start: ChildOption, relative: boolean, options: PlanOptions): CompiledBranch {
  const flag = options.fallbackOnly || relative ? undefined : compileExistsAndNotFalse(branch, start);
  if (flag) return flag;
  const parsed = options.fallbackOnly ? undefined : parseBranch(branch);
  if (parsed && (parsed.root === null || !relative)) {
    const compiled = compileAccessor(parsed, start);
    if (compiled) return { accessor: compiled.accessor, fast: true, ends: compiled.ends };
  }
  return { accessor: compileFallback(branch, relative ? start.path : undefined), fast: false };
}

/**
 * `Patient.deceased.exists() and Patient.deceased != false` (Patient's `deceased` token): true when the
 * element is present and not the boolean false, else false. Compiled because fhirpath.js takes tens of
 * microseconds for it on every Patient write.
 */
function compileExistsAndNotFalse(branch: string, start: ChildOption): CompiledBranch | undefined {
  const m = /^([A-Za-z][\w.]*)\.exists\(\)\s+and\s+\1\s*!=\s*false$/.exec(branch.trim());
  const parsed = m ? parseBranch(m[1]) : undefined;
  const compiled = parsed && compileAccessor(parsed, start);
  if (!compiled) return undefined;
  const inner = compiled.accessor;
  const found = new Values();
  return {
    fast: true,
    accessor: (node, root, out) => {
      found.reset();
      inner(node, root, found);
      let any = false;
      for (let i = 0; i < found.length; i++) if (found.values[i] !== false) any = true;
      out.push(found.length > 0 && any, 'boolean');
    },
  };
}

/** The branches of an expression that apply to `type`; a reference's trailing `.resolve()` dropped. */
export function branchesFor(def: SearchParamDef, expression: string, type: string): string[] {
  const branches = splitUnion(expression).filter((b) => branchApplies(b, type));
  return def.type === 'reference' ? branches.map((b) => b.replace(/\.resolve\(\)\s*$/, '')) : branches;
}

