/**
 * Composite parameters (search.html#composite): for each match of the base expression (an Observation,
 * each Observation.component), every component expression is evaluated relative to the match and
 * converted by its own parameter's type. A match's component rows share a group number, unique within
 * the resource, under the param `${code}#${componentIndex}`; a match lacking any component is left
 * out, since no composite search could match it.
 */
import { definitions, type SearchParameter } from '../../fhir/definitions.js';
import type { Resource } from '../../fhir/types.js';
import type { SearchParamDef } from '../types.js';
import { Values, type Accessor } from './accessor.js';
import { converterFor, type Converter } from './convert.js';
import { splitUnion } from './expression.js';
import { compileRaw } from './fallback.js';
import { branchesFor, compileBranch, type PlanOptions } from './branches.js';
import type { ParamPlan } from './plan.js';
import type { ChildOption } from './model.js';
import type { RowSink } from './rows.js';

interface Component {
  param: string;
  convert: Converter;
  accessors: Accessor[];
}

interface Branch {
  /** Pushes the matches of the base expression (as values or fhirpath.js nodes). */
  base: Accessor;
  components: Component[];
}

function componentType(url: string, params: Map<string, SearchParamDef>): SearchParamDef['type'] | undefined {
  for (const p of params.values()) if (p.url === url) return p.type;
  return (definitions().byCanonical(url) as SearchParameter | undefined)?.type;
}

export function compileComposite(def: SearchParamDef, type: string, params: Map<string, SearchParamDef>, options: PlanOptions): ParamPlan | undefined {
  if (!def.expression || !def.component?.length) return undefined;
  const parts: { convert: Converter; expression: string }[] = [];
  for (const c of def.component) {
    const t = componentType(c.definition, params);
    const convert = t && converterFor(t);
    if (!convert) return undefined;
    parts.push({ convert, expression: c.expression });
  }
  const root: ChildOption = { key: '', type, path: type };
  let fast = true;
  const branches: Branch[] = [];
  for (const text of branchesFor(def, def.expression, type)) {
    const base = compileBranch(text, root, false, options);
    const end = base.ends?.length === 1 ? base.ends[0] : undefined;
    let baseAccessor = base.accessor;
    if (!end) {
      // Matches as fhirpath.js nodes, which carry their type into the component expressions.
      const raw = compileRaw(text);
      baseAccessor = (node, r, out) => {
        for (const m of raw(node, r)) out.push(m, '');
      };
      fast = false;
    }
    const components = parts.map(({ convert, expression }, i) => {
      const accessors = splitUnion(expression).map((e) => {
        const b = end ? compileBranch(e, end, true, options) : compileBranch(e, { key: '', type: '', path: '' }, true, { fallbackOnly: true });
        if (!b.fast) fast = false;
        return b.accessor;
      });
      return { param: `${def.code}#${i}`, convert, accessors };
    });
    branches.push({ base: baseAccessor, components });
  }
  if (branches.length === 0) return undefined;
  const matches = new Values();
  const width = parts.length;
  const values = parts.map(() => new Values());
  return {
    code: def.code,
    type: 'composite',
    fast,
    run(resource: Resource, sink: RowSink) {
      for (const branch of branches) {
        matches.reset();
        branch.base(resource, resource, matches);
        for (let m = 0; m < matches.length; m++) {
          const match = matches.values[m];
          // Collect first, convert after: most matches lack some component (an Observation's value
          // is a Quantity or a CodeableConcept, not both), and evaluating costs less than converting.
          let complete = true;
          for (let c = 0; c < width && complete; c++) {
            const out = values[c];
            out.reset();
            for (const a of branch.components[c].accessors) a(match, resource, out);
            complete = out.length > 0;
          }
          if (!complete) continue;
          const marks = sink.lengths();
          const group = sink.nextGroup;
          for (let c = 0; c < width && complete; c++) {
            const { param, convert } = branch.components[c];
            const out = values[c];
            sink.begin(param, group);
            for (let i = 0; i < out.length; i++) convert(out.values[i], out.types[i], sink);
            complete = sink.end() > 0;
          }
          if (complete) sink.nextGroup++;
          else sink.truncate(marks);
        }
      }
    },
  };
}
