/**
 * SMART App Launch 2.x scopes (scopes-and-launch-context.html): parsing a `scope` string into typed
 * scopes and writing them back. Pure: no HTTP, no storage. Grants are in scopes-grant.ts, subset and
 * client narrowing in scopes-subset.ts.
 *
 * Clinical scopes: `<patient|user|system>/<Type|*>.<permissions>[?param=value&...]`, where permissions
 * are either v1 (`read`, `write`, `*`) or v2 (a non-empty subset of the in-order string `cruds`).
 * Named scopes: the identity, launch-context and refresh scopes listed in NAMED_SCOPES.
 */
import { definitions } from '../fhir/definitions.js';

export type Level = 'patient' | 'user' | 'system';
/** create, read (also vread, instance history), update (also patch), delete, search (also type/system history). */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';
/** Search parameters that must all match (FHIR search semantics: parameters AND together). */
export type Restriction = readonly (readonly [param: string, value: string])[];

export const LEVELS: readonly Level[] = ['patient', 'user', 'system'];
/** The spec's order; v2 permissions must be written as a subsequence of it. */
export const INTERACTIONS: readonly Interaction[] = ['c', 'r', 'u', 'd', 's'];

/** The v1 -> v2 mapping the spec prescribes (v1 `.read` never means `.rd`). */
const V1: Readonly<Record<string, readonly Interaction[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

export const NAMED_SCOPES = [
  'openid',
  'fhirUser',
  'profile',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
] as const;
export type NamedScopeName = (typeof NAMED_SCOPES)[number];

export interface ClinicalScope {
  kind: 'clinical';
  /** The text as requested, so v1 scopes can be granted back in v1 spelling (the spec's SHOULD). */
  raw: string;
  level: Level;
  /** A FHIR resource type, or `*` for every type, now and future. */
  type: string;
  /** Non-empty, in cruds order, no repeats. */
  interactions: readonly Interaction[];
  /** Empty when unrestricted. */
  restriction: Restriction;
  version: 1 | 2;
}

export interface NamedScope {
  kind: 'named';
  raw: string;
  name: NamedScopeName;
}

export type Scope = ClinicalScope | NamedScope;

export interface ScopeError {
  scope: string;
  message: string;
}

export interface ParsedScopes {
  /** The well-formed scopes, duplicates (by text) removed, in request order. */
  scopes: Scope[];
  errors: ScopeError[];
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const CLINICAL = /^(patient|user|system)\/([^.?]+)\.([^?]*)(?:\?(.*))?$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const NAMED: ReadonlySet<string> = new Set(NAMED_SCOPES);

/**
 * Splits a space-separated `scope` parameter and parses each token. Bad tokens go to `errors` instead
 * of throwing, so the authorization server can choose between dropping them and `invalid_scope`.
 */
export function parseScopes(text: string): ParsedScopes {
  const scopes: Scope[] = [];
  const errors: ScopeError[] = [];
  const seen = new Set<string>();
  for (const token of text.split(/[ \t\r\n]+/)) {
    if (token === '' || seen.has(token)) continue;
    seen.add(token);
    const parsed = parseScope(token);
    if ('message' in parsed) errors.push(parsed);
    else scopes.push(parsed);
  }
  return { scopes, errors };
}

/** One scope token; an error names what is wrong with it. */
export function parseScope(token: string): Scope | ScopeError {
  const fail = (message: string): ScopeError => ({ scope: token, message });
  if (!SCOPE_TOKEN.test(token)) return fail('contains characters a scope may not have (RFC 6749 §3.3)');
  if (NAMED.has(token)) return { kind: 'named', raw: token, name: token as NamedScopeName };
  const m = CLINICAL.exec(token);
  if (!m) {
    return fail(
      token.includes('/') && !token.startsWith('launch/')
        ? 'is not <patient|user|system>/<Type|*>.<permissions>'
        : 'is not a scope this server knows',
    );
  }
  const [, level, type, permissions, query] = m;
  if (type !== '*' && !definitions().isResourceType(type)) return fail(`names '${type}', which is not a FHIR R4 resource type`);
  let interactions: readonly Interaction[];
  let version: 1 | 2;
  if (Object.hasOwn(V1, permissions)) {
    interactions = V1[permissions];
    version = 1;
  } else {
    const v2 = v2Interactions(permissions);
    if (!v2) {
      return fail(`has permissions '${permissions}'; expected read, write, * or a non-empty subset of cruds in that order`);
    }
    interactions = v2;
    version = 2;
  }
  let restriction: Restriction = [];
  if (query !== undefined) {
    // SMART 2.0 introduced the query suffix for v2 permissions; a v1 scope with one is not defined.
    if (version === 1) return fail(`combines v1 permissions '${permissions}' with a ?query restriction (use v2 cruds)`);
    const r = parseRestriction(query);
    if (typeof r === 'string') return fail(r);
    restriction = r;
  }
  return { kind: 'clinical', raw: token, level: level as Level, type, interactions, restriction, version };
}

/** `rs` -> ['r','s']; undefined unless a non-empty in-order subsequence of `cruds` (so `sr`, `rr`, `` fail). */
function v2Interactions(permissions: string): Interaction[] | undefined {
  const out: Interaction[] = [];
  let next = 0;
  for (const ch of permissions) {
    const at = INTERACTIONS.indexOf(ch as Interaction, next);
    if (at < 0) return undefined;
    out.push(INTERACTIONS[at]);
    next = at + 1;
  }
  return out.length > 0 ? out : undefined;
}

/** `a=1&b=x|y` -> [['a','1'],['b','x|y']], percent-decoded; a message when malformed. */
function parseRestriction(query: string): Restriction | string {
  const pairs: [string, string][] = [];
  for (const item of query.split('&')) {
    const eq = item.indexOf('=');
    if (eq < 0) return `has a restriction '${item}' that is not param=value`;
    const name = decode(item.slice(0, eq));
    const value = decode(item.slice(eq + 1));
    if (name === undefined || value === undefined) return `has a badly percent-encoded restriction '${item}'`;
    if (!PARAM_NAME.test(name)) return `has a restriction with an invalid parameter name '${name}'`;
    if (value === '') return `has a restriction '${name}' with an empty value`;
    pairs.push([name, value]);
  }
  return pairs;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** The v2 spelling of a clinical scope (restriction pairs in their given order). */
export function formatClinical(level: Level, type: string, interactions: readonly Interaction[], restriction: Restriction): string {
  const perms = INTERACTIONS.filter((i) => interactions.includes(i)).join('');
  const query = restriction.map(([p, v]) => `${encode(p)}=${encode(v, true)}`).join('&');
  return `${level}/${type}.${perms}${query ? `?${query}` : ''}`;
}

/** Percent-encodes only what would break parsing or the scope-token charset, keeping `|`, `:`, `/` readable. */
function encode(s: string, isValue = false): string {
  let out = '';
  for (const ch of s) {
    const breaks = ch === '%' || ch === '&' || (!isValue && ch === '=') || !SCOPE_TOKEN.test(ch);
    out += breaks ? encodeChar(ch) : ch;
  }
  return out;
}

function encodeChar(ch: string): string {
  try {
    return encodeURIComponent(ch);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate has no UTF-8 form; U+FFFD keeps the token well-formed
  }
}

/** The space-separated scope parameter for a list of scopes, each as it was written. */
export function formatScopes(scopes: readonly Scope[]): string {
  return [...new Set(scopes.map((s) => s.raw))].join(' ');
}

/** Restriction pairs as a set key: order does not matter to AND semantics. */
export function pairKey([p, v]: readonly [string, string]): string {
  return `${p}\u0000${v}`;
}

/** True when every condition of `broader` is also in `narrower` (fewer ANDed conditions match more). */
export function restrictionContains(broader: Restriction, narrower: Restriction): boolean {
  const have = new Set(narrower.map(pairKey));
  return broader.every((p) => have.has(pairKey(p)));
}
