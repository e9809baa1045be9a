/**
 * The text behind `_text` (the narrative, tags stripped) and `_content` (every string and markdown
 * value of the resource, contained resources included), normalised like string parameters.
 *
 * Why typed: FHIR JSON does not say which strings are text; `code`, `uri`, `id` and dates are strings
 * too. The element types come from the model, looked up once per (model path, JSON key) and kept in
 * per-path tables.
 */
import { normaliseText } from './normalise.js';
import { jsonKeyOption, type ChildOption } from './model.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name.charCodeAt(0) === 35) {
      const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ' ';
    }
    return ENTITIES[name] ?? whole;
  });
}

/** The narrative's text for _text, or null when there is none. */
export function narrativeText(resource: Record<string, unknown>): string | null {
  const text = resource.text;
  if (typeof text !== 'object' || text === null) return null;
  const div = (text as { div?: unknown }).div;
  if (typeof div !== 'string') return null;
  const plain = normaliseText(decodeEntities(div.replace(/<[^>]*>/g, ' ')));
  return plain.length > 0 ? plain : null;
}

/** What a JSON key holds at a model path: text to collect, an element to walk into, or neither. */
type KeyInfo = { text: true } | { text: false; path: string } | null;

const tables = new Map<string, Record<string, KeyInfo>>();

function keyInfo(path: string, key: string): KeyInfo {
  const table = tables.get(path);
  const cached = table?.[key];
  if (cached !== undefined) return cached;
  const opt: ChildOption | undefined = jsonKeyOption(path, key);
  // Unknown keys (invalid content) are not remembered, so arbitrary input cannot grow the tables.
  if (!opt) return null;
  let info: KeyInfo;
  if (key === 'id' || (path === 'Reference' && key === 'reference')) info = null;
  else if (opt.type === 'string' || opt.type === 'markdown') info = { text: true };
  else if (/^[a-z]/.test(opt.type) || opt.type.startsWith('System.') || opt.type === 'Narrative') info = null;
  else info = { text: false, path: opt.path };
  if (table) table[key] = info;
  else tables.set(path, Object.assign(Object.create(null) as Record<string, KeyInfo>, { [key]: info }));
  return info;
}

function walk(node: Record<string, unknown>, path: string, out: string[]): void {
  for (const key in node) {
    const v = node[key];
    if (v === null || v === undefined || key.charCodeAt(0) === 95 /* _ */) continue;
    const info = keyInfo(path, key);
    if (info === null) continue;
    if (info.text) {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) for (const s of v) if (typeof s === 'string') out.push(s);
      continue;
    }
    const dynamic = info.path === 'Resource';
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) walk(item as Record<string, unknown>, dynamic ? String((item as { resourceType?: unknown }).resourceType) : info.path, out);
    } else if (typeof v === 'object') walk(v as Record<string, unknown>, dynamic ? String((v as { resourceType?: unknown }).resourceType) : info.path, out);
  }
}

/** All string content for _content, normalised and de-duplicated, or null when there is none. */
export function resourceContent(resource: Record<string, unknown>, type: string): string | null {
  const parts: string[] = [];
  walk(resource, type, parts);
  if (parts.length === 0) return null;
  const joined = normaliseText([...new Set(parts)].join(' '));
  return joined.length > 0 ? joined : null;
}
