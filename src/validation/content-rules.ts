/**
 * Rules of the specification that are not FHIRPath invariants of 4.0.1 but that the HL7 validator
 * enforces and that are cheap to check natively:
 * - Narrative.div (txt-1, txt-2, whose `htmlChecks()` fhirpath.js lacks): an XHTML `<div>` in the
 *   XHTML namespace, without active content (script, forms, frames, event-handler attributes), with
 *   some text or image;
 * - Attachment: the stated `size` equals the size of the base64 `data`;
 * - Bundle: absolute `fullUrl`s, a RESTful-looking fullUrl ends with the resource's type and id; `self`/`first`/`prev`/`next`/`last` links at most once; search
 *   results carry ids; `search.mode = outcome` entries are OperationOutcomes.
 * - optional content checks (validation options, off by default): example-domain URLs, HTML tags in
 *   strings (security) and in markdown.
 */
import type { OperationOutcomeIssue } from '../fhir/types.js';
import { issue } from '../fhir/errors.js';
import { definitions } from '../fhir/definitions.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const FORBIDDEN_ELEMENTS = /<\s*(script|object|embed|iframe|frame|frameset|form|input|button|select|textarea|applet|base|link|meta|style|head|body|html)\b/i;
const EVENT_ATTRIBUTE = /<[^>]*\s(on[a-z]+)\s*=/i;

export function checkNarrativeDiv(div: unknown, path: string, issues: OperationOutcomeIssue[]): void {
  if (typeof div !== 'string') return;
  const at = `${path}.div`;
  const trimmed = div.trimStart();
  if (!/^<div[\s>/]/.test(trimmed) || !/^<div[^>]*\sxmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/.test(trimmed)) {
    issues.push(issue('error', 'value', "The narrative must be an XHTML <div> in the namespace 'http://www.w3.org/1999/xhtml'", at));
    return;
  }
  const forbidden = FORBIDDEN_ELEMENTS.exec(div);
  if (forbidden)
    issues.push(issue('error', 'invariant', `Constraint failed: txt-1: 'The narrative SHALL contain only the basic html formatting elements and attributes' (found <${forbidden[1]}>)`, at));
  const event = EVENT_ATTRIBUTE.exec(div);
  if (event)
    issues.push(issue('error', 'invariant', `Constraint failed: txt-1: 'The narrative SHALL contain only the basic html formatting elements and attributes' (found attribute ${event[1]})`, at));
  const text = div.replace(/<[^>]*>/g, '').replace(/&nbsp;|&#160;/g, ' ').trim();
  if (!text && !/<img\b/i.test(div))
    issues.push(issue('error', 'invariant', "Constraint failed: txt-2: 'The narrative SHALL have some non-whitespace content'", at));
}

export function checkAttachment(value: Obj, path: string, issues: OperationOutcomeIssue[]): void {
  if (typeof value.data !== 'string' || typeof value.size !== 'number') return;
  const b64 = value.data.replace(/\s+/g, '');
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const actual = Math.floor((b64.length * 3) / 4) - padding;
  if (actual !== value.size)
    issues.push(issue('error', 'value', `Stated attachment size ${value.size} does not match the actual size ${actual} of the data`, `${path}.size`));
}

/** `http(s)://server/base/Type/id` (optionally `/_history/vid`). */
const RESTFUL_URL = /^https?:\/\/.*\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

/**
 * A fullUrl that looks like a RESTful URL (`.../Patient/123`, the type a resource type) must end with
 * the entry's resource type and id (Bundle: the fullUrl is the resource's identity).
 */
function checkRestfulFullUrl(fullUrl: string, resource: Obj, at: string, issues: OperationOutcomeIssue[]): void {
  const m = RESTFUL_URL.exec(fullUrl);
  if (!m || !definitions().isResourceType(m[1]) || typeof resource.resourceType !== 'string') return;
  if (m[1] !== resource.resourceType || (typeof resource.id === 'string' && m[2] !== resource.id))
    issues.push(
      issue(
        'error',
        'invalid',
        `The fullUrl '${fullUrl}' looks like a RESTful server URL, so it must end with the correct type and id (/${resource.resourceType}/${typeof resource.id === 'string' ? resource.id : m[2]})`,
        `${at}.fullUrl`,
      ),
    );
}

const SINGLE_LINKS = new Set(['self', 'first', 'prev', 'previous', 'next', 'last']);

export function checkBundle(bundle: Obj, path: string, issues: OperationOutcomeIssue[]): void {
  if (Array.isArray(bundle.link)) {
    const seen = new Set<string>();
    bundle.link.forEach((l, i) => {
      if (!isObj(l) || typeof l.relation !== 'string') return;
      if (SINGLE_LINKS.has(l.relation) && seen.has(l.relation))
        issues.push(issue('error', 'invalid', `The link relationship type '${l.relation}' can only occur once`, `${path}.link[${i}]`));
      seen.add(l.relation);
    });
  }
  if (!Array.isArray(bundle.entry)) return;
  bundle.entry.forEach((e, i) => {
    if (!isObj(e)) return;
    const at = `${path}.entry[${i}]`;
    if (typeof e.fullUrl === 'string' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(e.fullUrl))
      issues.push(issue('error', 'invalid', `The fullUrl must be an absolute URL (not '${e.fullUrl}')`, `${at}.fullUrl`));
    else if (typeof e.fullUrl === 'string' && isObj(e.resource)) checkRestfulFullUrl(e.fullUrl, e.resource, at, issues);
    if (bundle.type !== 'searchset' || !isObj(e.resource)) return;
    const mode = isObj(e.search) ? e.search.mode : undefined;
    if (mode === 'outcome' && e.resource.resourceType !== 'OperationOutcome')
      issues.push(issue('error', 'invalid', `An entry with search.mode 'outcome' must be an OperationOutcome (found ${String(e.resource.resourceType)})`, `${at}.resource`));
    else if (mode !== 'outcome' && e.resource.resourceType !== 'OperationOutcome' && typeof e.resource.id !== 'string')
      issues.push(issue('error', 'required', 'Search results must have ids', `${at}.resource`));
  });
}

export interface ContentChecks {
  /** URLs at example domains are errors. */
  exampleUrls: boolean;
  /** HTML tags in string values are errors (security). */
  htmlInStrings: boolean;
  /** HTML tags in markdown are errors. */
  htmlInMarkdown: boolean;
}

const URL_TYPES = new Set(['uri', 'url', 'canonical']);
const EXAMPLE_DOMAIN = /(^|[/.@])(example\.org|acme\.com)([/:?#]|$)/i;
/** An HTML (or XML) start/end tag: `<script>`, `</b>`, `<resource type>`. */
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?\/?>/;

/** The optional content checks on one primitive value of a type. */
export function checkPrimitiveContent(checks: ContentChecks, type: string, value: string, path: string, issues: OperationOutcomeIssue[]): void {
  if (checks.exampleUrls && URL_TYPES.has(type) && EXAMPLE_DOMAIN.test(value))
    issues.push(issue('error', 'value', `Example URLs are not allowed in this context (${value})`, path));
  else if (checks.htmlInStrings && type === 'string' && HTML_TAG.test(value))
    issues.push(issue('error', 'security', 'The string value contains text that looks like embedded HTML tags, which are not allowed for security reasons in this context', path));
  else if (checks.htmlInMarkdown && type === 'markdown') {
    const m = HTML_TAG.exec(value);
    if (m) issues.push(issue('error', 'value', `The markdown contains content that appears to be an embedded HTML tag starting at '${m[0].slice(0, 2)}'`, path));
  }
}
