/**
 * Reference values (search.html#reference): a plain `id`, `Type/id`, `Type/id/_history/version`,
 * or an absolute URL (kept as `url`: whether it is on our own base is the query side's decision).
 * A `:Type` modifier (subject:Patient=123) fixes the target type; :identifier searches
 * Reference.identifier with token syntax. A plain id on a parameter with a single target type gets
 * that type. A type that is not a resource type, or not a target of the parameter, is a 400.
 */
import type { SearchParamDef, SearchValue } from '../types.js';
import { unescapeValue } from './escape.js';
import { invalidParam } from './errors.js';
import { isResourceType } from './resolve.js';
import { parseTokenParts } from './token.js';

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const RELATIVE = /^([A-Za-z]+)\/([^/]+)(?:\/_history\/([^/]+))?$/;

/** Throws unless `type` is a resource type the parameter may refer to. */
export function checkTargetType(def: SearchParamDef, type: string, name: string): void {
  if (!isResourceType(type)) throw invalidParam(name, `'${type}' is not a resource type`);
  if (def.target && def.target.length > 0 && !def.target.includes(type)) {
    throw invalidParam(name, `'${def.code}' cannot refer to ${type} (targets: ${def.target.join(', ')})`);
  }
}

export function parseReferenceValue(
  text: string,
  def: SearchParamDef,
  modifier: string | undefined,
  typeModifier: string | undefined,
  name: string,
): SearchValue {
  if (modifier === 'identifier') {
    const { system, code } = parseTokenParts(text, name);
    return { kind: 'identifier', system, value: code };
  }
  const value = unescapeValue(text);
  if (ABSOLUTE.test(value)) return typeModifier ? { kind: 'reference', targetType: typeModifier, url: value } : { kind: 'reference', url: value };
  const relative = RELATIVE.exec(value);
  if (relative) {
    const [, type, id, version] = relative;
    checkTargetType(def, type, name);
    if (typeModifier && typeModifier !== type) throw invalidParam(name, `'${value}' is not a ${typeModifier} reference`);
    return version === undefined ? { kind: 'reference', targetType: type, id } : { kind: 'reference', targetType: type, id, version };
  }
  if (value.includes('/')) throw invalidParam(name, `'${value}' is not a reference (expected id, Type/id, Type/id/_history/version or an absolute URL)`);
  const single = def.target?.length === 1 ? def.target[0] : undefined;
  const targetType = typeModifier ?? single;
  return targetType ? { kind: 'reference', targetType, id: value } : { kind: 'reference', id: value };
}
