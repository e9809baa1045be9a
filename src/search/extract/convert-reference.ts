/**
 * Values to reference rows (search.html#reference): Reference (its literal reference, split by
 * parseReference, and/or its logical identifier for :identifier), canonical (url, with a `|version`
 * as targetVersion), uri/url (url as written) and a resource itself (`Bundle.entry[0].resource`:
 * its type and id).
 */
import type { RowSink } from './rows.js';
import { parseReference } from './references.js';

type Obj = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function toReferences(v: unknown, type: string, sink: RowSink): void {
  if (typeof v === 'string') {
    if (v.length === 0) return;
    if (type === 'canonical') {
      const bar = v.indexOf('|');
      sink.reference(null, null, bar < 0 ? null : v.slice(bar + 1), bar < 0 ? v : v.slice(0, bar), null, null);
    } else sink.reference(null, null, null, v, null, null);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const o = v as Obj;
  if (type === 'Reference') {
    const ref = str(o.reference);
    const parsed = ref === null ? undefined : parseReference(ref);
    const identifier = typeof o.identifier === 'object' && o.identifier !== null ? (o.identifier as Obj) : undefined;
    const system = identifier ? str(identifier.system) : null;
    const value = identifier ? str(identifier.value) : null;
    if (!parsed && value === null) return;
    sink.reference(parsed?.type ?? null, parsed?.id ?? null, parsed?.version ?? null, parsed?.url ?? null, system, value);
  } else if (typeof o.resourceType === 'string' && typeof o.id === 'string') {
    sink.reference(o.resourceType, o.id, null, null, null, null);
  }
}
