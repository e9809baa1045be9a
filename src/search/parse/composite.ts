/**
 * Composite values (search.html#composite): the components' values joined by `$`, e.g.
 * code-value-quantity=http://loinc.org|8480-6$gt100. Each part is parsed as its component
 * parameter's type (found through SearchParamDef.component[].definition), without modifiers.
 */
import type { SearchParamDef, SearchValue } from '../types.js';
import { splitUnescaped } from './escape.js';
import { invalidParam, unsupportedParam } from './errors.js';
import { componentDef } from './resolve.js';

export type PartParser = (text: string, def: SearchParamDef) => SearchValue;

export function parseCompositeValue(text: string, def: SearchParamDef, name: string, parsePart: PartParser): SearchValue {
  const components = def.component ?? [];
  if (components.length === 0) throw unsupportedParam(name, `the composite '${def.code}' has no components in its definition`);
  const parts = splitUnescaped(text, '$');
  if (parts.length !== components.length) {
    throw invalidParam(name, `'${text}' has ${parts.length} part(s) separated by '$'; '${def.code}' has ${components.length} components`);
  }
  return {
    kind: 'composite',
    parts: parts.map((part, i) => {
      const component = componentDef(def, components[i].definition);
      if (!component || component.type === 'composite') {
        throw unsupportedParam(name, `component ${i + 1} of '${def.code}' (${components[i].definition}) cannot be resolved`);
      }
      if (part === '') throw invalidParam(name, `component ${i + 1} of '${text}' is empty`);
      return parsePart(part, component);
    }),
  };
}
