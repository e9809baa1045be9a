/** String values (search.html#string): the value as written for :exact, its normal form for the rest. */
import type { SearchValue } from '../types.js';
import { unescapeValue } from './escape.js';
import { normalizeString } from './normalize.js';

export function parseStringValue(text: string): SearchValue {
  const value = unescapeValue(text);
  return { kind: 'string', value, norm: normalizeString(value) };
}
