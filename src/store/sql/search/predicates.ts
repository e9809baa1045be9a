/**
 * SQL predicates for one search value against one row of a typed index table (search.html, "Search
 * parameter types"). Every value is a bound parameter; column names come from this file only.
 *
 * Ranges: an indexed date is the closed range [start, end] its precision implies; the searched value
 * too ([vs, ve]). The prefixes follow search.html#prefix: eq = contained, gt = the part above the
 * searched range is non-empty, ge = gt or eq, and so on; ap widens the searched range by 10% of its
 * distance from now (dates) or of the value (numbers).
 */
import { sql, type RawBuilder } from 'kysely';
import { badRequest } from '../../../fhir/errors.js';
import type { Prefix, SearchValue } from '../../../search/types.js';

export type Sql = RawBuilder<unknown>;

const MAX_CHAR = '\u{10FFFF}';

/** `col` starts with `prefix`, as a range so that an index on col serves it. */
function startsWith(col: Sql, prefix: string): Sql {
  return sql`(${col} >= ${prefix} AND ${col} < ${prefix + MAX_CHAR})`;
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

export function rangePredicate(prefix: Prefix, start: Sql, end: Sql, vs: number, ve: number, now = Date.now()): Sql {
  switch (prefix) {
    case 'eq':
      // start <= ve follows from the others; stated, it bounds the scan of the (start) index.
      return sql`(${start} >= ${vs} AND ${start} <= ${ve} AND ${end} <= ${ve})`;
    case 'ne':
      return sql`NOT (${start} >= ${vs} AND ${end} <= ${ve})`;
    case 'gt':
      return sql`${end} > ${ve}`;
    case 'lt':
      return sql`${start} < ${vs}`;
    case 'ge':
      return sql`(${end} > ${ve} OR (${start} >= ${vs} AND ${end} <= ${ve}))`;
    case 'le':
      return sql`(${start} < ${vs} OR (${start} >= ${vs} AND ${end} <= ${ve}))`;
    case 'sa':
      return sql`${start} > ${ve}`;
    case 'eb':
      return sql`${end} < ${vs}`;
    case 'ap': {
      // Whole milliseconds: dates are integer columns, and PostgreSQL will not compare one with 1.5.
      const gap = Math.ceil(Math.max(Math.abs(now - vs), Math.abs(now - ve)) * 0.1);
      return sql`(${start} <= ${ve + gap} AND ${end} >= ${vs - gap})`;
    }
  }
}

/** A stated number against the searched value and the range its precision implies (search.html#number). */
export function numberPredicate(prefix: Prefix, col: Sql, value: number, low: number, high: number): Sql {
  switch (prefix) {
    case 'eq':
      return sql`(${col} >= ${low} AND ${col} < ${high})`;
    case 'ne':
      return sql`NOT (${col} >= ${low} AND ${col} < ${high})`;
    case 'gt':
    case 'sa':
      return sql`${col} > ${value}`;
    case 'lt':
    case 'eb':
      return sql`${col} < ${value}`;
    case 'ge':
      return sql`${col} >= ${value}`;
    case 'le':
      return sql`${col} <= ${value}`;
    case 'ap': {
      const gap = Math.abs(value) * 0.1;
      return sql`(${col} >= ${value - gap} AND ${col} <= ${value + gap})`;
    }
  }
}

export function stringPredicate(alias: string, v: Extract<SearchValue, { kind: 'string' }>, modifier: string | undefined): Sql {
  const norm = sql.ref(`${alias}.norm`);
  if (modifier === 'exact') return sql`${sql.ref(`${alias}.exact`)} = ${v.value}`;
  if (modifier === 'contains') return sql`${norm} LIKE ${'%' + likeEscape(v.norm) + '%'} ESCAPE '\\'`;
  return startsWith(norm, v.norm);
}

export function tokenPredicate(alias: string, v: Extract<SearchValue, { kind: 'token' }>): Sql {
  const system = sql.ref(`${alias}.system`);
  const code = sql.ref(`${alias}.code`);
  const parts: Sql[] = [];
  if (v.code !== undefined && v.code !== null) parts.push(sql`${code} = ${v.code}`);
  if (v.system === null) parts.push(sql`${system} IS NULL`);
  else if (v.system !== undefined) parts.push(sql`${system} = ${v.system}`);
  return parts.length ? sql`(${sql.join(parts, sql` AND `)})` : sql`1 = 1`;
}

export function textPredicate(alias: string, norm: string): Sql {
  return startsWith(sql.ref(`${alias}.text`), norm);
}

export function uriPredicate(alias: string, value: string, modifier: string | undefined): Sql {
  const col = sql.ref(`${alias}.value`);
  if (modifier === 'below') return startsWith(col, value);
  if (modifier === 'above') return sql`substr(${value}, 1, length(${col})) = ${col}`;
  return sql`${col} = ${value}`;
}

/** Reference values; `ownBase` turns absolute URLs on this server into Type/id. */
export function referencePredicate(alias: string, v: Extract<SearchValue, { kind: 'reference' | 'identifier' }>, ownBase: string): Sql {
  const a = (c: string) => sql.ref(`${alias}.${c}`);
  if (v.kind === 'identifier') {
    const parts: Sql[] = [];
    if (v.value !== undefined && v.value !== null) parts.push(sql`${a('identifier_value')} = ${v.value}`);
    if (v.system === null) parts.push(sql`${a('identifier_system')} IS NULL`);
    else if (v.system !== undefined) parts.push(sql`${a('identifier_system')} = ${v.system}`);
    if (!parts.length) throw badRequest('An :identifier search needs a system, a value or both');
    return sql`(${sql.join(parts, sql` AND `)})`;
  }
  let { targetType, id } = v;
  const { version, url } = v;
  if (url !== undefined) {
    const local = localReference(url, ownBase);
    if (!local) return sql`${a('url')} = ${url}`;
    if (targetType !== undefined && targetType !== local.type) return sql`1 = 0`;
    ({ type: targetType, id } = local);
  }
  const parts: Sql[] = [sql`${a('target_id')} = ${id ?? ''}`];
  if (targetType !== undefined) parts.push(sql`${a('target_type')} = ${targetType}`);
  if (version !== undefined) parts.push(sql`${a('target_version')} = ${version}`);
  parts.push(localRow(alias, ownBase));
  return sql`(${sql.join(parts, sql` AND `)})`;
}

/**
 * The reference row points at a resource on this server: a relative reference, or an absolute URL on
 * our own base. An absolute URL elsewhere (http://other/fhir/Patient/1) keeps its Type/id in the
 * index but is another server's resource, never ours.
 */
export function localRow(alias: string, ownBase: string): Sql {
  const url = sql.ref(`${alias}.url`);
  return sql`(${url} IS NULL OR ${startsWith(url, ownBase + '/')})`;
}

function localReference(url: string, ownBase: string): { type: string; id: string } | undefined {
  if (!url.startsWith(ownBase + '/')) return undefined;
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(url.slice(ownBase.length + 1));
  return m ? { type: m[1], id: m[2] } : undefined;
}

export function quantityPredicate(alias: string, v: Extract<SearchValue, { kind: 'quantity' }>, canonical?: { value: number; low: number; high: number; code: string }): Sql {
  const a = (c: string) => sql.ref(`${alias}.${c}`);
  if (canonical) {
    // UCUM: compare in canonical units, so 1 g matches 1000 mg (search.html#quantity).
    return sql`(${a('canonical_code')} = ${canonical.code} AND ${numberPredicate(v.prefix, a('canonical_value'), canonical.value, canonical.low, canonical.high)})`;
  }
  const parts: Sql[] = [numberPredicate(v.prefix, a('value'), v.value, v.low, v.high)];
  if (v.code !== undefined && v.code !== null) parts.push(sql`(${a('code')} = ${v.code} OR (${a('code')} IS NULL AND ${a('unit')} = ${v.code}))`);
  if (v.system === null) parts.push(sql`${a('system')} IS NULL`);
  else if (v.system !== undefined) parts.push(sql`${a('system')} = ${v.system}`);
  return sql`(${sql.join(parts, sql` AND `)})`;
}
