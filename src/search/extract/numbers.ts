/**
 * The range a decimal's precision implies (search.html#number: 100 is [99.5, 100.5], 100.25 is
 * [100.245, 100.255]): half a unit of its last significant digit either side.
 *
 * Why from the number's shortest text: JSON.parse has already dropped trailing zeros (1.50 arrives as
 * 1.5), so the written precision is not available; the shortest round-trip form is the best we have.
 * The bounds are computed as integer / power of ten, which rounds once, so 100.245 is exactly the
 * double the literal 100.245 denotes.
 */

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

export function numberRange(value: number): [number, number] {
  const m = NUMBER.exec(String(value));
  if (!m) return [value, value];
  const fraction = m[3] ?? '';
  const digits = m[2] + fraction;
  // value = mantissa * 10^-scale
  const scale = fraction.length - (m[4] === undefined ? 0 : +m[4]);
  const mantissa = Number(digits);
  const negative = m[1] === '-';
  if (digits.length > 15 || scale > 21 || scale < -21) {
    const half = 0.5 * 10 ** -scale;
    return [value - half, value + half];
  }
  let low: number;
  let high: number;
  if (scale >= 0) {
    const div = 10 ** (scale + 1);
    low = (mantissa * 10 - 5) / div;
    high = (mantissa * 10 + 5) / div;
  } else {
    const mul = 10 ** -scale;
    low = ((mantissa * 10 - 5) * mul) / 10;
    high = ((mantissa * 10 + 5) * mul) / 10;
  }
  return negative ? [-high, -low] : [low, high];
}
