/**
 * The extraction plan of a resource type, compiled once: for every SearchParameter of the type, the
 * expression branches that apply to it (`Observation.subject | Condition.subject` keeps one on an
 * Observation), each as a compiled accessor (accessor.ts) or, for shapes those do not cover, a
 * fhirpath.js fallback (fallback.ts), and the converter of the parameter's type.
 *
 * Plans are cached per type and rebuilt when the registry's parameter map for the type changes: the
 * registry replaces that map whenever a custom SearchParameter is registered or removed, so an
 * identity check is all it takes.
 */
import type { Resource } from '../../fhir/types.js';
import { searchParams } from '../registry.js';
import type { SearchParamDef } from '../types.js';
import { Values } from './accessor.js';
import { branchesFor, compileBranch, type PlanOptions } from './branches.js';
import { compileComposite } from './composite.js';
import { converterFor } from './convert.js';
import { childOptions, type ChildOption } from './model.js';
import type { RowSink } from './rows.js';

export type { PlanOptions };

export interface ParamPlan {
  code: string;
  type: SearchParamDef['type'];
  /** Whether every branch runs as a compiled accessor (no fhirpath.js). */
  fast: boolean;
  run(resource: Resource, sink: RowSink): void;
}

export interface TypePlan {
  type: string;
  params: ParamPlan[];
  /** Whether to fill IndexRows.text (_text) and IndexRows.content (_content). */
  text: boolean;
  content: boolean;
  /** The registry map the plan was built from. */
  source: Map<string, SearchParamDef>;
}

/** Handled by the store from the resource row itself. */
const FROM_RESOURCE_ROW = new Set(['_id', '_lastUpdated']);

function compileSimple(def: SearchParamDef, type: string, options: PlanOptions): ParamPlan | undefined {
  const convert = converterFor(def.type);
  if (!convert || !def.expression) return undefined;
  const start: ChildOption = { key: '', type, path: type };
  const branches = branchesFor(def, def.expression, type).map((b) => compileBranch(b, start, false, options));
  if (branches.length === 0) return undefined;
  const accessors = branches.map((b) => b.accessor);
  const values = new Values();
  const code = def.code;
  const one = accessors.length === 1 ? accessors[0] : undefined;
  return {
    code,
    type: def.type,
    fast: branches.every((b) => b.fast),
    run(resource, sink) {
      values.reset();
      if (one) one(resource, resource, values);
      else for (const a of accessors) a(resource, resource, values);
      const n = values.length;
      if (n === 0) return;
      sink.begin(code);
      const vs = values.values;
      const ts = values.types;
      for (let i = 0; i < n; i++) convert(vs[i], ts[i], sink);
      sink.end();
    },
  };
}

/** Compiles the plan of one resource type (uncached: see planFor). */
export function compilePlan(type: string, options: PlanOptions = {}): TypePlan {
  const source = searchParams(type);
  const params: ParamPlan[] = [];
  let text = false;
  let content = false;
  for (const def of source.values()) {
    if (FROM_RESOURCE_ROW.has(def.code)) continue;
    if (def.code === '_text') {
      text = childOptions(type, 'text').length > 0;
      continue;
    }
    if (def.code === '_content') {
      content = true;
      continue;
    }
    if (!def.expression || def.type === 'special') continue;
    const plan = def.type === 'composite' ? compileComposite(def, type, source, options) : compileSimple(def, type, options);
    if (plan) params.push(plan);
  }
  return { type, params, text, content, source };
}

const plans = new Map<string, TypePlan>();

/** The cached plan of a type, rebuilt when the type's search parameters have changed. */
export function planFor(type: string): TypePlan {
  const plan = plans.get(type);
  if (plan && plan.source === searchParams(type)) return plan;
  const fresh = compilePlan(type);
  plans.set(type, fresh);
  return fresh;
}
