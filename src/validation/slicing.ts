/**
 * Slice cardinality (profiles): for an element sliced by `value`/`pattern` discriminators, count the
 * items matching each slice (the slice's fixed/pattern values at the discriminator paths, e.g. the
 * VSCat category or bodytemp's magic LOINC code) and check the slice's min/max. Slices whose
 * discriminators are of another kind (`type`, `profile`, `exists`) or have no fixed/pattern value
 * at the path are not checked. Items matching a slice are not further checked against it.
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import { jsonEqual, matchesPattern } from './keywords.js';
import type { ElementNode } from './model.js';

type Expected = { path: string[]; fixed?: unknown; pattern?: unknown };

const cache = new WeakMap<ElementNode, Expected[] | null>();

function expectations(sliced: ElementNode, slice: ElementNode): Expected[] | undefined {
  let e = cache.get(slice);
  if (e !== undefined) return e ?? undefined;
  e = [];
  for (const d of sliced.slicing?.discriminator ?? []) {
    if (d.type !== 'value' && d.type !== 'pattern') {
      e = null;
      break;
    }
    const path = d.path === '$this' ? [] : d.path.split('.');
    let node: ElementNode | undefined = slice;
    for (const name of path) node = node?.children?.get(name);
    if (!node || (node.fixed === undefined && node.pattern === undefined)) {
      e = null;
      break;
    }
    e.push({ path, fixed: node.fixed, pattern: node.pattern });
  }
  if (e && e.length === 0) e = null;
  cache.set(slice, e);
  return e ?? undefined;
}

function valuesAt(item: unknown, path: string[]): unknown[] {
  let cur: unknown[] = [item];
  for (const name of path) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (typeof c !== 'object' || c === null) continue;
      const v = (c as Record<string, unknown>)[name];
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined) next.push(v);
    }
    cur = next;
  }
  return cur;
}

function matches(item: unknown, exp: Expected[]): boolean {
  return exp.every((x) =>
    valuesAt(item, x.path).some((v) => (x.fixed !== undefined ? jsonEqual(v, x.fixed) : matchesPattern(v, x.pattern))),
  );
}

export function checkSlices(value: Record<string, unknown>, sliced: [string, ElementNode][], path: string, issues: OperationOutcomeIssue[]): void {
  for (const [name, node] of sliced) {
    const raw = value[name];
    const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const { name: sliceName, node: slice } of node.slicing?.slices ?? []) {
      if (slice.min === 0 && slice.max === Infinity) continue;
      const exp = expectations(node, slice);
      if (!exp) continue;
      const n = items.filter((i) => matches(i, exp)).length;
      if (n < slice.min)
        issues.push(issue('error', 'structure', `Slice '${sliceName}' of ${name}: minimum required = ${slice.min}, but only found ${n}`, `${path}.${name}`));
      else if (n > slice.max)
        issues.push(issue('error', 'structure', `Slice '${sliceName}' of ${name}: maximum allowed = ${slice.max}, but found ${n}`, `${path}.${name}`));
    }
  }
}
