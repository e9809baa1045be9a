/**
 * history: GET [base]/_history, [base]/[type]/_history, [base]/[type]/[id]/_history (http.html#history)
 * with `_since`, `_at`-less paging by `_count` and an opaque `_cursor` that stays valid while data changes
 * (it names a position in the commit order, not an offset).
 */
import { badRequest, notFound } from '../fhir/errors.js';
import type { Bundle, BundleEntry, Resource } from '../fhir/types.js';
import type { HistoryQuery, StoredVersion } from '../store/store.js';
import { requireUnrestricted, requireVisible } from './access-check.js';
import { assertId, assertResourceType, etag } from './resource-result.js';
import { queryValue, type FhirRequest, type FhirResult, type InteractionContext } from './types.js';

const DEFAULT_COUNT = 20;
const MAX_COUNT = 1000;

const AUDIT_EVENT = 'AuditEvent';

export async function history(req: FhirRequest, ctx: InteractionContext, type?: string, id?: string): Promise<FhirResult> {
  if (type) assertResourceType(type);
  if (id) assertId(id);
  const query: HistoryQuery = { type, id, count: parseCount(queryValue(req, '_count')) };
  // The audit trail is read by naming it (AuditEvent/_history), never as part of everything else.
  if (!type) query.excludeTypes = [AUDIT_EVENT];
  const since = queryValue(req, '_since');
  if (since !== undefined) query.since = parseInstant(since, '_since');
  const cursor = queryValue(req, '_cursor');
  if (cursor !== undefined) {
    if (!/^\d{1,15}$/.test(cursor)) throw badRequest(`Invalid _cursor '${cursor.slice(0, 40)}'`, '_cursor');
    query.cursor = Number(cursor);
  }
  if (type && id) {
    if (!(await ctx.reader.read(type, id))) throw notFound(`${type}/${id} is not known`);
    // Decided on the current version, like vread: a deleted resource's history needs an unrestricted scope.
    await requireVisible(ctx.access, ctx.reader, ctx.baseUrl, type, id, 'r');
  } else {
    // Versions are not indexed, so type and system history cannot be filtered by compartment or
    // restriction: they need a scope that reaches every resource they list.
    requireUnrestricted(ctx.access, type ? [type] : [], 's', type ? `History of ${type}` : 'System history');
  }
  const page = await ctx.reader.history(query);
  const path = [type, id, '_history'].filter(Boolean).join('/');
  const self = linkUrl(ctx.baseUrl, path, query);
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    total: page.total,
    link: [{ relation: 'self', url: self }],
    entry: page.versions.map((v) => historyEntry(v, ctx.baseUrl)),
  };
  if (page.next !== undefined) bundle.link!.push({ relation: 'next', url: linkUrl(ctx.baseUrl, path, { ...query, cursor: page.next }) });
  return { status: 200, resource: bundle };
}

function historyEntry(v: StoredVersion, baseUrl: string): BundleEntry {
  const entry: BundleEntry = { fullUrl: `${baseUrl}/${v.type}/${v.id}` };
  if (!v.deleted) entry.resource = JSON.parse(v.json!) as Resource;
  entry.request = {
    method: v.method === 'PATCH' ? 'PATCH' : v.method,
    url: v.method === 'POST' ? v.type : `${v.type}/${v.id}`,
  };
  entry.response = {
    status: v.deleted ? '204' : v.versionId === 1 ? '201' : '200',
    etag: etag(v.versionId),
    lastModified: v.lastUpdated,
  };
  return entry;
}

function linkUrl(baseUrl: string, path: string, q: HistoryQuery): string {
  const params = new URLSearchParams();
  if (q.since) params.set('_since', q.since);
  params.set('_count', String(q.count));
  if (q.cursor !== undefined) params.set('_cursor', String(q.cursor));
  return `${baseUrl}/${path}?${params}`;
}

function parseCount(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_COUNT;
  if (!/^\d{1,6}$/.test(raw)) throw badRequest(`_count must be a non-negative integer, not '${raw.slice(0, 40)}'`, '_count');
  return Math.min(Number(raw), MAX_COUNT);
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `_since` is an instant (search.html): a full date-time with a time zone; normalised to UTC ISO. */
function parseInstant(raw: string, name: string): string {
  const ms = INSTANT.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw badRequest(`${name} must be an instant such as 2024-01-31T12:00:00Z, not '${raw.slice(0, 40)}'`, name);
  return new Date(ms).toISOString();
}
