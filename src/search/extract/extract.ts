/**
 * Search index extraction: a resource -> the values of every SearchParameter of its type, as typed
 * index rows (src/search/types.ts). Runs on every write, so the per-type plan (plan.ts) is compiled
 * once and most parameters run as compiled accessors rather than through fhirpath.js.
 *
 * `_id` and `_lastUpdated` are not extracted: the store takes them from the resource row.
 */
import type { Resource } from '../../fhir/types.js';
import type { IndexRows } from '../types.js';
import { resourceContent, narrativeText } from './content.js';
import { planFor, type TypePlan } from './plan.js';
import { RowSink } from './rows.js';

/** Extracts with a given plan (tests compare the compiled plan with a fhirpath.js-only one). */
export function extractWithPlan(resource: Resource, plan: TypePlan): IndexRows {
  const sink = new RowSink();
  for (const p of plan.params) p.run(resource, sink);
  const rows = sink.rows;
  if (plan.text) rows.text = narrativeText(resource);
  if (plan.content) rows.content = resourceContent(resource, plan.type);
  return rows;
}

export function extractIndexRows(resource: Resource): IndexRows {
  return extractWithPlan(resource, planFor(resource.resourceType));
}
