/**
 * Required bindings: a `code`, `Coding`, `CodeableConcept` (or string/uri) bound with strength
 * `required` to a value set that can be expanded locally (terminology.ts) must use a code of it.
 * Other strengths are not errors and are not checked (a warning each would flood ingest).
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import { valueSetExpansion } from './terminology.js';

interface CodingLike { system?: unknown; code?: unknown }

function codingIn(c: CodingLike, vs: ReturnType<typeof valueSetExpansion> & object): boolean | undefined {
  if (typeof c.code !== 'string') return undefined;
  if (typeof c.system !== 'string') return undefined; // no system: cannot tell
  return vs.pairs.has(`${c.system}|${c.code}`);
}

export function checkBinding(
  valueSet: string,
  type: string,
  value: unknown,
  path: string,
  issues: OperationOutcomeIssue[],
): void {
  const vs = valueSetExpansion(valueSet);
  if (!vs) return;
  if (type === 'code' || type === 'string' || type === 'uri') {
    if (typeof value === 'string' && !vs.codes.has(value))
      issues.push(issue('error', 'code-invalid', `The value '${value}' is not in the required value set ${valueSet}`, path));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (type === 'Coding') {
    if (codingIn(value as CodingLike, vs) === false)
      issues.push(issue('error', 'code-invalid', `The code '${String((value as CodingLike).system)}#${String((value as CodingLike).code)}' is not in the required value set ${valueSet}`, path));
    return;
  }
  if (type === 'CodeableConcept') {
    const codings = (value as { coding?: unknown }).coding;
    if (!Array.isArray(codings) || codings.length === 0) return;
    let anyKnown = false;
    for (const c of codings) {
      if (typeof c !== 'object' || c === null) continue;
      const r = codingIn(c as CodingLike, vs);
      if (r === true) return;
      if (r === false) anyKnown = true;
    }
    if (anyKnown)
      issues.push(issue('error', 'code-invalid', `None of the codings provided are in the required value set ${valueSet}`, path));
  }
}
