/**
 * UCUM canonical forms of quantities (search.html#quantity: a server may match 1 g against 1000 mg),
 * through @lhncbc/ucum-lhc. The canonical form is the value in UCUM base units and a unit code built
 * from the base units' exponents (`g.m-3` for mg/dL), so commensurable units compare equal.
 *
 * Why the cache: one conversion costs 50-300 µs in the library, more than indexing a whole resource.
 * Conversion to base units is linear for ordinary units and affine for special ones such as Cel and
 * [degF], so each unit code is converted once and kept as factor and offset; the rare non-linear
 * special units (pH, decibels) are converted per value.
 */
import { createRequire } from 'node:module';

interface BaseUnitsResult {
  status: string;
  magnitude?: number;
  unitToExp?: Record<string, number>;
  fromUnitIsSpecial?: boolean;
}
interface UcumUtils {
  convertToBaseUnits(unit: string, value: number): BaseUnitsResult;
  getSpecifiedUnit(unit: string, mode: 'validate'): { unit?: { moleExp_?: number } | null };
}

let utils: UcumUtils | undefined;
function ucum(): UcumUtils {
  if (!utils) {
    const lib = createRequire(import.meta.url)('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
    utils = lib.UcumLhcUtils.getInstance();
  }
  return utils;
}

/** How one unit code converts: canonical = factor * value + offset, or per value when not affine. */
export interface UcumCanonicalUnit {
  code: string;
  factor: number;
  offset: number;
  /** Set for non-linear special units: convert each value through the library. */
  perValue?: (value: number) => number | undefined;
}

/** Unit codes come from stored data, so the cache is bounded (cleared when full). */
const CACHE_LIMIT = 10_000;
const cache = new Map<string, UcumCanonicalUnit | null>();

function baseUnits(code: string, value: number): BaseUnitsResult | undefined {
  try {
    const r = ucum().convertToBaseUnits(code, value);
    return r.status === 'succeeded' && typeof r.magnitude === 'number' && Number.isFinite(r.magnitude) ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The canonical unit code from the base units' exponents, plus the mole's. Why the mole: ucum-lhc folds
 * it into the magnitude (as Avogadro's number) and leaves it out of unitToExp, so mmol/L and 10*12/L
 * would both be `m-3` and a red cell count would match a concentration; the library itself refuses to
 * convert between them, and so do we.
 */
function canonicalCode(unitToExp: Record<string, number>, moleExp: number): string {
  const parts: string[] = [];
  for (const [unit, exp] of Object.entries(unitToExp)) if (exp) parts.push(exp === 1 ? unit : `${unit}${exp}`);
  if (moleExp) parts.push(moleExp === 1 ? 'mol' : `mol${moleExp}`);
  return parts.length ? parts.join('.') : '1';
}

function moleExponent(code: string): number {
  try {
    return ucum().getSpecifiedUnit(code, 'validate').unit?.moleExp_ ?? 0;
  } catch {
    return 0;
  }
}

function closeTo(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function resolveUnit(code: string): UcumCanonicalUnit | null {
  const one = baseUnits(code, 1);
  if (!one?.unitToExp) return null;
  const canonical = canonicalCode(one.unitToExp, moleExponent(code));
  if (!one.fromUnitIsSpecial) return { code: canonical, factor: one.magnitude!, offset: 0 };
  const zero = baseUnits(code, 0);
  const two = baseUnits(code, 2);
  if (zero && two) {
    const factor = one.magnitude! - zero.magnitude!;
    if (closeTo(two.magnitude!, 2 * factor + zero.magnitude!)) return { code: canonical, factor, offset: zero.magnitude! };
  }
  return { code: canonical, factor: NaN, offset: NaN, perValue: (v) => baseUnits(code, v)?.magnitude };
}

/** The canonical unit of a UCUM code, or null when it is not valid UCUM or arbitrary (`[IU]`). */
export function ucumCanonical(code: string): UcumCanonicalUnit | null {
  let unit = cache.get(code);
  if (unit === undefined) {
    unit = resolveUnit(code);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(code, unit);
  }
  return unit;
}

/** A value in the canonical unit, or undefined when it cannot be converted. */
export function toCanonical(unit: UcumCanonicalUnit, value: number): number | undefined {
  return unit.perValue ? unit.perValue(value) : unit.factor * value + unit.offset;
}

export const UCUM = 'http://unitsofmeasure.org';

export interface CanonicalQuantity {
  value: number;
  low: number;
  high: number;
  code: string;
}

/**
 * The UCUM canonical form of a quantity and its precision range, or null when it is not convertible
 * UCUM. The same function serves indexing and searching, so both sides always agree.
 */
export function canonicalQuantity(system: string | null | undefined, code: string | null | undefined, value: number, low: number, high: number): CanonicalQuantity | null {
  if (system !== UCUM || !code) return null;
  const unit = ucumCanonical(code);
  if (!unit) return null;
  const cv = toCanonical(unit, value);
  const cl = toCanonical(unit, low);
  const ch = toCanonical(unit, high);
  if (cv === undefined || cl === undefined || ch === undefined) return null;
  return { value: cv, low: Math.min(cl, ch), high: Math.max(cl, ch), code: unit.code };
}
