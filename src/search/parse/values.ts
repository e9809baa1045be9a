/**
 * A parameter's value as written -> its typed values: split on unescaped commas (OR), each item
 * parsed by the parameter's type and modifier. Empty items (`a,,b`) are skipped. :missing takes
 * `true` or `false` whatever the type.
 */
import type { SearchParamDef, SearchValue } from '../types.js';
import { parseCompositeValue } from './composite.js';
import { parseDateValue } from './date.js';
import { splitUnescaped, unescapeValue } from './escape.js';
import { invalidParam, unsupportedParam } from './errors.js';
import { parseNumberValue } from './number.js';
import { parseQuantityValue } from './quantity.js';
import { parseReferenceValue } from './reference.js';
import { parseStringValue } from './string.js';
import { parseTokenValue } from './token.js';

export interface ValueContext {
  def: SearchParamDef;
  /** The modifier after the last `:` (not a reference's `:Type`). */
  modifier?: string;
  /** The `:Type` of a reference parameter. */
  typeModifier?: string;
  /** The parameter name as written, for errors. */
  name: string;
}

export function parseValues(raw: string, ctx: ValueContext): SearchValue[] {
  return splitUnescaped(raw, ',')
    .filter((item) => item !== '')
    .map((item) => parseValue(item, ctx));
}

export function parseValue(text: string, ctx: ValueContext): SearchValue {
  const { def, modifier, name } = ctx;
  if (modifier === 'missing') {
    if (text !== 'true' && text !== 'false') throw invalidParam(name, `':missing' takes true or false, not '${text}'`);
    return { kind: 'missing', missing: text === 'true' };
  }
  switch (def.type) {
    case 'number':
      return parseNumberValue(text, name);
    case 'date':
      return parseDateValue(text, name);
    case 'string':
      return parseStringValue(text);
    case 'token':
      return parseTokenValue(text, modifier, def.code, name);
    case 'reference':
      return parseReferenceValue(text, def, modifier, ctx.typeModifier, name);
    case 'quantity':
      return parseQuantityValue(text, name);
    case 'uri':
      return { kind: 'uri', value: unescapeValue(text) };
    case 'composite':
      return parseCompositeValue(text, def, name, (part, component) => parseValue(part, { def: component, name }));
    case 'special':
      throw unsupportedParam(name, `the special parameter '${def.code}' is not supported`);
  }
}
