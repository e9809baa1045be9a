/**
 * Criteria of conditional interactions (http.html#cond-update, #ccreate, #cdelete, and conditional
 * references in transactions): any search query on the type, matched by the search engine itself.
 *
 * Why strict parsing: an unknown parameter ignored in a search merely widens a result list, but in a
 * conditional write it would widen which resource gets updated or deleted, so it is a 400 instead.
 */
import { badRequest } from '../fhir/errors.js';
import { parseSearch } from '../search/parse/parse-query.js';
import type { StoreReader } from '../store/store.js';

/** Result parameters that make no sense as criteria; they are refused rather than silently dropped. */
const NOT_CRITERIA = new Set(['_count', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total', '_type', '_contained', '_containedType']);

/**
 * Ids of the live resources of `type` matching `criteria` (`a=b&c=d`, or already-split pairs) — at
 * most `limit` (2 by default: enough to tell none, one and many apart).
 */
export async function matchIds(reader: StoreReader, type: string, criteria: string | [string, string][], baseUrl: string, limit = 2): Promise<string[]> {
  const pairs = typeof criteria === 'string' ? [...new URLSearchParams(criteria)] : criteria;
  if (pairs.length === 0) throw badRequest(`Conditional criteria for ${type} are empty`);
  for (const [name] of pairs) {
    const base = name.split(':')[0];
    if (NOT_CRITERIA.has(base)) throw badRequest(`'${name}' cannot be part of conditional criteria`, name);
  }
  const query = parseSearch([type], pairs, { strict: true });
  if (query.conditions.length === 0) throw badRequest(`Conditional criteria for ${type} select nothing`);
  query.count = limit;
  query.total = 'none';
  const page = await reader.search({ query, baseUrl });
  return page.matches.map((v) => v.id);
}

/** The criteria of a conditional request: everything after the `?`, or the request's own query. */
export function criteriaOf(conditionalUrl: string): string {
  const q = conditionalUrl.indexOf('?');
  return q < 0 ? conditionalUrl : conditionalUrl.slice(q + 1);
}
