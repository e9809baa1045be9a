/**
 * FHIR date, dateTime and instant values, Periods and Timings as closed ranges of epoch milliseconds,
 * by precision (search.html#date): `2024` is the whole year, `2024-03-05T10:20:30+01:00` the whole
 * second. A time without a zone is taken in UTC; sub-millisecond digits are dropped. Single values are
 * read by the query parser's dateRange (parse/date.ts), so that index and query agree on every range.
 */
import { dateRange as parseDateRange } from '../parse/date.js';

/** The smallest and largest epoch milliseconds a JavaScript Date holds: open Period ends. */
export const MIN_DATE = -8.64e15;
export const MAX_DATE = 8.64e15;

/** The range a date/dateTime/instant covers (the query parser's reading), or undefined when invalid. */
export function dateRange(text: string): [number, number] | undefined {
  const r = parseDateRange(text);
  return r && [r.start, r.end];
}

/** A Period: from its start's first to its end's last millisecond, open ends unbounded. */
export function periodRange(period: Record<string, unknown>): [number, number] | undefined {
  const start = typeof period.start === 'string' ? dateRange(period.start) : undefined;
  const end = typeof period.end === 'string' ? dateRange(period.end) : undefined;
  if (!start && !end) return undefined;
  return [start ? start[0] : MIN_DATE, end ? end[1] : MAX_DATE];
}

/**
 * A Timing: only the outer limits count (search.html#date: "the specified scheduling details are
 * ignored and only the outer limits matter"): the earliest and latest of its events and bounds Period.
 */
export function timingRange(timing: Record<string, unknown>): [number, number] | undefined {
  let low = Infinity;
  let high = -Infinity;
  const events = timing.event;
  if (Array.isArray(events)) {
    for (const e of events) {
      const r = typeof e === 'string' ? dateRange(e) : undefined;
      if (!r) continue;
      if (r[0] < low) low = r[0];
      if (r[1] > high) high = r[1];
    }
  }
  const repeat = timing.repeat as Record<string, unknown> | undefined;
  const bounds = repeat && typeof repeat === 'object' ? (repeat.boundsPeriod as Record<string, unknown> | undefined) : undefined;
  const b = bounds && typeof bounds === 'object' ? periodRange(bounds) : undefined;
  if (b) {
    if (b[0] < low) low = b[0];
    if (b[1] > high) high = b[1];
  }
  return low === Infinity ? undefined : [low, high];
}
