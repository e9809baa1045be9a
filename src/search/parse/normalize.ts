/**
 * The normal form of string search (search.html#string: case- and accent-insensitive): lower case,
 * combining marks removed after canonical decomposition (é -> e), runs of whitespace collapsed to
 * one space and trimmed. Exported so that indexing can produce the same form for StringRow.norm.
 */
const COMBINING_MARKS = /\p{M}+/gu;
const WHITESPACE = /\s+/g;

export function normalizeString(value: string): string {
  return value.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(WHITESPACE, ' ').trim();
}
