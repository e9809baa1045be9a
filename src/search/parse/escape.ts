/**
 * Escaping in search values (search.html#escaping): `\,` `\$` `\|` and `\\` stand for the
 * character itself. Values are split on unescaped separators first and unescaped only at the leaf,
 * so that an escaped `|` inside a composite part survives the `$` split and the `|` split alike.
 */

/** Splits on `sep` where it is not escaped; the pieces keep their escapes. */
export function splitUnescaped(value: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++; // skip the escaped character, whatever it is
    else if (c === sep) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/** Removes the escapes; a backslash before any other character (or at the end) is kept as written. */
export function unescapeValue(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const next = value[i + 1];
    if (c === '\\' && (next === ',' || next === '$' || next === '|' || next === '\\')) {
      out += next;
      i++;
    } else out += c;
  }
  return out;
}
