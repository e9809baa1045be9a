/**
 * Number values (search.html#number). A number without a prefix stands for the range its precision
 * implies: 100 is [99.5, 100.5), 100.00 is [99.995, 100.005). For exponential notation the spec's
 * table gives 1e2 as [95, 105), a half-unit one digit below the last digit of the mantissa; we
 * follow that table (strict significant figures would give [50, 150)).
 *
 * The bounds are computed in decimal (BigInt digits and a power of ten, converted once), so 100.00
 * gives exactly 99.995 and not 99.99499999999999.
 */
import type { Prefix, SearchValue } from '../types.js';
import { invalidParam } from './errors.js';
import { takePrefix } from './prefix.js';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export interface DecimalRange {
  value: number;
  low: number;
  high: number;
}

/** The value and implied range of a decimal as written; undefined when it is not a decimal. */
export function decimalRange(text: string): DecimalRange | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign, int, frac = '', expText] = m;
  const digits = BigInt(sign + int + frac);
  const exponent = (expText === undefined ? 0 : Number(expText)) - frac.length;
  // One extra digit for plain decimals (100 -> +-0.5), two for exponential ones (1e2 -> +-5).
  const extra = expText === undefined ? 1 : 2;
  const scaled = digits * 10n ** BigInt(extra);
  const at = (n: bigint) => Number(`${n}e${exponent - extra}`);
  const value = Number(`${digits}e${exponent}`) || 0; // -0 reads as 0
  const low = at(scaled - 5n);
  const high = at(scaled + 5n);
  if (!Number.isFinite(value) || !Number.isFinite(low) || !Number.isFinite(high)) return undefined;
  return { value, low, high };
}

/** A prefixed number, e.g. `gt100` or `1e2`; the prefix stays as written (`ap` is the query side's). */
export function parsePrefixedNumber(text: string): (DecimalRange & { prefix: Prefix }) | undefined {
  const { prefix, rest } = takePrefix(text);
  const range = decimalRange(rest);
  return range && { prefix, ...range };
}

export function parseNumberValue(text: string, name: string): SearchValue {
  const parsed = parsePrefixedNumber(text);
  if (!parsed) throw invalidParam(name, `'${text}' is not a number (an optional prefix such as gt, then a decimal)`);
  return { kind: 'number', ...parsed };
}
