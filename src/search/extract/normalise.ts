/**
 * Text normalisation for string search (search.html#string: case- and accent-insensitive) and for
 * _text/_content. The query side must normalise search values with the same function, so it is
 * exported on its own.
 *
 * Why the ASCII fast path: nearly all indexed text is ASCII, and String.prototype.normalize costs
 * far more than a regular-expression test.
 */

/**
 * Accents: the non-spacing marks NFD splits off letters that belong to no script of their own
 * (combining diacritics, Arabic harakat), not the vowel signs of scripts such as Devanagari.
 * Built with RegExp because set intersection needs the `v` flag, newer than our TypeScript target.
 */
const COMBINING = new RegExp('[\\p{Mn}&&\\p{Script=Inherited}]', 'gv');
const PLAIN_ASCII = /^[\x21-\x7e]*(?: [\x21-\x7e]+)*$/;
const WHITESPACE = /\s+/g;

/**
 * Lower case, accents removed (NFD, combining marks dropped, then NFC so that scripts such as Hangul
 * recompose), runs of whitespace collapsed to one space, trimmed.
 */
export function normaliseText(text: string): string {
  // Printable ASCII with single inner spaces: only case folding to do.
  if (PLAIN_ASCII.test(text)) return text.toLowerCase();
  let s = text.toLowerCase();
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFD').replace(COMBINING, '').normalize('NFC');
  return s.replace(WHITESPACE, ' ').trim();
}
