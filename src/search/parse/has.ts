/**
 * Reverse chaining (search.html#has): `_has:Observation:patient:code=1234-5` selects the searched
 * resources that some Observation refers to through `patient` and whose `code` matches; the inner
 * name may itself be a `_has` (nested) or any parameter name (modifiers, chains). The Condition's
 * param, modifier and values mirror the innermost condition; `has` holds the structure.
 */
import { searchParam } from '../registry.js';
import type { Condition } from '../types.js';
import { invalidParam, withinParam } from './errors.js';
import { isResourceType } from './resolve.js';

export type ConditionBuilder = (types: string[], name: string, raw: string) => Condition | undefined;

export function buildHas(types: string[], name: string, raw: string, inner: ConditionBuilder): Condition | undefined {
  const [, type, refCode, ...rest] = name.split(':');
  const innerName = rest.join(':');
  if (!type || !refCode || !innerName) throw invalidParam(name, '_has takes the form _has:Type:referenceParameter:parameter');
  if (!isResourceType(type)) throw invalidParam(name, `'${type}' is not a resource type`);
  const ref = searchParam(type, refCode);
  if (!ref) return undefined;
  if (ref.type !== 'reference') throw invalidParam(name, `${type} '${refCode}' is a ${ref.type} parameter, not a reference`);
  if (ref.target && ref.target.length > 0) {
    for (const searched of types) {
      if (!ref.target.includes(searched)) throw invalidParam(name, `${type} '${refCode}' cannot refer to ${searched} (targets: ${ref.target.join(', ')})`);
    }
  }
  let condition: Condition | undefined;
  try {
    condition = inner([type], innerName, raw);
  } catch (err) {
    throw withinParam(name, err);
  }
  if (!condition) return undefined;
  const out: Condition = { name, param: condition.param, has: { type, referenceParam: ref, condition }, values: condition.values };
  if (condition.modifier !== undefined) out.modifier = condition.modifier;
  return out;
}
