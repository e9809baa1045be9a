/**
 * Search paging parameters of Qiao's own links: `_cursor` (an opaque position in the result order)
 * and `_page=previous`. Clients only follow the links; a cursor that is not one of ours is a 400.
 */
import { badRequest } from '../fhir/errors.js';
import type { Cursor } from '../store/store.js';

export interface Paging {
  cursor?: Cursor;
  backwards: boolean;
  /** The query without the paging parameters. */
  rest: [string, string][];
}

export function takePaging(query: [string, string][]): Paging {
  const rest: [string, string][] = [];
  let cursor: Cursor | undefined;
  let backwards = false;
  for (const [k, v] of query) {
    if (k === '_cursor') cursor = decodeCursor(v);
    else if (k === '_page') backwards = v === 'previous';
    else rest.push([k, v]);
  }
  return { cursor, backwards, rest };
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.values, c.rid])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const [values, rid] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    const ok = Array.isArray(values) && values.every((v) => v === null || typeof v === 'string' || typeof v === 'number') && Number.isSafeInteger(rid);
    if (ok) return { values: values as Cursor['values'], rid: rid as number };
  } catch {
    // fall through
  }
  throw badRequest('_cursor is not a position this server gave out: follow the links of a search result', '_cursor');
}
