/**
 * Date values (search.html#date). A date is the range its precision implies, as a closed range of
 * epoch milliseconds like DateRow: 2024 is [2024-01-01T00:00:00.000Z, 2024-12-31T23:59:59.999Z],
 * 2024-03-01T10:00 the whole minute, 10:00:00.5 the 100 ms from .500 to .599. Time zones are
 * Z or +-hh:mm; a value without one is taken in UTC (documented, as for the index). A time needs
 * at least hours and minutes, and a zone needs a time. `ap` is kept as a prefix for the query side.
 * A space before the offset is read as `+`: an unencoded `+01:00` in a query string decodes to a space.
 */
import type { SearchValue } from '../types.js';
import { invalidParam } from './errors.js';
import { takePrefix } from './prefix.js';

const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+\- ]\d{2}:\d{2})?)?)?)?$/;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil; no Date quirks for years < 100). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The range a date, dateTime or instant as written covers; undefined when it is not a valid one. */
export function dateRange(text: string): { start: number; end: number } | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const dayStart = daysFromCivil(year, month, day) * DAY;
  if (h === undefined) {
    // Date precision: the year, month or day as a whole.
    const next =
      mo === undefined
        ? daysFromCivil(year + 1, 1, 1) * DAY
        : d === undefined
          ? dayStart + daysInMonth(year, month) * DAY
          : dayStart + DAY;
    return { start: dayStart, end: next - 1 };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const offset = offsetMinutes(zone);
  if (hour > 23 || minute > 59 || second > 59 || offset === undefined) return undefined;
  let start = dayStart + (hour * 60 + minute - offset) * MINUTE + second * 1000;
  let span: number;
  if (s === undefined) span = MINUTE;
  else if (frac === undefined) span = 1000;
  else {
    // .5 covers 100 ms, .50 10 ms, .500 and finer one millisecond (the resolution we store).
    const digits = frac.slice(0, 3);
    start += Number(digits.padEnd(3, '0'));
    span = 10 ** (3 - digits.length);
  }
  return { start, end: start + span - 1 };
}

export function parseDateValue(text: string, name: string): SearchValue {
  const { prefix, rest } = takePrefix(text);
  const range = dateRange(rest);
  if (!range) {
    throw invalidParam(
      name,
      `'${text}' is not a valid date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm], with an optional prefix such as ge)`,
    );
  }
  return { kind: 'date', prefix, ...range, raw: rest };
}
