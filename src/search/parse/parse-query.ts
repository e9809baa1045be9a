/**
 * The FHIR search query parser (search.html): a search request's name/value pairs (already
 * percent-decoded, in order) -> a typed SearchQuery. Pure: no storage, no SQL.
 *
 * - Each occurrence of a parameter is one Condition (repeats are ANDed); commas inside a value OR.
 * - Unknown or unsupported parameters are left out and listed in `ignored` (search.html#errors:
 *   servers ignore them unless the client sent Prefer: handling=strict, then they are a 400).
 * - Malformed parameters (bad values, unknown modifiers, bad chains) are always a 400 naming the
 *   parameter.
 * - Parameters with an empty value (`name=`) select nothing and are dropped.
 * - `applied` lists what was used, as written, for the self link; _count as clamped, _sort with
 *   only the keys that were applied.
 */
import { issue, OperationOutcomeError } from '../../fhir/errors.js';
import type { SearchQuery } from '../types.js';
import { buildCondition } from './condition.js';
import { invalidParam } from './errors.js';
import { parseIncludes } from './include.js';
import { isResourceType } from './resolve.js';
import { DEFAULT_COUNT, parseCount, parseElements, parseSort, parseSummary, parseTotal } from './result-params.js';

export interface ParseOptions {
  /** Prefer: handling=strict: unknown or unsupported parameters are a 400 instead of ignored. */
  strict?: boolean;
}

/** Unsupported parameters that are ignored without a look (search.html#contained). */
const IGNORED = new Set(['_contained', '_containedType']);
/** Parameters that may appear at most once. */
const SINGLE = new Set(['_type', '_sort', '_count', '_summary', '_total', '_elements']);

interface Ignored {
  /** As listed in SearchQuery.ignored. */
  label: string;
  /** The parameter name, for a strict-mode issue's expression. */
  name: string;
}

export function parseSearch(types: string[] | undefined, query: [string, string][], options: ParseOptions = {}): SearchQuery {
  const out: SearchQuery = { types: types ? [...types] : systemTypes(query), conditions: [], sort: [], count: DEFAULT_COUNT, include: [], revinclude: [], applied: [], ignored: [] };
  const ignored: Ignored[] = [];
  const seen = new Set<string>();
  for (const [name, raw] of query) {
    if (raw === '') continue;
    const colon = name.indexOf(':');
    const base = colon < 0 ? name : name.slice(0, colon);
    if (SINGLE.has(base)) {
      if (seen.has(base)) throw invalidParam(name, 'may appear only once');
      seen.add(base);
      if (base !== name) throw invalidParam(name, `'${base}' takes no modifier`);
    }
    switch (base) {
      case '_type':
        if (types) ignored.push({ label: name, name });
        else out.applied.push([name, raw]);
        break;
      case '_count':
        out.count = parseCount(raw, name);
        out.applied.push([name, String(out.count)]);
        break;
      case '_summary':
        out.summary = parseSummary(raw, name);
        out.applied.push([name, raw]);
        break;
      case '_total':
        out.total = parseTotal(raw, name);
        out.applied.push([name, raw]);
        break;
      case '_elements':
        out.elements = parseElements(raw, name);
        out.applied.push([name, raw]);
        break;
      case '_sort': {
        const sort = parseSort(out.types, raw, name);
        out.sort = sort.keys;
        if (sort.applied.length > 0) out.applied.push([name, sort.applied.join(',')]);
        for (const key of sort.unknown) ignored.push({ label: `${name}=${key}`, name });
        break;
      }
      case '_include':
      case '_revinclude': {
        const clauses = parseIncludes(name, raw);
        (base === '_include' ? out.include : out.revinclude).push(...clauses);
        if (clauses.length > 0) out.applied.push([name, raw]);
        break;
      }
      default: {
        if (IGNORED.has(base)) {
          ignored.push({ label: name, name });
          break;
        }
        const condition = buildCondition(out.types, name, raw);
        if (!condition) ignored.push({ label: name, name });
        else if (condition.values.length > 0) {
          out.conditions.push(condition);
          out.applied.push([name, raw]);
        }
      }
    }
  }
  out.ignored = ignored.map((i) => i.label);
  if (options.strict && ignored.length > 0) {
    throw new OperationOutcomeError(
      400,
      ignored.map((i) => issue('error', 'not-supported', `Search parameter '${i.label}' is unknown or not supported (Prefer: handling=strict)`, i.name)),
    );
  }
  return out;
}

/** System search: the types `_type` names (each a resource type), or [] for all. */
function systemTypes(query: [string, string][]): string[] {
  const types = new Set<string>();
  for (const [name, raw] of query) {
    if (name !== '_type') continue;
    for (const type of raw.split(',')) {
      if (type === '') continue;
      if (!isResourceType(type)) throw invalidParam(name, `'${type}' is not a resource type`);
      types.add(type);
    }
  }
  return [...types];
}
