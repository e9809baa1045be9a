/** Compartment membership (search.html#compartments) as an SQL predicate on a `resource` row `r`. */
import { sql } from 'kysely';
import type { Compartment } from '../../../search/types.js';
import { localRow, type Sql } from './predicates.js';

/**
 * Membership of a compartment: the row refers to its owner through one of its type's membership
 * parameters, or is the owner itself. Each (type, parameters) term carries the whole key of the
 * reference index (type, param, target_id, target_type), so SQLite looks every term up in it.
 */
export function compartmentPredicate(c: Compartment, ownBase: string): Sql {
  const links = Object.entries(c.params).map(
    ([type, params]) => sql`(c.type = ${type} AND c.param IN (${sql.join(params)}) AND c.target_id = ${c.id} AND c.target_type = ${c.type})`,
  );
  const member = links.length
    ? sql`r.rid IN (SELECT c.rid FROM search_reference AS c WHERE (${sql.join(links, sql` OR `)}) AND ${localRow('c', ownBase)})`
    : sql`1 = 0`;
  return c.includesOwner ? sql`(${member} OR (r.type = ${c.type} AND r.id = ${c.id}))` : member;
}
