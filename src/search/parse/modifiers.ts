/**
 * Which modifiers each parameter type takes (search.html#modifiers, R4). A modifier outside this
 * table is a 400; `:above`/`:below` on tokens and references (terminology subsumption, hierarchies)
 * are known but not supported and give a 400 `not-supported` rather than a silently wrong answer.
 * The reference `:[type]` modifier is handled by the caller (it is a resource type, not a word here).
 */
import type { SearchParamDef, SearchParamType } from '../types.js';
import { invalidParam, unsupportedParam } from './errors.js';

const BY_TYPE: Record<SearchParamType, readonly string[]> = {
  number: ['missing'],
  date: ['missing'],
  string: ['missing', 'exact', 'contains'],
  token: ['missing', 'not', 'text', 'in', 'not-in', 'of-type', 'above', 'below'],
  reference: ['missing', 'identifier', 'above', 'below'],
  quantity: ['missing'],
  uri: ['missing', 'above', 'below'],
  composite: ['missing'],
  special: [],
};

/** Parameters whose meaning narrows the modifiers their declared type would allow. */
const BY_CODE: Record<string, readonly string[]> = {
  _id: ['missing', 'not'],
  _text: [],
  _content: [],
};

const UNSUPPORTED: Partial<Record<SearchParamType, readonly string[]>> = {
  token: ['above', 'below'],
  reference: ['above', 'below'],
};

/** Throws unless `modifier` is one `def` takes and we support. */
export function checkModifier(def: SearchParamDef, modifier: string, name: string): void {
  const allowed = BY_CODE[def.code] ?? BY_TYPE[def.type];
  if (!allowed.includes(modifier)) {
    throw invalidParam(name, `unknown modifier ':${modifier}' for a ${def.type} parameter${allowed.length ? ` (allowed: ${allowed.map((m) => ':' + m).join(', ')})` : ''}`);
  }
  if (UNSUPPORTED[def.type]?.includes(modifier)) throw unsupportedParam(name, `the modifier ':${modifier}' is not supported on ${def.type} parameters`);
}
