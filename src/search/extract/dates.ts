/**
 * FHIR date, dateTime and instant strings as closed ranges of epoch milliseconds, by precision
 * (search.html#date): `2024` is the whole year, `2024-03-05T10:20:30+01:00` the whole second. A time
 * without a zone is taken in UTC. Sub-millisecond digits are dropped.
 */

/** The smallest and largest epoch milliseconds a JavaScript Date holds: open Period ends. */
export const MIN_DATE = -8.64e15;
export const MAX_DATE = 8.64e15;

const DATE = /^(-?\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Date.UTC, except that years 0-99 stay years 0-99 (Date.UTC maps them to 1900-1999). */
function utc(y: number, mo: number, d = 1, h = 0, mi = 0, s = 0): number {
  const t = Date.UTC(y, mo, d, h, mi, s);
  if (y >= 100 || y < 0) return t;
  const date = new Date(t);
  date.setUTCFullYear(y);
  return date.getTime();
}

/** The range a date/dateTime/instant covers, or undefined when the text is not one. */
export function dateRange(text: string): [number, number] | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const y = +m[1];
  if (m[2] === undefined) return [utc(y, 0), utc(y + 1, 0) - 1];
  const mo = +m[2] - 1;
  if (m[3] === undefined) return [utc(y, mo), utc(y, mo + 1) - 1];
  const d = +m[3];
  if (m[4] === undefined) {
    const start = utc(y, mo, d);
    return [start, start + 86_399_999];
  }
  let start = utc(y, mo, d, +m[4], +m[5], m[6] === undefined ? 0 : +m[6]);
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const offset = (+zone.slice(1, 3) * 60 + +zone.slice(4, 6)) * 60_000;
    start += zone.charCodeAt(0) === 45 /* - */ ? offset : -offset;
  }
  if (m[6] === undefined) return [start, start + 59_999];
  const fraction = m[7];
  if (fraction === undefined) return [start, start + 999];
  if (fraction.length >= 3) {
    start += +fraction.slice(0, 3);
    return [start, start];
  }
  start += +fraction.padEnd(3, '0');
  return [start, start + 10 ** (3 - fraction.length) - 1];
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
