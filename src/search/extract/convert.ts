/**
 * The converter of each search parameter type: (value, FHIR type) -> rows. An Extension (the result
 * of `.extension('url')`) converts as its value[x].
 */
import type { SearchParamType } from '../types.js';
import type { RowSink } from './rows.js';
import { extensionValueType } from './model.js';
import { toStrings, toTokens, toUris } from './convert-text.js';
import { toDates, toNumbers, toQuantities } from './convert-measure.js';
import { toReferences } from './convert-reference.js';

export type Converter = (value: unknown, type: string, sink: RowSink) => void;

function unwrapExtensions(convert: Converter): Converter {
  return (value, type, sink) => {
    if (type !== 'Extension') return convert(value, type, sink);
    if (typeof value !== 'object' || value === null) return;
    for (const key in value) {
      if (!key.startsWith('value')) continue;
      const t = extensionValueType(key);
      if (t) convert((value as Record<string, unknown>)[key], t, sink);
    }
  };
}

const CONVERTERS: Partial<Record<SearchParamType, Converter>> = {
  string: unwrapExtensions(toStrings),
  token: unwrapExtensions(toTokens),
  uri: unwrapExtensions(toUris),
  date: unwrapExtensions(toDates),
  number: unwrapExtensions(toNumbers),
  quantity: unwrapExtensions(toQuantities),
  reference: unwrapExtensions(toReferences),
};

/** The converter for a parameter type; undefined for composite and special (handled elsewhere). */
export function converterFor(type: SearchParamType): Converter | undefined {
  return CONVERTERS[type];
}
