/** Shared helpers for the extraction tests: rows of one parameter, by kind. */
import { extractIndexRows } from '../../../src/search/extract/extract.js';
import type { Resource } from '../../../src/fhir/types.js';
import type { IndexRows } from '../../../src/search/types.js';

export type RowKind = 'strings' | 'tokens' | 'dates' | 'numbers' | 'quantities' | 'references' | 'uris';
export const ROW_KINDS: RowKind[] = ['strings', 'tokens', 'dates', 'numbers', 'quantities', 'references', 'uris'];

/** The rows of `param` (all kinds together, in extraction order), without the param and group fields. */
export function rowsOf(rows: IndexRows, param: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const kind of ROW_KINDS) {
    for (const row of rows[kind] as unknown as Record<string, unknown>[]) {
      if (row.param !== param) continue;
      const { param: _p, group: _g, ...rest } = row;
      out.push(rest);
    }
  }
  return out;
}

/** Extracts and returns the rows of one parameter. */
export function extract(resource: Resource, param: string): Record<string, unknown>[] {
  return rowsOf(extractIndexRows(resource), param);
}

/** Every row of a kind as a sorted list of JSON strings (for order-insensitive comparison). */
export function canonicalRows(rows: IndexRows): Record<RowKind, string[]> {
  const out = {} as Record<RowKind, string[]>;
  for (const kind of ROW_KINDS) out[kind] = (rows[kind] as unknown[]).map((r) => JSON.stringify(r)).sort();
  return out;
}

export const reference = (r: Partial<Record<'targetType' | 'targetId' | 'targetVersion' | 'url' | 'identifierSystem' | 'identifierValue', string>>) => ({
  targetType: null,
  targetId: null,
  targetVersion: null,
  url: null,
  identifierSystem: null,
  identifierValue: null,
  ...r,
});
