/**
 * search (search.html): GET [base]/[type]?..., POST [base]/[type]/_search (form), and system search
 * GET [base]?_type=... . Parses the query (search/parse), asks the store for one page, and returns a
 * searchset Bundle with matches, includes, and self/next/previous links.
 */
import type { Bundle, BundleEntry, Resource } from '../fhir/types.js';
import { parseSearch } from '../search/parse/parse-query.js';
import type { SearchQuery } from '../search/types.js';
import type { SearchPage, StoredVersion } from '../store/store.js';
import { restrictSearch } from './access-check.js';
import { assertResourceType } from './resource-result.js';
import { encodeCursor, takePaging } from './search-paging.js';
import { subset } from './summary.js';
import type { FhirRequest, FhirResult, InteractionContext } from './types.js';

export async function search(req: FhirRequest, ctx: InteractionContext, type: string | undefined): Promise<FhirResult> {
  if (type !== undefined) assertResourceType(type);
  return runSearch(req, ctx, type === undefined ? undefined : [type], type === undefined ? ctx.baseUrl : `${ctx.baseUrl}/${type}`);
}

/**
 * Parses the request's query for `types` (undefined: system search, `_type` or all), lets `scope`
 * narrow the parsed query (compartments, $everything), and answers with one page as a searchset
 * Bundle whose links start with `linkBase`.
 */
export async function runSearch(
  req: FhirRequest,
  ctx: InteractionContext,
  types: string[] | undefined,
  linkBase: string,
  scope?: (query: SearchQuery) => void,
): Promise<FhirResult> {
  const strict = /(?:^|[;,\s])handling\s*=\s*strict\b/.test(req.headers.prefer ?? '');
  const paging = takePaging(req.query);
  const query = parseSearch(types, paging.rest, { strict });
  scope?.(query);
  // After scope: compartments and $everything narrow the types, and $everything adds its includes.
  restrictSearch(ctx.access, query);
  const page = await ctx.reader.search({ query, baseUrl: ctx.baseUrl, cursor: paging.cursor, backwards: paging.backwards });
  const pagingParams = req.query.filter(([k]) => k === '_cursor' || k === '_page');
  return searchResult(query, page, linkBase, ctx.baseUrl, paging.cursor !== undefined ? pagingParams : []);
}

/**
 * The searchset Bundle. Why as text when nothing is subsetted: each stored resource is already JSON, so
 * splicing it in saves a parse and a stringify per entry (most of the cost of a large page).
 */
function searchResult(query: SearchQuery, page: SearchPage, base: string, baseUrl: string, paging: [string, string][]): FhirResult {
  const bundle = searchBundle(query, page, base, paging);
  const whole = (query.summary === undefined || query.summary === 'false') && !query.elements?.length;
  if (!whole) {
    const entry = [...page.matches.map((v) => entryOf(v, 'match', query, baseUrl)), ...page.included.map((v) => entryOf(v, 'include', query, baseUrl))];
    if (entry.length) bundle.entry = entry;
    return { status: 200, resource: bundle };
  }
  const entries = [...page.matches.map((v) => rawEntry(v, MATCH, baseUrl)), ...page.included.map((v) => rawEntry(v, INCLUDE, baseUrl))];
  const head = JSON.stringify(bundle);
  const json = entries.length ? `${head.slice(0, -1)},"entry":[${entries.join(',')}]}` : head;
  return { status: 200, json };
}

const MATCH = '"search":{"mode":"match"}}';
const INCLUDE = '"search":{"mode":"include"}}';

function rawEntry(v: StoredVersion, search: string, baseUrl: string): string {
  return `{"fullUrl":${JSON.stringify(`${baseUrl}/${v.type}/${v.id}`)},"resource":${v.json!},${search}`;
}

/** The Bundle without its entries: total and links. */
function searchBundle(query: SearchQuery, page: SearchPage, base: string, paging: [string, string][]): Bundle {
  const paged = paging.length > 0;
  const backwards = paging.some(([k, v]) => k === '_page' && v === 'previous');
  const link = (relation: string, extra: [string, string][] = []) => ({ relation, url: pageUrl(base, [...query.applied, ...extra]) });
  const links = [link('self', paging)];
  const nextExists = backwards ? paged : page.more;
  const previousExists = backwards ? page.more : paged;
  if (nextExists && page.last) links.push(link('next', [['_cursor', encodeCursor(page.last)]]));
  if (previousExists && page.first) links.push(link('previous', [['_cursor', encodeCursor(page.first)], ['_page', 'previous']]));
  if (paged) links.push(link('first'));
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset' };
  if (page.total !== undefined) bundle.total = page.total;
  bundle.link = links;
  return bundle;
}

function entryOf(v: StoredVersion, mode: 'match' | 'include', query: SearchQuery, baseUrl: string): BundleEntry {
  const resource = subset(JSON.parse(v.json!) as Resource, query.summary, query.elements);
  return { fullUrl: `${baseUrl}/${v.type}/${v.id}`, resource, search: { mode } };
}

function pageUrl(base: string, params: [string, string][]): string {
  return params.length ? `${base}?${new URLSearchParams(params).toString()}` : base;
}
