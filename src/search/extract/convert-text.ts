/**
 * Values to string, token and uri rows, by FHIR datatype (search.html "Search parameter types"):
 * - string: string/markdown, HumanName (family, given, prefix, suffix, text), Address (line, city,
 *   district, state, postalCode, country, text);
 * - token: code-like primitives and boolean as code (a code with its element's implicit system, see
 *   implicit-system.ts), Coding (system, code, display as text),
 *   CodeableConcept (each Coding, plus its text), Identifier (system, value, type.text as text; and
 *   each type coding with the value for :of-type, see RowSink.identifierType),
 *   ContactPoint (value, no system: ContactPoint.system is a code, not a URI);
 * - uri: uri, url, canonical, oid, uuid.
 */
import type { RowSink } from './rows.js';
import { normaliseText } from './normalise.js';
import { systemOfCodeType } from './implicit-system.js';

type Obj = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function strings(v: unknown, sink: RowSink): void {
  if (typeof v === 'string') sink.string(v);
  else if (Array.isArray(v)) for (const s of v) if (typeof s === 'string') sink.string(s);
}

export function toStrings(v: unknown, type: string, sink: RowSink): void {
  if (typeof v === 'string') {
    sink.string(v);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const o = v as Obj;
  if (type === 'HumanName') {
    strings(o.family, sink);
    strings(o.given, sink);
    strings(o.prefix, sink);
    strings(o.suffix, sink);
    strings(o.text, sink);
  } else if (type === 'Address') {
    strings(o.line, sink);
    strings(o.city, sink);
    strings(o.district, sink);
    strings(o.state, sink);
    strings(o.postalCode, sink);
    strings(o.country, sink);
    strings(o.text, sink);
  }
}

function coding(c: unknown, sink: RowSink): string | null {
  if (typeof c !== 'object' || c === null) return null;
  const o = c as Obj;
  const system = str(o.system);
  const code = str(o.code);
  const display = str(o.display);
  if (system === null && code === null && display === null) return null;
  const text = display === null ? null : normaliseText(display);
  sink.token(system, code, text);
  return text;
}

export function toTokens(v: unknown, type: string, sink: RowSink): void {
  switch (type) {
    case 'CodeableConcept': {
      if (typeof v !== 'object' || v === null) return;
      const cc = v as Obj;
      let displays: (string | null)[] | undefined;
      if (Array.isArray(cc.coding)) {
        displays = [];
        for (const c of cc.coding) displays.push(coding(c, sink));
      }
      const text = str(cc.text);
      if (text !== null) {
        const norm = normaliseText(text);
        // The text usually repeats a display: a row of its own would add nothing to :text.
        if (!displays?.includes(norm)) sink.token(null, null, norm);
      }
      return;
    }
    case 'Coding':
      coding(v, sink);
      return;
    case 'Identifier': {
      if (typeof v !== 'object' || v === null) return;
      const id = v as Obj;
      const system = str(id.system);
      const value = str(id.value);
      if (system === null && value === null) return;
      const idType = typeof id.type === 'object' && id.type !== null ? (id.type as Obj) : undefined;
      const typeText = idType ? str(idType.text) : null;
      sink.token(system, value, typeText === null ? null : normaliseText(typeText));
      if (value !== null && idType && Array.isArray(idType.coding) && sink.group === null) {
        for (const c of idType.coding as unknown[]) {
          const typeCode = typeof c === 'object' && c !== null ? str((c as Obj).code) : null;
          if (typeCode !== null) sink.identifierType(str((c as Obj).system), typeCode, value);
        }
      }
      return;
    }
    case 'ContactPoint': {
      const value = typeof v === 'object' && v !== null ? str((v as Obj).value) : null;
      if (value !== null) sink.token(null, value, null);
      return;
    }
    default:
      if (typeof v === 'string') {
        if (v.length > 0) sink.token(systemOfCodeType(type), v, null);
      } else if (typeof v === 'boolean' || typeof v === 'number') sink.token(null, String(v), null);
  }
}

export function toUris(v: unknown, _type: string, sink: RowSink): void {
  if (typeof v === 'string') sink.uri(v);
}
