/**
 * _include and _revinclude (search.html#include): `Type:param`, `Type:param:TargetType` or
 * `Type:*`, with the :iterate modifier (and R3's :recurse as its synonym). The parameter must be a
 * reference parameter of Type and TargetType one of its targets. Several values may be given
 * comma-separated, each one clause.
 */
import { searchParam } from '../registry.js';
import type { IncludeClause } from '../types.js';
import { invalidParam } from './errors.js';
import { isResourceType } from './resolve.js';

/** Whether `name` (`_include`, `_include:iterate`, ...) asks for iteration; a 400 on other modifiers. */
export function includeIterates(name: string): boolean {
  const at = name.indexOf(':');
  if (at < 0) return false;
  const modifier = name.slice(at + 1);
  if (modifier === 'iterate' || modifier === 'recurse') return true;
  throw invalidParam(name, `unknown modifier ':${modifier}' (allowed: :iterate, :recurse)`);
}

export function parseIncludes(name: string, raw: string): IncludeClause[] {
  const iterate = includeIterates(name);
  return raw
    .split(',')
    .filter((item) => item !== '')
    .map((item) => parseInclude(name, item, iterate));
}

function parseInclude(name: string, value: string, iterate: boolean): IncludeClause {
  const parts = value.split(':');
  const [sourceType, code, targetType] = parts;
  if (parts.length < 2 || parts.length > 3 || !sourceType || !code || targetType === '') {
    throw invalidParam(name, `'${value}' is not Type:parameter, Type:parameter:TargetType or Type:*`);
  }
  if (!isResourceType(sourceType)) throw invalidParam(name, `'${sourceType}' in '${value}' is not a resource type`);
  if (targetType !== undefined && !isResourceType(targetType)) throw invalidParam(name, `'${targetType}' in '${value}' is not a resource type`);
  const clause: IncludeClause = { sourceType, param: '*', iterate };
  if (targetType !== undefined) clause.targetType = targetType;
  if (code === '*') return clause;
  const def = searchParam(sourceType, code);
  if (!def) throw invalidParam(name, `${sourceType} has no search parameter '${code}'`);
  if (def.type !== 'reference') throw invalidParam(name, `${sourceType} '${code}' is a ${def.type} parameter, not a reference`);
  if (targetType !== undefined && def.target && def.target.length > 0 && !def.target.includes(targetType)) {
    throw invalidParam(name, `${sourceType} '${code}' cannot refer to ${targetType} (targets: ${def.target.join(', ')})`);
  }
  clause.param = def;
  return clause;
}
