/**
 * One search parameter occurrence -> a Condition: the name is resolved (modifiers, chains, _has,
 * _list), then the value parsed by the final parameter's type. Returns undefined for a parameter we
 * do not know or support (the caller lists it as ignored); malformed ones are a 400.
 *
 * Chains (search.html#chaining): `subject.name`, `subject:Patient.name`, several links deep. The
 * first link must exist on every searched type; each next parameter on at least one of the
 * previous link's targets (narrowed by `:Type`). A link records its target type when it is named
 * or when only one target has the next parameter.
 */
import { searchParam } from '../registry.js';
import type { ChainLink, Condition, SearchParamDef } from '../types.js';
import { invalidParam } from './errors.js';
import { buildHas } from './has.js';
import { checkModifier } from './modifiers.js';
import { checkTargetType } from './reference.js';
import { paramOnAll, paramOnSome, referenceTargets, typesOrAll } from './resolve.js';
import { parseValues } from './values.js';

/** `_list` has no SearchParameter of its own in R4 (search.html#list); this stands for it. */
export const LIST_PARAM: SearchParamDef = { code: '_list', type: 'special', url: 'http://hl7.org/fhir/R4/search.html#list', base: ['Resource'] };

/** Resolved but not supported: named queries, and special parameters such as Location near. */
const UNSUPPORTED = new Set(['_query']);

interface Segment {
  code: string;
  modifier?: string;
}

function segment(text: string): Segment {
  const at = text.indexOf(':');
  return at < 0 ? { code: text } : { code: text.slice(0, at), modifier: text.slice(at + 1) };
}

function supported(def: SearchParamDef): boolean {
  return def.type !== 'special' && !UNSUPPORTED.has(def.code);
}

export function buildCondition(types: string[], name: string, raw: string): Condition | undefined {
  if (name.startsWith('_has:') || name === '_has') return buildHas(types, name, raw, buildCondition);
  if (name === '_list') return listCondition(raw);
  const segments = name.split('.').map(segment);
  if (segments.some((s) => s.code === '')) throw invalidParam(name, 'empty parameter name in the chain');
  let def = paramOnAll(types, segments[0].code, name);
  if (!def) return undefined;
  let defined = typesOrAll(types);
  const chain: ChainLink[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    const link = segments[i];
    if (def.type !== 'reference') throw invalidParam(name, `'${link.code}' is a ${def.type} parameter; only reference parameters can be chained`);
    const targets = targetsOn(defined, link.code);
    if (link.modifier !== undefined) {
      checkTargetType({ ...def, target: targets }, link.modifier, name);
    }
    const next = paramOnSome(link.modifier !== undefined ? [link.modifier] : targets, segments[i + 1].code, name);
    if (!next) return undefined;
    const targetType = link.modifier ?? (next.types.length === 1 ? next.types[0] : undefined);
    chain.push(targetType === undefined ? { param: def } : { param: def, targetType });
    def = next.def;
    defined = next.types;
  }
  if (!supported(def)) return undefined;
  const last = segments[segments.length - 1];
  const { modifier, typeModifier } = resolveModifier(def, last.modifier, name);
  const condition: Condition = { name, param: def, values: parseValues(raw, { def, modifier, typeModifier, name }) };
  if (modifier !== undefined) condition.modifier = modifier;
  if (chain.length > 0) condition.chain = chain;
  return condition;
}

/** The union of the reference targets of `code` on the types that define it. */
function targetsOn(types: string[], code: string): string[] {
  const out = new Set<string>();
  for (const type of types) {
    const def = searchParam(type, code);
    if (def) for (const t of referenceTargets(def)) out.add(t);
  }
  return [...out];
}

/** A reference's `:Type` becomes typeModifier; anything else must be a modifier the type takes. */
function resolveModifier(def: SearchParamDef, modifier: string | undefined, name: string): { modifier?: string; typeModifier?: string } {
  if (modifier === undefined) return {};
  if (def.type === 'reference' && /^[A-Z]/.test(modifier)) {
    checkTargetType(def, modifier, name);
    return { typeModifier: modifier };
  }
  checkModifier(def, modifier, name);
  return { modifier };
}

/** `_list=42`: resources in List/42 (a functional list such as $current-problems is kept as the id). */
function listCondition(raw: string): Condition {
  const values = parseValues(raw, { def: { ...LIST_PARAM, type: 'reference', target: ['List'] }, name: '_list' });
  return { name: '_list', param: LIST_PARAM, values };
}
