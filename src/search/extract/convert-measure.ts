/**
 * Values to date, number and quantity rows (search.html#date, #number, #quantity):
 * - date: date, dateTime, instant, Period, Timing (outer limits) as closed epoch-millisecond ranges;
 * - number: integer and decimal types (and the value of a Quantity, the bounds of a Range) with the
 *   range their precision implies;
 * - quantity: the Quantity family (Quantity, SimpleQuantity, Age, Duration, Distance, Count,
 *   MoneyQuantity), Money (currency as an urn:iso:std:iso:4217 code) and Range (one row spanning its
 *   bounds), with the UCUM canonical form when the system is UCUM. SampledData is not indexed.
 *
 * Open Range bounds are ±Number.MAX_VALUE: finite, so every database stores them.
 */
import type { RowSink } from './rows.js';
import { dateRange, periodRange, timingRange } from './dates.js';
import { numberRange } from './numbers.js';
import { isOfType } from './model.js';
import { canonicalQuantity, type CanonicalQuantity } from './ucum.js';

type Obj = Record<string, unknown>;

const CURRENCY = 'urn:iso:std:iso:4217';
const OPEN = Number.MAX_VALUE;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);

export function toDates(v: unknown, type: string, sink: RowSink): void {
  let r: [number, number] | undefined;
  if (typeof v === 'string') r = dateRange(v);
  else if (type === 'Period') r = obj(v) && periodRange(v as Obj);
  else if (type === 'Timing') r = obj(v) && timingRange(v as Obj);
  if (r) sink.date(r[0], r[1]);
}

export function toNumbers(v: unknown, type: string, sink: RowSink): void {
  if (typeof v === 'number') {
    const [low, high] = numberRange(v);
    sink.number(v, low, high);
    return;
  }
  const o = obj(v);
  if (!o) return;
  if (type === 'Range') {
    const lowValue = obj(o.low)?.value;
    const highValue = obj(o.high)?.value;
    const lo = typeof lowValue === 'number' ? lowValue : undefined;
    const hi = typeof highValue === 'number' ? highValue : undefined;
    if (lo === undefined && hi === undefined) return;
    sink.number(lo !== undefined && hi !== undefined ? (lo + hi) / 2 : (lo ?? hi)!, lo === undefined ? -OPEN : numberRange(lo)[0], hi === undefined ? OPEN : numberRange(hi)[1]);
  } else if (isOfType(type, 'Quantity') && typeof o.value === 'number') {
    toNumbers(o.value, 'decimal', sink);
  }
}

function quantity(o: Obj, sink: RowSink): void {
  const value = o.value;
  if (typeof value !== 'number') return;
  const [low, high] = numberRange(value);
  const system = str(o.system);
  const code = str(o.code);
  sink.quantity(value, low, high, system, code, str(o.unit), canonicalQuantity(system, code, value, low, high));
}

/** A Range as one row from its low bound's low edge to its high bound's high edge. */
function range(o: Obj, sink: RowSink): void {
  const lowQ = obj(o.low);
  const highQ = obj(o.high);
  const lo = typeof lowQ?.value === 'number' ? (lowQ.value as number) : undefined;
  const hi = typeof highQ?.value === 'number' ? (highQ.value as number) : undefined;
  if (lo === undefined && hi === undefined) return;
  const unitOf = (lo !== undefined ? lowQ : highQ)!;
  const system = str(unitOf.system);
  const code = str(unitOf.code);
  const low = lo === undefined ? -OPEN : numberRange(lo)[0];
  const high = hi === undefined ? OPEN : numberRange(hi)[1];
  const value = lo !== undefined && hi !== undefined ? (lo + hi) / 2 : (lo ?? hi)!;
  let canon: CanonicalQuantity | null = null;
  const sameUnit = lo === undefined || hi === undefined || (str(highQ!.system) === system && str(highQ!.code) === code);
  if (sameUnit) {
    const c = canonicalQuantity(system, code, value, lo === undefined ? value : low, hi === undefined ? value : high);
    if (c) canon = { value: c.value, low: lo === undefined ? -OPEN : c.low, high: hi === undefined ? OPEN : c.high, code: c.code };
  }
  sink.quantity(value, low, high, system, code, str(unitOf.unit), canon);
}

export function toQuantities(v: unknown, type: string, sink: RowSink): void {
  if (typeof v === 'number') {
    const [low, high] = numberRange(v);
    sink.quantity(v, low, high, null, null, null, null);
    return;
  }
  const o = obj(v);
  if (!o) return;
  if (type === 'Range') range(o, sink);
  else if (type === 'Money') {
    if (typeof o.value !== 'number') return;
    const [low, high] = numberRange(o.value);
    const currency = str(o.currency);
    sink.quantity(o.value, low, high, currency === null ? null : CURRENCY, currency, null, null);
  } else if (isOfType(type, 'Quantity')) quantity(o, sink);
}
