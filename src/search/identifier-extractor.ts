/**
 * Index rows for the `identifier` token parameter, which conditional create (If-None-Exist) and
 * conditional references (`Patient?identifier=sys|val`) need. The search issue replaces this with
 * extraction of every SearchParameter; the row shape stays the same.
 */
import type { IndexRows, TokenRow } from './types.js';
import type { Resource } from '../fhir/types.js';
import { isRecord } from '../fhir/types.js';

export function extractIdentifierTokens(resource: Resource): IndexRows {
  const tokens: TokenRow[] = [];
  const value = resource.identifier;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  for (const ident of list) {
    if (!isRecord(ident)) continue;
    const system = typeof ident.system === 'string' ? ident.system : null;
    const code = typeof ident.value === 'string' ? ident.value : null;
    if (system !== null || code !== null) tokens.push({ param: 'identifier', system, code });
  }
  return { strings: [], tokens, dates: [], numbers: [], quantities: [], references: [], uris: [], text: null, content: null };
}
