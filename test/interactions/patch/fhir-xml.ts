/**
 * Test helper: the minimal FHIR XML → FHIR JSON conversion (xml.html, json.html) that the official
 * FHIRPath Patch test cases need, so that Qiao (JSON only) can run them. It follows the
 * StructureDefinitions (definitions registry) for which elements repeat and which types are
 * primitives; `value` attributes become JSON primitives (boolean and numbers typed), an element's
 * `id` attribute and a primitive's extensions go to `_name`, and the xhtml `div` becomes a string.
 */
import { XMLParser } from 'fast-xml-parser';
import { definitions, type ElementDefinition } from '../../../src/fhir/definitions.js';
import type { Resource } from '../../../src/fhir/types.js';

/** fast-xml-parser's preserveOrder node: one key (the tag, or #text/#comment) and ':@' for attributes. */
export type XNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
});

export function parseXml(xml: string): XNode[] {
  return parser.parse(xml) as XNode[];
}

export function tagOf(node: XNode): string {
  return Object.keys(node).find((k) => k !== ':@')!;
}

export function childrenOf(node: XNode): XNode[] {
  return (node[tagOf(node)] as XNode[]).filter((c) => !('#text' in c) && !('#comment' in c));
}

export function attr(node: XNode, name: string): string | undefined {
  return node[':@']?.[name];
}

interface Context {
  sdType: string;
  path: string;
}

interface Child {
  repeating: boolean;
  type: string;
  ctx: Context;
}

const NUMBERS = new Set(['integer', 'decimal', 'positiveInt', 'unsignedInt']);

function elements(type: string): ElementDefinition[] {
  const sd = definitions().structureDefinition(type);
  if (!sd?.snapshot) throw new Error(`No StructureDefinition for ${type}`);
  return sd.snapshot.element;
}

function isPrimitive(type: string): boolean {
  if (type.startsWith('http://hl7.org/fhirpath/System.')) return true;
  return definitions().structureDefinition(type)?.kind === 'primitive-type';
}

function child(ctx: Context, name: string): Child {
  const all = elements(ctx.sdType);
  const exact = all.find((e) => e.path === `${ctx.path}.${name}`);
  let def = exact;
  let type = exact?.type?.[0]?.code;
  if (!def) {
    for (const e of all) {
      if (!e.path.endsWith('[x]')) continue;
      const base = e.path.slice(0, -3);
      const prefix = base.slice(base.lastIndexOf('.') + 1);
      if (base.slice(0, base.lastIndexOf('.')) !== ctx.path || !name.startsWith(prefix)) continue;
      const suffix = name.slice(prefix.length);
      const t = e.type?.find((t) => t.code.toLowerCase() === suffix.toLowerCase());
      if (t) {
        def = e;
        type = t.code;
        break;
      }
    }
  }
  if (!def || !type) {
    if (!def?.contentReference) throw new Error(`Unknown element ${ctx.path}.${name} (in ${ctx.sdType})`);
  }
  const repeating = def!.max !== '1' && def!.max !== '0';
  if (def!.contentReference) {
    return { repeating, type: 'BackboneElement', ctx: { sdType: ctx.sdType, path: def!.contentReference.replace(/^.*#/, '') } };
  }
  if (type === 'BackboneElement' || type === 'Element') return { repeating, type: type!, ctx: { sdType: ctx.sdType, path: def!.path } };
  return { repeating, type: type!, ctx: { sdType: type!, path: type! } };
}

/** A FHIR resource element (`<Patient xmlns="http://hl7.org/fhir">`) as FHIR JSON. */
export function resourceFromXml(node: XNode): Resource {
  const type = tagOf(node);
  return { resourceType: type, ...objectFromXml(node, { sdType: type, path: type }) };
}

function objectFromXml(node: XNode, ctx: Context): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const id = attr(node, 'id');
  if (id !== undefined && !isResourceContext(ctx)) out.id = id;
  if (attr(node, 'url') !== undefined) out.url = attr(node, 'url');
  for (const c of childrenOf(node)) {
    const name = tagOf(c);
    if (name === 'div' && ctx.path === 'Narrative') {
      out.div = xhtmlString(c);
      continue;
    }
    const info = child(ctx, name);
    let value: unknown;
    let extension: Record<string, unknown> | undefined;
    if (info.type === 'Resource') {
      value = resourceFromXml(childrenOf(c)[0]);
    } else if (isPrimitive(info.type)) {
      const raw = attr(c, 'value');
      value = raw === undefined ? null : primitive(info.type, raw);
      const ext = objectFromXml(c, { sdType: info.type.startsWith('http') ? 'Element' : info.type, path: info.type.startsWith('http') ? 'Element' : info.type });
      if (Object.keys(ext).length > 0) extension = ext;
    } else {
      value = objectFromXml(c, info.ctx);
    }
    if (info.repeating) {
      const list = (out[name] ??= []) as unknown[];
      list.push(value);
      if (extension || out[`_${name}`]) {
        const ext = (out[`_${name}`] ??= []) as unknown[];
        while (ext.length < list.length - 1) ext.push(null);
        ext.push(extension ?? null);
      }
    } else {
      if (value !== null) out[name] = value;
      if (extension) out[`_${name}`] = extension;
    }
  }
  return out;
}

function isResourceContext(ctx: Context): boolean {
  return ctx.path === ctx.sdType && definitions().structureDefinition(ctx.sdType)?.kind === 'resource';
}

function primitive(type: string, raw: string): unknown {
  if (type === 'boolean') return raw === 'true';
  if (NUMBERS.has(type)) return Number(raw);
  return raw;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The xhtml element serialised as FHIR JSON holds it (json.html#xhtml). */
export function xhtmlString(node: XNode): string {
  const tag = tagOf(node);
  if (tag === '#text') return escapeText(String(node['#text']));
  if (tag === '#comment') return '';
  const attrs = Object.entries(node[':@'] ?? {})
    .map(([k, v]) => ` ${k}="${escapeText(v).replace(/"/g, '&quot;')}"`)
    .join('');
  const inner = (node[tag] as XNode[]).map(xhtmlString).join('');
  return inner === '' ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${inner}</${tag}>`;
}
