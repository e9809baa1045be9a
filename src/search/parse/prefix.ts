/**
 * Comparison prefixes of number, date and quantity values (search.html#prefix). A prefix is two
 * lower-case letters before the value; without one the prefix is `eq`.
 */
import type { Prefix } from '../types.js';

const PREFIXES: ReadonlySet<string> = new Set<Prefix>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

export function takePrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  if (PREFIXES.has(head)) return { prefix: head as Prefix, rest: value.slice(2) };
  return { prefix: 'eq', rest: value };
}
