/**
 * The checks every interaction makes against the request's access token (access.ts). Each is a no-op
 * when the context has no AccessControl (auth off, or Qiao's own work).
 *
 * Whether one resource is within a grant is answered by the search engine: a search for its _id
 * with the grant's filter. So a patient/ scope or a `?category=laboratory` restriction means the same
 * for a read, a write and a search, and inside a transaction the check sees the transaction's writes.
 */
import { definitions } from '../fhir/definitions.js';
import { parseSearch } from '../search/parse/parse-query.js';
import { referenceTargets } from '../search/parse/resolve.js';
import { searchParam } from '../search/registry.js';
import type { AccessAlternative, Condition, SearchQuery } from '../search/types.js';
import type { StoreReader } from '../store/store.js';
import { forbidden, forbiddenInteraction, type AccessControl, type AccessInteraction } from './access.js';
import { accessAlternatives } from './access-filter.js';

/**
 * 403 unless the token reaches some resources of `type` for `interaction`. Returns the alternatives
 * that say which (undefined: all of them).
 */
export function requireAllowed(access: AccessControl | undefined, type: string, interaction: AccessInteraction): AccessAlternative[] | undefined {
  if (!access) return undefined;
  const alternatives = accessAlternatives(access, [type], interaction);
  if (alternatives?.length === 0) throw forbiddenInteraction(type, interaction);
  return alternatives;
}

/**
 * 403 unless the live resource type/id is within the token's reach for `interaction`. The caller has
 * already answered 404/410 for a resource that is not there, so only an existing one is refused.
 */
export async function requireVisible(
  access: AccessControl | undefined,
  reader: StoreReader,
  baseUrl: string,
  type: string,
  id: string,
  interaction: AccessInteraction,
): Promise<void> {
  const alternatives = requireAllowed(access, type, interaction);
  if (alternatives && !(await isVisible(reader, baseUrl, type, id, alternatives))) {
    throw forbiddenInteraction(type, interaction, ` for ${type}/${id}: it is outside what the token's scopes reach`);
  }
}

async function isVisible(reader: StoreReader, baseUrl: string, type: string, id: string, alternatives: AccessAlternative[]): Promise<boolean> {
  const query = parseSearch([type], [['_id', id]]);
  query.count = 1;
  query.total = 'none';
  query.access = { match: alternatives };
  const page = await reader.search({ query, baseUrl });
  return page.matches.length > 0;
}

/**
 * Adds the token's filter to a parsed search: matches need search access, `_include`d and
 * `_revinclude`d resources read access. Types the token cannot search are left out of a multi-type
 * search; when none is left the search is a 403.
 */
export function restrictSearch(access: AccessControl | undefined, query: SearchQuery): void {
  if (!access) return;
  for (const cond of query.conditions) requireSearchableThrough(access, cond);
  const match = accessAlternatives(access, query.types, 's');
  if (match?.length === 0) {
    throw query.types.length === 1 ? forbiddenInteraction(query.types[0], 's') : forbidden('The access token does not allow searching any of the searched resource types');
  }
  const include = query.include.length || query.revinclude.length ? accessAlternatives(access, [], 'r') : undefined;
  if (match || include) query.access = { match, include };
}

/**
 * A chain (`subject:Patient.name=x`) or `_has` selects by the values of other resources: 403 unless
 * the token may search some resources of every type it looks into, so that a client cannot learn
 * about a type it was not granted through one it was. (The types are checked; a patient/ scope or
 * restriction on them does not narrow the chained resources.)
 */
function requireSearchableThrough(access: AccessControl, cond: Condition): void {
  const reached: string[] = [];
  (cond.chain ?? []).forEach((link, i) => {
    const next = cond.chain![i + 1]?.param.code ?? cond.param.code;
    const targets = link.targetType ? [link.targetType] : referenceTargets(link.param).filter((t) => searchParam(t, next));
    reached.push(...targets);
  });
  if (cond.has) {
    reached.push(cond.has.type);
    requireSearchableThrough(access, cond.has.condition);
  }
  for (const type of new Set(reached)) {
    if (accessAlternatives(access, [type], 's')?.length === 0) {
      throw forbidden(`The access token does not allow search of ${type}, which '${cond.name}' searches through${cond.chain?.length ? ' (a chain may name its target type, as in subject:Patient.name)' : ''}`);
    }
  }
}

/**
 * 403 unless the token reaches every resource of `types` (every type when empty) for `interaction`
 * with a scope of one of `levels`: for what cannot be filtered resource by resource (type and
 * system history, store maintenance).
 */
export function requireUnrestricted(
  access: AccessControl | undefined,
  types: readonly string[],
  interaction: AccessInteraction,
  what: string,
  levels: readonly ('user' | 'system')[] = ['user', 'system'],
): void {
  if (!access) return;
  // "Every type" leaves out the audit trail: only scopes naming AuditEvent reach it (http/access-control.ts),
  // and what needs every type (system history, $reindex) does not list or change it.
  for (const type of types.length ? types : definitions().resourceTypes().filter((t) => t !== 'AuditEvent')) {
    const rule = access.rule(type, interaction);
    if (rule.kind !== 'unrestricted' || !levels.includes(rule.level)) {
      throw forbidden(`${what} needs a ${levels.join('/ or ')}/ scope without restriction for ${types.length === 1 ? type : 'every resource type'}; the access token's scopes do not grant it (${type})`);
    }
  }
}

/** 403 unless the token allows at least one interaction on some resources of `type` (operations that only look at a body). */
export function requireAnyAccess(access: AccessControl | undefined, type: string, what: string): void {
  if (!access) return;
  const interactions: AccessInteraction[] = ['c', 'r', 'u', 'd', 's'];
  if (!interactions.some((i) => accessAlternatives(access, [type], i)?.length !== 0)) {
    throw forbidden(`${what} needs a scope for ${type}; the access token has none`);
  }
}
