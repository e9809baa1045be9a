/**
 * Token values (search.html#token): `code` (any system), `system|code`, `|code` (no system, null)
 * and `system|` (any code, undefined). :text searches the display text (kind 'text'), :in and
 * :not-in name a ValueSet (kind 'valueset'), :of-type is `system|code|value` on Identifiers: the
 * identifier type's coding and the identifier's value, given as a composite of two tokens (type,
 * then value) so that SearchValue needs no kind of its own. `_id` takes plain ids.
 */
import type { SearchValue } from '../types.js';
import { splitUnescaped, unescapeValue } from './escape.js';
import { invalidParam } from './errors.js';
import { normalizeString } from './normalize.js';

export interface TokenParts {
  system: string | null | undefined;
  code: string | null | undefined;
}

/** `code`, `system|code`, `|code` or `system|`; used for tokens and for reference :identifier. */
export function parseTokenParts(text: string, name: string): TokenParts {
  const parts = splitUnescaped(text, '|');
  if (parts.length === 1) return { system: undefined, code: unescapeValue(parts[0]) };
  if (parts.length === 2) {
    const [system, code] = parts;
    if (system === '' && code === '') throw invalidParam(name, `'${text}' names neither a system nor a code`);
    return { system: system === '' ? null : unescapeValue(system), code: code === '' ? undefined : unescapeValue(code) };
  }
  throw invalidParam(name, `'${text}' has more than one unescaped '|' (expected code, system|code, |code or system|)`);
}

export function parseTokenValue(text: string, modifier: string | undefined, code: string, name: string): SearchValue {
  if (code === '_id') return { kind: 'token', system: undefined, code: unescapeValue(text) };
  switch (modifier) {
    case 'text':
      return { kind: 'text', norm: normalizeString(unescapeValue(text)) };
    case 'in':
    case 'not-in':
      return { kind: 'valueset', url: unescapeValue(text) };
    case 'of-type':
      return parseOfType(text, name);
    default:
      return { kind: 'token', ...parseTokenParts(text, name) };
  }
}

function parseOfType(text: string, name: string): SearchValue {
  const parts = splitUnescaped(text, '|');
  if (parts.length !== 3) throw invalidParam(name, `':of-type' takes system|code|value, not '${text}'`);
  const [system, code, value] = parts.map(unescapeValue);
  if (value === '') throw invalidParam(name, `':of-type' needs an identifier value after the second '|' in '${text}'`);
  if (system === '' && code === '') throw invalidParam(name, `':of-type' needs the identifier type's system or code in '${text}'`);
  return {
    kind: 'composite',
    parts: [
      { kind: 'token', system: system === '' ? undefined : system, code: code === '' ? undefined : code },
      { kind: 'token', system: undefined, code: value },
    ],
  };
}
