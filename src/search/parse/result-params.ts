/**
 * Result parameters (search.html#return): _sort, _count, _summary, _elements, _total. They shape
 * the answer rather than select resources. Values outside their code lists are a 400.
 */
import type { SearchQuery, SortKey } from '../types.js';
import { invalidParam } from './errors.js';
import { paramOnAll } from './resolve.js';

export const DEFAULT_COUNT = 20;
/** The largest page we serve; larger _count values are clamped to it (search.html#count lets servers cap). */
export const MAX_COUNT = 1000;

/** _count: a non-negative integer (0 asks for the total only), at most MAX_COUNT. */
export function parseCount(raw: string, name: string): number {
  if (!/^\d+$/.test(raw)) throw invalidParam(name, `'${raw}' is not a non-negative integer`);
  return Math.min(Number(raw), MAX_COUNT);
}

const SUMMARY = ['true', 'text', 'data', 'count', 'false'] as const;
const TOTAL = ['none', 'estimate', 'accurate'] as const;

function oneOf<T extends string>(allowed: readonly T[], raw: string, name: string): T {
  if (!(allowed as readonly string[]).includes(raw)) throw invalidParam(name, `'${raw}' is not one of ${allowed.join(', ')}`);
  return raw as T;
}

export function parseSummary(raw: string, name: string): NonNullable<SearchQuery['summary']> {
  return oneOf(SUMMARY, raw, name);
}

export function parseTotal(raw: string, name: string): NonNullable<SearchQuery['total']> {
  return oneOf(TOTAL, raw, name);
}

const ELEMENT = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** _elements: a comma list of element names (`Patient.name` kept as written). */
export function parseElements(raw: string, name: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const item of items) if (!ELEMENT.test(item)) throw invalidParam(name, `'${item}' is not an element name`);
  return items;
}

export interface ParsedSort {
  keys: SortKey[];
  /** The keys applied, as written (`-date`), for the self link. */
  applied: string[];
  /** Keys naming no parameter of the searched types, as written. */
  unknown: string[];
}

/** _sort: a comma list of parameter codes, `-` in front for descending; any parameter type. */
export function parseSort(types: string[], raw: string, name: string): ParsedSort {
  const out: ParsedSort = { keys: [], applied: [], unknown: [] };
  for (const item of raw.split(',')) {
    if (item === '') continue;
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(code)) throw invalidParam(name, `'${item}' is not a parameter code, optionally preceded by '-'`);
    const param = paramOnAll(types, code, name);
    if (!param) {
      out.unknown.push(item);
      continue;
    }
    out.keys.push({ param, descending });
    out.applied.push(item);
  }
  return out;
}
