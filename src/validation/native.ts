/**
 * The universal invariants, implemented natively because they apply to every element or resource:
 * ele-1 (every element has a value or children), ext-1 (extension: value or nested extensions, not
 * both), dom-2..dom-5 (rules on contained resources), dom-6 (narrative, warning) and ref-1 (local
 * `#id` references resolve to a contained resource).
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function invariant(issues: OperationOutcomeIssue[], key: string, human: string, path: string, severity: 'error' | 'warning' = 'error') {
  const i = issue(severity, 'invariant', `Constraint failed: ${key}: '${human}'`, path);
  issues.push(i);
}

/** ele-1 on a complex element: it needs some child other than `id`. */
export function checkEle1(value: Obj, path: string, issues: OperationOutcomeIssue[]): void {
  for (const k in value) if (k !== 'id') return;
  invariant(issues, 'ele-1', 'All FHIR elements must have a @value or children', path);
}

/** ext-1: an Extension has either nested extensions or a value[x], not both (and not neither). */
export function checkExt1(value: Obj, path: string, issues: OperationOutcomeIssue[]): void {
  let hasValue = false;
  for (const k in value) if (k.startsWith('value') || k.startsWith('_value')) hasValue = true;
  const hasExt = Array.isArray(value.extension) && value.extension.length > 0;
  if (hasExt === hasValue) invariant(issues, 'ext-1', 'Must have either extensions or value[x], not both', path);
}

/** ref-1: a `#id` reference must point at a contained resource of the root resource. */
export function checkRef1(value: Obj, path: string, root: Obj, resource: Obj, issues: OperationOutcomeIssue[]): void {
  const ref = value.reference;
  if (typeof ref !== 'string' || ref.charCodeAt(0) !== 35) return;
  if (ref === '#') {
    if (root !== resource) return;
  } else if (Array.isArray(root.contained) && root.contained.some((c) => isObj(c) && c.id === ref.slice(1))) return;
  invariant(issues, 'ref-1', 'SHALL have a contained resource if a local reference is provided', path);
}

function collectLocalRefs(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    if (v.charCodeAt(0) === 35) out.add(v);
  } else if (Array.isArray(v)) for (const x of v) collectLocalRefs(x, out);
  else if (isObj(v)) for (const k in v) collectLocalRefs(v[k], out);
}

/** dom-2..dom-6 on a DomainResource (dom-6 as a warning). */
export function checkDomainResource(resource: Obj, path: string, issues: OperationOutcomeIssue[], isContained: boolean, checkContained = true): void {
  if (!isContained) {
    const text = resource.text;
    if (!isObj(text) || text.div === undefined)
      invariant(issues, 'dom-6', 'A resource should have narrative for robust management', path, 'warning');
  }
  const contained = resource.contained;
  if (!checkContained || !Array.isArray(contained) || contained.length === 0) return;
  const refs = new Set<string>();
  for (const k in resource) if (k !== 'contained') collectLocalRefs(resource[k], refs);
  const inside = contained.map((c) => {
    const s = new Set<string>();
    collectLocalRefs(c, s);
    for (const r of s) refs.add(r);
    return s;
  });
  contained.forEach((c, i) => {
    if (!isObj(c)) return;
    const at = `${path}.contained[${i}]`;
    if (c.contained !== undefined)
      invariant(issues, 'dom-2', 'If the resource is contained in another resource, it SHALL NOT contain nested Resources', at);
    const meta = c.meta;
    if (isObj(meta)) {
      if (meta.versionId !== undefined || meta.lastUpdated !== undefined)
        invariant(issues, 'dom-4', 'If a resource is contained in another resource, it SHALL NOT have a meta.versionId or a meta.lastUpdated', at);
      if (meta.security !== undefined)
        invariant(issues, 'dom-5', 'If a resource is contained in another resource, it SHALL NOT have a security label', at);
    }
    if (typeof c.id === 'string' && !refs.has('#' + c.id) && !inside[i].has('#'))
      invariant(
        issues,
        'dom-3',
        'If the resource is contained in another resource, it SHALL be referred to from elsewhere in the resource or SHALL refer to the containing resource',
        at,
      );
  });
}
