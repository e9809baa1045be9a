/**
 * An access token's filter (search/types.ts AccessFilter) as SQL on a `resource` row `r`: the OR of its
 * alternatives, each the row's type, compartment membership and restriction conditions. Built from the
 * same predicates as the search itself, so a restriction means exactly what the same search would.
 */
import { sql } from 'kysely';
import type { AccessAlternative } from '../../../search/types.js';
import { compartmentPredicate } from './compartment.js';
import { conditionPredicate, type SearchContext } from './conditions.js';
import type { Sql } from './predicates.js';

/** True for rows some alternative admits; `1 = 0` when there is none (the token shows nothing). */
export function accessPredicate(alternatives: AccessAlternative[], ctx: SearchContext): Sql {
  const terms = alternatives.filter((alt) => alt.types.length > 0).map((alt) => alternativePredicate(alt, ctx));
  return terms.length ? sql`(${sql.join(terms, sql` OR `)})` : sql`1 = 0`;
}

function alternativePredicate(alt: AccessAlternative, ctx: SearchContext): Sql {
  const parts: Sql[] = [sql`r.type IN (${sql.join(alt.types)})`];
  if (alt.compartment) parts.push(compartmentPredicate(alt.compartment, ctx.baseUrl));
  const type = alt.types.length === 1 ? sql`${alt.types[0]}` : sql.ref('r.type');
  // Probing (EXISTS on the row's rid): the search's own conditions already drive.
  for (const cond of alt.conditions) parts.push(conditionPredicate(cond, 'r', type, { ...ctx, probe: true }));
  return sql`(${sql.join(parts, sql` AND `)})`;
}

/** The rows among `rids` that the alternatives admit (for filtering _include and _revinclude results). */
export function visibleRidsSql(rids: number[], alternatives: AccessAlternative[], ctx: SearchContext): Sql {
  return sql`SELECT r.rid AS rid FROM resource AS r WHERE r.rid IN (${sql.join(rids)}) AND ${accessPredicate(alternatives, ctx)}`;
}
