/**
 * Criteria of conditional interactions (If-None-Exist, `Patient?identifier=sys|val` references):
 * `_id` and `identifier` now; the search issue widens this to every search parameter.
 */
import { badRequest, notSupported } from '../fhir/errors.js';
import type { Criteria, StoreReader } from '../store/store.js';

/** Parses `a=b&c=d` criteria for a type into store criteria. */
export function parseCriteria(type: string, query: string): Criteria {
  const criteria: Criteria = { type };
  const params = new URLSearchParams(query);
  if ([...params.keys()].length === 0) throw badRequest(`Conditional criteria for ${type} are empty`);
  for (const [name, value] of params) {
    if (name === '_id') {
      criteria.ids = value.split(',');
    } else if (name === 'identifier') {
      const bar = value.indexOf('|');
      const token = bar < 0 ? { param: 'identifier', code: value } : { param: 'identifier', system: value.slice(0, bar) || null, code: value.slice(bar + 1) };
      if (token.code === '') delete (token as { code?: string }).code;
      (criteria.tokens ??= []).push(token);
    } else {
      throw notSupported(`Search parameter '${name}' is not supported in conditional criteria yet (supported: _id, identifier)`, name);
    }
  }
  return criteria;
}

/** Ids matching the criteria — at most 2, which is enough to tell none, one and many apart. */
export async function matchIds(reader: StoreReader, type: string, query: string): Promise<string[]> {
  return reader.findIds(parseCriteria(type, query), 2);
}
