/**
 * A parsed search Condition (search/types.ts) as an SQL predicate on a `resource` row: the values of
 * one parameter occurrence ORed, as a semi-join into the parameter's index table, with modifiers,
 * chains (search.html#chaining), reverse chains (_has) and the parameters the resource row answers
 * itself (_id, _lastUpdated).
 *
 * Why two shapes: a query's most selective condition *drives* — `r.rid IN (SELECT rid FROM index WHERE
 * type = 'Observation' AND param = ... AND value ...)`, uncorrelated, found through the (type, param,
 * value) index and evaluated once — and every other condition *probes* the rows it yields —
 * `EXISTS (SELECT 1 FROM index WHERE rid = r.rid AND param = ... AND value ...)`, through the owner
 * (rid) index. So a selective query costs what its matches cost, whatever the size of the database;
 * had every condition been an IN list, a common code's list would grow with the data.
 */
import { sql } from 'kysely';
import { badRequest } from '../../../fhir/errors.js';
import { definitions } from '../../../fhir/definitions.js';
import { textWords, type SqlDialect } from '../dialect.js';
import { canonicalQuantity } from '../../../search/extract/ucum.js';
import type { Condition, SearchParamDef, SearchValue } from '../../../search/types.js';
import {
  localRow,
  numberPredicate,
  quantityPredicate,
  rangePredicate,
  referencePredicate,
  stringPredicate,
  textPredicate,
  tokenPredicate,
  uriPredicate,
  type Sql,
} from './predicates.js';

export interface SearchContext {
  /** The server's FHIR base, so that absolute references to it match local ones. */
  baseUrl: string;
  /** Unique aliases for nested subqueries. */
  alias(): string;
  /** The engine's differences (full text). */
  dialect: SqlDialect;
  /** Probe the row (EXISTS on its rid) rather than drive (IN list); see the file comment. */
  probe?: boolean;
}

const TABLES: Partial<Record<SearchParamDef['type'], string>> = {
  string: 'search_string',
  token: 'search_token',
  date: 'search_date',
  number: 'search_number',
  quantity: 'search_quantity',
  reference: 'search_reference',
  uri: 'search_uri',
};

/** The predicate for `cond` on the resource row `r` (alias), whose type is the SQL expression `type`. */
export function conditionPredicate(cond: Condition, r: string, type: Sql, ctx: SearchContext): Sql {
  if (cond.has) return hasPredicate(cond, r, type, ctx);
  if (cond.chain?.length) return chainPredicate(cond, 0, r, type, ctx);
  return ownPredicate(cond, r, type, ctx);
}

/** A condition on the row's own values (no chain). */
function ownPredicate(cond: Condition, r: string, type: Sql, ctx: SearchContext): Sql {
  const { param, modifier } = cond;
  const rid = sql.ref(`${r}.rid`);
  if (param.code === '_id') return idPredicate(cond, r);
  if (param.code === '_lastUpdated') return lastUpdatedPredicate(cond, r);
  if (param.code === '_text' || param.code === '_content') return textSearch(cond, rid, ctx);
  if (param.code === '_list') return listPredicate(cond, r);
  if (param.type === 'composite') return compositePredicate(cond, rid, type, ctx);
  const table = TABLES[param.type];
  if (!table) throw badRequest(`Parameter '${cond.name}' (${param.type}) cannot be searched`, cond.name);
  const x = ctx.alias();
  // :of-type has rows of its own (RowSink.identifierType): the identifier's type coding with its value.
  const rowParam = modifier === 'of-type' ? `${param.code}:of-type` : param.code;
  const rows = (predicate: Sql) =>
    ctx.probe
      ? sql`EXISTS (SELECT 1 FROM ${sql.table(table)} AS ${sql.raw(x)} WHERE ${sql.ref(`${x}.rid`)} = ${rid} AND ${sql.ref(`${x}.param`)} = ${rowParam} AND ${predicate})`
      : sql`${rid} IN (SELECT ${sql.ref(`${x}.rid`)} FROM ${sql.table(table)} AS ${sql.raw(x)} WHERE ${sql.ref(`${x}.type`)} = ${type} AND ${sql.ref(`${x}.param`)} = ${rowParam} AND ${predicate})`;
  const missing = cond.values.find((v) => v.kind === 'missing');
  if (missing?.kind === 'missing') return missing.missing ? sql`NOT ${rows(sql`1 = 1`)}` : rows(sql`1 = 1`);
  const ored = sql`(${sql.join(cond.values.map((v) => valuePredicate(v, x, modifier, cond, ctx)), sql` OR `)})`;
  // :not and :not-in match resources with no matching value, including those with none (search.html#token).
  return modifier === 'not' || modifier === 'not-in' ? sql`NOT ${rows(ored)}` : rows(ored);
}

function valuePredicate(v: SearchValue, x: string, modifier: string | undefined, cond: Condition, ctx: SearchContext): Sql {
  switch (v.kind) {
    case 'string':
      return stringPredicate(x, v, modifier);
    case 'token':
      return tokenPredicate(x, v);
    case 'text':
      return textPredicate(x, v.norm);
    case 'date':
      return rangePredicate(v.prefix, sql.ref(`${x}.start`), sql.ref(`${x}.end`), v.start, v.end);
    case 'number':
      return numberPredicate(v.prefix, sql.ref(`${x}.value`), v.value, v.low, v.high);
    case 'quantity':
      return quantityPredicate(x, v, canonicalQuantity(v.system, v.code, v.value, v.low, v.high) ?? undefined);
    case 'reference':
    case 'identifier':
      return referencePredicate(x, v, ctx.baseUrl);
    case 'uri':
      return uriPredicate(x, v.value, modifier);
    case 'valueset':
      return valueSetPredicate(x, v.url, cond);
    case 'composite':
      if (modifier === 'of-type') return ofTypePredicate(x, v, cond);
      throw badRequest(`Parameter '${cond.name}' does not take a value like this`, cond.name);
    default:
      throw badRequest(`Parameter '${cond.name}' does not take a value like this`, cond.name);
  }
}

/** `type-system|type-code|value`, parsed as two tokens (type, then value), on the `:of-type` rows. */
function ofTypePredicate(x: string, v: Extract<SearchValue, { kind: 'composite' }>, cond: Condition): Sql {
  const [type, value] = v.parts;
  if (type?.kind !== 'token' || value?.kind !== 'token' || !value.code) throw badRequest(`Parameter '${cond.name}' takes system|code|value`, cond.name);
  const parts: Sql[] = [sql`${sql.ref(`${x}.code`)} = ${value.code}`];
  if (type.code) parts.push(sql`${sql.ref(`${x}.text`)} = ${type.code}`);
  if (type.system) parts.push(sql`${sql.ref(`${x}.system`)} = ${type.system}`);
  return sql`(${sql.join(parts, sql` AND `)})`;
}


function idPredicate(cond: Condition, r: string): Sql {
  const ids = cond.values.flatMap((v) => (v.kind === 'token' && v.code ? [v.code] : []));
  const missing = cond.values.find((v) => v.kind === 'missing');
  if (missing?.kind === 'missing') return missing.missing ? sql`1 = 0` : sql`1 = 1`;
  const test = ids.length ? sql`${sql.ref(`${r}.id`)} IN (${sql.join(ids)})` : sql`1 = 0`;
  return cond.modifier === 'not' ? sql`NOT ${test}` : test;
}

/** _lastUpdated: the stored instant (millisecond ISO text, which sorts as it compares). */
function lastUpdatedPredicate(cond: Condition, r: string): Sql {
  const col = sql.ref(`${r}.last_updated`);
  const iso = (ms: number) => new Date(Math.max(-8.64e15, Math.min(8.64e15, ms))).toISOString();
  const ored = cond.values.map((v) => {
    if (v.kind !== 'date') throw badRequest(`_lastUpdated takes a date`, cond.name);
    return rangePredicate(v.prefix, col, col, iso(v.start) as unknown as number, iso(v.end) as unknown as number);
  });
  return sql`(${sql.join(ored, sql` OR `)})`;
}

function textSearch(cond: Condition, rid: Sql, ctx: SearchContext): Sql {
  const column = cond.param.code === '_text' ? 'narrative' : 'content';
  const ored = cond.values.map((v) => {
    if (v.kind !== 'string') throw badRequest(`${cond.name} takes text`, cond.name);
    // A control character such as NUL separates words like any other non-letter (dialect.ts textWords).
    const words = textWords(v.norm);
    return words.length ? ctx.dialect.textMatch(rid, column, words) : sql`1 = 0`;
  });
  return sql`(${sql.join(ored, sql` OR `)})`;
}

/** _list=id: resources that List/id names as entry.item. */
function listPredicate(cond: Condition, r: string): Sql {
  const ids = cond.values.flatMap((v) => (v.kind === 'reference' && v.id ? [v.id] : []));
  if (!ids.length) return sql`1 = 0`;
  return sql`EXISTS (SELECT 1 FROM search_reference l JOIN resource lr ON lr.rid = l.rid
    WHERE lr.type = 'List' AND lr.id IN (${sql.join(ids)}) AND lr.deleted = 0 AND l.param = 'item'
      AND l.target_type = ${sql.ref(`${r}.type`)} AND l.target_id = ${sql.ref(`${r}.id`)})`;
}

function valueSetPredicate(x: string, url: string, cond: Condition): Sql {
  const vs = definitions().expansion(url) as { expansion?: { contains?: { system?: string; code?: string }[] } } | undefined;
  const contains = vs?.expansion?.contains;
  if (!contains) throw badRequest(`Value set '${url.slice(0, 200)}' is not known to this server`, cond.name);
  const pairs = contains.filter((c) => c.code).map((c) => sql`(${sql.ref(`${x}.system`)} = ${c.system ?? ''} AND ${sql.ref(`${x}.code`)} = ${c.code!})`);
  return pairs.length ? sql`(${sql.join(pairs, sql` OR `)})` : sql`1 = 0`;
}

/** Composite values: every component matched on rows of one group (the same element). */
function compositePredicate(cond: Condition, rid: Sql, type: Sql, ctx: SearchContext): Sql {
  const components = cond.param.component ?? [];
  const ored = cond.values.map((v) => {
    if (v.kind !== 'composite' || v.parts.length !== components.length) {
      throw badRequest(`Parameter '${cond.name}' takes ${components.length} components separated by $`, cond.name);
    }
    const aliases = v.parts.map(() => ctx.alias());
    const from = v.parts.map((part, i) => {
      const def = definitions().byCanonical(components[i].definition) as { type?: SearchParamDef['type'] } | undefined;
      const table = def?.type && TABLES[def.type];
      if (!table) throw badRequest(`Parameter '${cond.name}' has a component that cannot be searched`, cond.name);
      return { table, alias: aliases[i], part };
    });
    const joins = from.slice(1).map((f) => sql`JOIN ${sql.table(f.table)} AS ${sql.raw(f.alias)} ON ${sql.ref(`${f.alias}.rid`)} = ${sql.ref(`${aliases[0]}.rid`)} AND ${sql.ref(`${f.alias}.grp`)} = ${sql.ref(`${aliases[0]}.grp`)}`);
    const where = from.map(
      (f, i) => sql`${sql.ref(`${f.alias}.type`)} = ${type} AND ${sql.ref(`${f.alias}.param`)} = ${`${cond.param.code}#${i}`} AND ${valuePredicate(f.part, f.alias, undefined, cond, ctx)}`,
    );
    if (ctx.probe) {
      return sql`EXISTS (SELECT 1 FROM ${sql.table(from[0].table)} AS ${sql.raw(aliases[0])} ${sql.join(joins, sql` `)} WHERE ${sql.ref(`${aliases[0]}.rid`)} = ${rid} AND ${sql.join(where, sql` AND `)})`;
    }
    return sql`${rid} IN (SELECT ${sql.ref(`${aliases[0]}.rid`)} FROM ${sql.table(from[0].table)} AS ${sql.raw(aliases[0])} ${sql.join(joins, sql` `)} WHERE ${sql.join(where, sql` AND `)})`;
  });
  return sql`(${sql.join(ored, sql` OR `)})`;
}

/**
 * Link `i` of a chain: the row refers (through link.param) to a live resource meeting the rest. Driving,
 * the referred resources are found first (their own condition drives) and the references to them
 * through the (type, param, target_id) index; probing, the row's own references are followed.
 */
function chainPredicate(cond: Condition, i: number, r: string, type: Sql, ctx: SearchContext): Sql {
  const link = cond.chain![i];
  const s = ctx.alias();
  const t = ctx.alias();
  const targetTypes = link.targetType !== undefined ? [link.targetType] : (link.param.target ?? []);
  const targetType = link.targetType !== undefined ? sql`${sql.ref(`${s}.target_type`)} = ${link.targetType} AND ` : sql``;
  const onlyTarget = targetTypes.length === 1 ? targetTypes[0] : undefined;
  const tType = ctx.probe || onlyTarget === undefined ? sql.ref(`${t}.type`) : sql`${onlyTarget}`;
  const innerCtx = { ...ctx, probe: ctx.probe || onlyTarget === undefined };
  const inner = i + 1 < cond.chain!.length ? chainPredicate(cond, i + 1, t, tType, innerCtx) : ownPredicate(cond, t, tType, innerCtx);
  const ref = (c: string) => sql.ref(`${s}.${c}`);
  if (ctx.probe) {
    return sql`EXISTS (SELECT 1 FROM search_reference AS ${sql.raw(s)}
      JOIN resource AS ${sql.raw(t)} ON ${sql.ref(`${t}.type`)} = ${ref('target_type')} AND ${sql.ref(`${t}.id`)} = ${ref('target_id')}
      WHERE ${ref('rid')} = ${sql.ref(`${r}.rid`)} AND ${ref('param')} = ${link.param.code} AND ${targetType}${sql.ref(`${t}.deleted`)} = 0 AND ${localRow(s, ctx.baseUrl)} AND ${inner})`;
  }
  const targets =
    onlyTarget !== undefined
      ? sql`${ref('target_type')} = ${onlyTarget} AND ${ref('target_id')} IN (SELECT ${sql.ref(`${t}.id`)} FROM resource AS ${sql.raw(t)} WHERE ${sql.ref(`${t}.type`)} = ${onlyTarget} AND ${sql.ref(`${t}.deleted`)} = 0 AND ${inner})`
      : sql`(${ref('target_id')}, ${ref('target_type')}) IN (SELECT ${sql.ref(`${t}.id`)}, ${sql.ref(`${t}.type`)} FROM resource AS ${sql.raw(t)} WHERE ${sql.ref(`${t}.deleted`)} = 0 AND ${inner})`;
  return sql`${sql.ref(`${r}.rid`)} IN (SELECT ${ref('rid')} FROM search_reference AS ${sql.raw(s)}
    WHERE ${ref('type')} = ${type} AND ${ref('param')} = ${link.param.code} AND ${targetType}${localRow(s, ctx.baseUrl)} AND ${targets})`;
}

/** _has:Type:param:condition — some live Type refers to the row through param and meets the condition. */
function hasPredicate(cond: Condition, r: string, type: Sql, ctx: SearchContext): Sql {
  const has = cond.has!;
  const s = ctx.alias();
  const o = ctx.alias();
  const inner = conditionPredicate(has.condition, o, sql`${has.type}`, ctx);
  return sql`EXISTS (SELECT 1 FROM search_reference AS ${sql.raw(s)} JOIN resource AS ${sql.raw(o)} ON ${sql.ref(`${o}.rid`)} = ${sql.ref(`${s}.rid`)}
    WHERE ${sql.ref(`${s}.type`)} = ${has.type} AND ${sql.ref(`${s}.param`)} = ${has.referenceParam.code}
      AND ${sql.ref(`${s}.target_type`)} = ${type} AND ${sql.ref(`${s}.target_id`)} = ${sql.ref(`${r}.id`)} AND ${sql.ref(`${o}.deleted`)} = 0
      AND ${localRow(s, ctx.baseUrl)} AND ${inner})`;
}
