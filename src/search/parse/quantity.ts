/**
 * Quantity values (search.html#quantity): `[prefix]number|system|code`, `number||code` (any
 * system, code matching code or unit), or just `[prefix]number` (any unit). The number carries its
 * precision range as for number parameters.
 */
import type { SearchValue } from '../types.js';
import { splitUnescaped, unescapeValue } from './escape.js';
import { invalidParam } from './errors.js';
import { parsePrefixedNumber } from './number.js';

export function parseQuantityValue(text: string, name: string): SearchValue {
  const parts = splitUnescaped(text, '|');
  if (parts.length !== 1 && parts.length !== 3) {
    throw invalidParam(name, `'${text}' is not a quantity (expected [prefix]number, number|system|code or number||code)`);
  }
  const number = parsePrefixedNumber(unescapeValue(parts[0]));
  if (!number) throw invalidParam(name, `'${parts[0]}' in '${text}' is not a number (an optional prefix such as gt, then a decimal)`);
  const [system, code] = parts.length === 3 ? [parts[1], parts[2]] : ['', ''];
  return {
    kind: 'quantity',
    ...number,
    system: system === '' ? undefined : unescapeValue(system),
    code: code === '' ? undefined : unescapeValue(code),
  };
}
