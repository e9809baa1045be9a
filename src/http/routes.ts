/**
 * The route table of the FHIR REST API (http.html), as data: the router matches requests against it
 * and the CapabilityStatement is generated from it, so the two cannot drift.
 */
import { conditionalWrite } from '../interactions/conditional-write.js';
import { compartmentSearch } from '../interactions/compartment-search.js';
import { create } from '../interactions/create.js';
import { remove } from '../interactions/delete.js';
import { history } from '../interactions/history.js';
import { patch } from '../interactions/patch.js';
import { read } from '../interactions/read.js';
import { search } from '../interactions/search.js';
import type { FhirRequest, FhirResult, InteractionContext } from '../interactions/types.js';
import { update } from '../interactions/update.js';
import { vread } from '../interactions/vread.js';

/** Path segment patterns: a literal, ':type', ':id' or ':vid'. */
export interface Route {
  method: FhirRequest['method'];
  pattern: string[];
  /** The CapabilityStatement interaction code (TypeRestfulInteraction or SystemRestfulInteraction). */
  interaction: string;
  level: 'system' | 'type' | 'instance';
  handle(req: FhirRequest, ctx: InteractionContext, params: Record<string, string>): Promise<FhirResult>;
}

export const ROUTES: Route[] = [
  { method: 'GET', pattern: ['_history'], interaction: 'history-system', level: 'system', handle: (r, c) => history(r, c) },
  { method: 'GET', pattern: [':type'], interaction: 'search-type', level: 'type', handle: (r, c, p) => search(r, c, p.type) },
  { method: 'POST', pattern: [':type', '_search'], interaction: 'search-type', level: 'type', handle: (r, c, p) => search(r, c, p.type) },
  { method: 'POST', pattern: [':type'], interaction: 'create', level: 'type', handle: (r, c, p) => create(r, c, p.type) },
  { method: 'PUT', pattern: [':type'], interaction: 'update', level: 'type', handle: (r, c, p) => conditionalWrite(r, c, p.type) },
  { method: 'PATCH', pattern: [':type'], interaction: 'patch', level: 'type', handle: (r, c, p) => conditionalWrite(r, c, p.type) },
  { method: 'DELETE', pattern: [':type'], interaction: 'delete', level: 'type', handle: (r, c, p) => conditionalWrite(r, c, p.type) },
  { method: 'GET', pattern: [':type', '_history'], interaction: 'history-type', level: 'type', handle: (r, c, p) => history(r, c, p.type) },
  { method: 'GET', pattern: [':type', ':id'], interaction: 'read', level: 'instance', handle: (r, c, p) => read(r, c, p.type, p.id) },
  { method: 'PUT', pattern: [':type', ':id'], interaction: 'update', level: 'instance', handle: (r, c, p) => update(r, c, p.type, p.id) },
  { method: 'PATCH', pattern: [':type', ':id'], interaction: 'patch', level: 'instance', handle: (r, c, p) => patch(r, c, p.type, p.id) },
  { method: 'DELETE', pattern: [':type', ':id'], interaction: 'delete', level: 'instance', handle: (r, c, p) => remove(r, c, p.type, p.id) },
  { method: 'GET', pattern: [':type', ':id', '*'], interaction: 'search-type', level: 'type', handle: (r, c, p) => compartmentSearch(r, c, p.type, p.id, '*') },
  { method: 'GET', pattern: [':type', ':id', ':compartmentType'], interaction: 'search-type', level: 'type', handle: (r, c, p) => compartmentSearch(r, c, p.type, p.id, p.compartmentType) },
  { method: 'GET', pattern: [':type', ':id', '_history'], interaction: 'history-instance', level: 'instance', handle: (r, c, p) => history(r, c, p.type, p.id) },
  { method: 'GET', pattern: [':type', ':id', '_history', ':vid'], interaction: 'vread', level: 'instance', handle: (r, c, p) => vread(c, p.type, p.id, p.vid) },
];

/** Matches path segments against a pattern; returns the bound parameters or undefined. */
export function matchPattern(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  // Check every segment before allocating: most patterns tried on a request do not match.
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const s = path[i];
    if (p[0] === ':') {
      // Literal segments such as _history, _search and $operations never bind as a type or id.
      if (s === '' || s[0] === '_' || s[0] === '$') return undefined;
    } else if (p !== s) return undefined;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) if (pattern[i][0] === ':') params[pattern[i].slice(1)] = path[i];
  return params;
}
