/**
 * Text normalisation for string search (search.html#string: case- and accent-insensitive) and for
 * _text/_content: the query parser's normal form (parse/normalize.ts), so that indexed and searched
 * text always compare in the same form.
 *
 * Why the ASCII fast path: nearly all indexed text is printable ASCII with single spaces, for which
 * that form is just lower case; String.prototype.normalize costs far more than a regular-expression
 * test, and this runs for every string of every write.
 */
import { normalizeString } from '../parse/normalize.js';

const PLAIN_ASCII = /^(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?$/;

/** Lower case, accents (combining marks after NFD) removed, whitespace runs collapsed, trimmed. */
export function normaliseText(text: string): string {
  return PLAIN_ASCII.test(text) ? text.toLowerCase() : normalizeString(text);
}
