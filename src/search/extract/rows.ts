/**
 * Where converters put index rows: one IndexRows per resource, the parameter (and composite group)
 * being extracted set before each value. Each parameter's rows are de-duplicated when it ends
 * (`Patient.name.given` repeated across names, a code in two codings): identical rows add nothing to
 * a search but cost a write.
 */
import type { IndexRows, QuantityRow } from '../types.js';
import { normaliseText } from './normalise.js';

import type { CanonicalQuantity } from './ucum.js';

export type { CanonicalQuantity };

type RowArrays = [unknown[], unknown[], unknown[], unknown[], unknown[], unknown[], unknown[]];

export function emptyRows(): IndexRows {
  return { strings: [], tokens: [], dates: [], numbers: [], quantities: [], references: [], uris: [], text: null, content: null };
}

export class RowSink {
  param = '';
  group: number | null = null;
  /** The next composite group number: groups are unique within one resource. */
  nextGroup = 1;
  readonly rows: IndexRows = emptyRows();
  private readonly arrays: RowArrays;
  private readonly marks = [0, 0, 0, 0, 0, 0, 0];

  constructor() {
    const r = this.rows;
    this.arrays = [r.strings, r.tokens, r.dates, r.numbers, r.quantities, r.references, r.uris];
  }

  /** Starts a parameter (or one component of one composite group). */
  begin(param: string, group: number | null = null): void {
    this.param = param;
    this.group = group;
    const a = this.arrays;
    const m = this.marks;
    for (let i = 0; i < 7; i++) m[i] = a[i].length;
  }

  /** Ends it: de-duplicates its rows and returns how many remain. */
  end(): number {
    let added = 0;
    const a = this.arrays;
    const m = this.marks;
    for (let i = 0; i < 7; i++) {
      const n = a[i].length - m[i];
      if (n > 1) dedupe(a[i], m[i]);
      added += a[i].length - m[i];
    }
    return added;
  }

  /** Row counts, to roll back a composite group that lacks a component. */
  lengths(): number[] {
    return this.arrays.map((a) => a.length);
  }

  truncate(lengths: number[]): void {
    for (let i = 0; i < 7; i++) this.arrays[i].length = lengths[i];
  }

  string(exact: string): void {
    if (exact.length === 0) return;
    this.rows.strings.push({ param: this.param, norm: normaliseText(exact), exact, group: this.group });
  }

  token(system: string | null, code: string | null, text: string | null): void {
    this.rows.tokens.push({ param: this.param, system, code, text, group: this.group });
  }

  /**
   * An identifier's type coding with its value, under `${param}:of-type` (search.html#token
   * :of-type): one row per typed coding, value in `code` (the selective, indexed column), the type's
   * system in `system` and its code in `text`.
   */
  identifierType(typeSystem: string | null, typeCode: string, value: string): void {
    this.rows.tokens.push({ param: `${this.param}:of-type`, system: typeSystem, code: value, text: typeCode, group: this.group });
  }

  date(start: number, end: number): void {
    this.rows.dates.push({ param: this.param, start, end, group: this.group });
  }

  number(value: number, low: number, high: number): void {
    this.rows.numbers.push({ param: this.param, value, low, high, group: this.group });
  }

  quantity(value: number, low: number, high: number, system: string | null, code: string | null, unit: string | null, canonical: CanonicalQuantity | null): void {
    const row: QuantityRow = {
      param: this.param,
      value,
      low,
      high,
      system,
      code,
      unit,
      canonicalValue: canonical ? canonical.value : null,
      canonicalLow: canonical ? canonical.low : null,
      canonicalHigh: canonical ? canonical.high : null,
      canonicalCode: canonical ? canonical.code : null,
      group: this.group,
    };
    this.rows.quantities.push(row);
  }

  reference(targetType: string | null, targetId: string | null, targetVersion: string | null, url: string | null, identifierSystem: string | null, identifierValue: string | null): void {
    this.rows.references.push({ param: this.param, targetType, targetId, targetVersion, url, identifierSystem, identifierValue, group: this.group });
  }

  uri(value: string): void {
    if (value.length === 0) return;
    this.rows.uris.push({ param: this.param, value, group: this.group });
  }
}

function sameRow(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  for (const k in a) if (a[k] !== b[k]) return false;
  return true;
}

/** Removes repeats from rows[from..] in place, keeping first occurrences in order. */
function dedupe(rows: unknown[], from: number): void {
  const n = rows.length;
  let out = from;
  if (n - from <= 32) {
    for (let i = from; i < n; i++) {
      const row = rows[i] as Record<string, unknown>;
      let dup = false;
      for (let j = from; j < out; j++) if (sameRow(rows[j] as Record<string, unknown>, row)) { dup = true; break; }
      if (!dup) rows[out++] = row;
    }
  } else {
    const seen = new Set<string>();
    for (let i = from; i < n; i++) {
      const key = JSON.stringify(rows[i]);
      if (seen.has(key)) continue;
      seen.add(key);
      rows[out++] = rows[i];
    }
  }
  rows.length = out;
}
