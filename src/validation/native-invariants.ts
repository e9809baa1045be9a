/**
 * Native evaluations of frequent invariants whose FHIRPath is too costly for ingest through
 * fhirpath.js (each ~10-20 µs). Each is keyed by the exact 4.0.1 expression, so a profile or a
 * future version with a different expression falls back to fhirpath.js.
 */
import { jsonEqual } from './keywords.js';

type Obj = Record<string, unknown>;
type Native = (focus: Obj, env: { resource: Obj }) => boolean;

type Parts = { precision: number; ms: number; tz: boolean } | undefined;

/**
 * per-1 runs on every Period (several per Claim/EOB) and parsing is a regex plus Date.parse; the
 * same instants recur across the resources of a patient, so parsed values are memoized (bounded).
 */
const memo = new Map<string, Parts>();

function parts(v: unknown): Parts {
  if (typeof v !== 'string') return undefined;
  if (memo.has(v)) return memo.get(v);
  if (memo.size >= 8192) memo.clear();
  const p = parse(v);
  memo.set(v, p);
  return p;
}

/** Splits a FHIR date/dateTime/instant into comparable parts; undefined when not parseable. */
function parse(v: string): Parts {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(v);
  if (!m) return undefined;
  const precision = m[7] ? 7 : m[6] ? 6 : m[5] ? 5 : m[3] ? 3 : m[2] ? 2 : 1;
  const iso = `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0').slice(0, 3)}${m[8] ?? 'Z'}`;
  return { precision, ms: Date.parse(iso), tz: !!m[8] };
}

/**
 * FHIRPath `start <= end` on dates: true/false, or undefined when the comparison is empty because
 * the precisions differ and the values agree on the common precision (`2023-06-21` vs
 * `2023-06-21T06:20:00Z`). Invariants whose result is empty are not satisfied (the HL7 validator
 * reports them), so per-1 fails then. Values that cannot be parsed are left to the format checks.
 */
function lessOrEqual(a: string, b: string): boolean | undefined {
  const pa = parts(a);
  const pb = parts(b);
  if (!pa || !pb || Number.isNaN(pa.ms) || Number.isNaN(pb.ms)) return true;
  if (pa.precision === pb.precision && pa.tz === pb.tz) return pa.ms <= pb.ms;
  if (pa.precision <= 3 || pb.precision <= 3) {
    // a date (year, month or day) against a date or dateTime: compare on the date's precision
    const n = Math.min(pa.precision <= 3 ? a.length : 10, pb.precision <= 3 ? b.length : 10);
    const sa = a.slice(0, n);
    const sb = b.slice(0, n);
    return sa < sb ? true : sa > sb ? false : undefined;
  }
  return pa.ms <= pb.ms || undefined; // dateTimes of different precisions or zones: compared as instants
}

const obs7: Native = (focus) => {
  let hasValue = false;
  for (const k in focus) if (k.startsWith('value') || k.startsWith('_value')) hasValue = true;
  if (!hasValue || !Array.isArray(focus.component)) return true;
  const code = focus.code as { coding?: unknown[] } | undefined;
  const codings = Array.isArray(code?.coding) ? code.coding : [];
  if (!codings.length) return true;
  for (const c of focus.component) {
    const cc = (c as { code?: { coding?: unknown[] } } | null)?.code?.coding;
    if (Array.isArray(cc) && cc.some((x) => codings.some((y) => jsonEqual(x, y)))) return false;
  }
  return true;
};

export const NATIVE_INVARIANTS: Record<string, Native> = {
  'start.hasValue().not() or end.hasValue().not() or (start <= end)': (focus) =>
    typeof focus.start !== 'string' || typeof focus.end !== 'string' || lessOrEqual(focus.start, focus.end) === true,
  'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()': obs7,
};
