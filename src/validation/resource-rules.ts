/**
 * Rules on particular resource types that the HL7 validator enforces beyond their invariants, for
 * conformance resources that refer to definitions Qiao holds (checked only when the referenced
 * definition is known; these resources are rare, so nothing here is on the ingest hot path):
 * - SearchParameter: a `composite` parameter defines two or more components; a parameter
 *   `derivedFrom` another keeps its type, and its bases are bases of the parent;
 * - CapabilityStatement: a `rest.resource.searchParam` with a `definition` has that definition's type.
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import { definitions } from '../fhir/definitions.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

interface SearchParameterLike { resourceType: 'SearchParameter'; url?: string; type?: string; base?: string[] }

function searchParameter(canonical: unknown): SearchParameterLike | undefined {
  if (typeof canonical !== 'string') return undefined;
  const r = definitions().byCanonical(canonical) as unknown;
  return isObj(r) && r.resourceType === 'SearchParameter' ? (r as unknown as SearchParameterLike) : undefined;
}

function checkSearchParameter(sp: Obj, path: string, issues: OperationOutcomeIssue[]): void {
  if (sp.type === 'composite' && list(sp.component).length < 2)
    issues.push(issue('error', 'invalid', "When the SearchParameter has a type of 'composite', then the SearchParameter must define two or more components", path));
  const parent = searchParameter(sp.derivedFrom);
  if (!parent) return;
  if (typeof sp.type === 'string' && parent.type && sp.type !== parent.type)
    issues.push(issue('error', 'invalid', `The type ${sp.type} is different to the type ${parent.type} of the derivedFrom SearchParameter ${String(sp.derivedFrom)}`, `${path}.type`));
  const parentBases = new Set(parent.base ?? []);
  list(sp.base).forEach((b, i) => {
    if (typeof b === 'string' && parentBases.size && !parentBases.has(b) && !parentBases.has('Resource') && !parentBases.has('DomainResource'))
      issues.push(issue('error', 'invalid', `The resource type ${b} is not listed as a base in the SearchParameter this is derived from (${String(sp.derivedFrom)})`, `${path}.base[${i}]`));
  });
}

function checkCapabilityStatement(cs: Obj, path: string, issues: OperationOutcomeIssue[]): void {
  list(cs.rest).forEach((rest, r) => {
    if (!isObj(rest)) return;
    list(rest.resource).forEach((res, i) => {
      if (!isObj(res)) return;
      list(res.searchParam).forEach((p, j) => {
        if (!isObj(p) || typeof p.type !== 'string') return;
        const def = searchParameter(p.definition);
        if (def?.type && def.type !== p.type)
          issues.push(
            issue('error', 'invalid', `Type mismatch - SearchParameter ${String(p.definition)} type is ${def.type}, but type here is ${p.type}`, `${path}.rest[${r}].resource[${i}].searchParam[${j}]`),
          );
      });
    });
  });
}

/** The type-specific rules of a resource (no-op for types without any). */
export function checkResourceRules(resource: Obj, type: string, path: string, issues: OperationOutcomeIssue[]): void {
  if (type === 'SearchParameter') checkSearchParameter(resource, path, issues);
  else if (type === 'CapabilityStatement') checkCapabilityStatement(resource, path, issues);
}
