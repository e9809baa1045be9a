/**
 * Comparing scope sets: whether a refresh request's narrower `scope` stays within what was granted
 * (RFC 6749 §6: it must not include a scope not originally granted), and what an authorization server
 * may grant a client given the scopes it registered. Coverage is semantic, not textual: v1 and v2
 * spellings are equivalent, `Observation.rs` equals `Observation.r Observation.s` (scope equivalence),
 * `*` covers every type, and a restriction is covered by one with a subset of its conditions.
 */
import {
  formatClinical,
  INTERACTIONS,
  parseScopes,
  restrictionContains,
  pairKey,
  type ClinicalScope,
  type Interaction,
  type Scope,
} from './scopes.js';

type Scopes = string | readonly Scope[];

/** A string is parsed; its malformed tokens are reported back as `invalid`. */
function scopesOf(input: Scopes): { scopes: readonly Scope[]; invalid: number } {
  if (typeof input !== 'string') return { scopes: input, invalid: 0 };
  const { scopes, errors } = parseScopes(input);
  return { scopes, invalid: errors.length };
}

/** Whether one granted scope on its own allows `interaction` of everything `requested` asks for. */
function coversInteraction(granted: ClinicalScope, requested: ClinicalScope, interaction: Interaction): boolean {
  return (
    granted.level === requested.level &&
    (granted.type === '*' || granted.type === requested.type) &&
    granted.interactions.includes(interaction) &&
    restrictionContains(granted.restriction, requested.restriction)
  );
}

/** Whether `granted`, together, allows everything `requested` asks for. */
export function covers(granted: readonly Scope[], requested: Scope): boolean {
  if (requested.kind === 'named') return granted.some((g) => g.kind === 'named' && g.name === requested.name);
  const clinical = granted.filter((g): g is ClinicalScope => g.kind === 'clinical');
  // Per interaction, so a request for `.rs` is covered by a grant of `.r` plus one of `.s`.
  return requested.interactions.every((i) => clinical.some((g) => coversInteraction(g, requested, i)));
}

/**
 * Whether every requested scope is covered by the granted ones. A requested string with a malformed or
 * unknown token is never a subset (it asks for something that was not granted); malformed granted
 * tokens grant nothing.
 */
export function isSubset(requested: Scopes, granted: Scopes): boolean {
  const req = scopesOf(requested);
  if (req.invalid > 0) return false;
  const got = scopesOf(granted).scopes;
  return req.scopes.every((r) => covers(got, r));
}

/**
 * The scopes to grant a client that asked for `requested` and registered `allowedForClient`: requested
 * scopes the registration covers are kept as written (v1 stays v1, as the spec asks); clinical scopes
 * it only partly covers are narrowed to their intersection with each registered scope (a registered
 * type for `*`, common interactions, both restrictions ANDed); anything else, and malformed tokens, is
 * dropped. Never grants more than requested nor more than registered.
 */
export function normaliseForClient(requested: Scopes, allowedForClient: Scopes): string {
  const allowed = scopesOf(allowedForClient).scopes;
  const kept: Scope[] = [];
  const narrowed: ClinicalScope[] = [];
  for (const r of scopesOf(requested).scopes) {
    if (covers(allowed, r)) kept.push(r);
    else if (r.kind === 'clinical') {
      for (const a of allowed) if (a.kind === 'clinical') narrowed.push(...intersect(r, a));
    }
  }
  const out = new Set(kept.map((s) => s.raw));
  // A narrowed scope adds nothing when the kept ones together cover it, or another narrowed one alone
  // does (single containment only, so mutually overlapping candidates never all drop each other).
  narrowed.forEach((n, i) => {
    if (covers(kept, n)) return;
    if (narrowed.some((m, j) => j !== i && covers([m], n) && (j < i || !covers([n], m)))) return;
    out.add(n.raw);
  });
  return [...out].join(' ');
}

/** The scope allowing exactly what both `r` and `a` allow, if anything. */
function intersect(r: ClinicalScope, a: ClinicalScope): ClinicalScope[] {
  if (r.level !== a.level) return [];
  const type = r.type === '*' ? a.type : a.type === '*' || a.type === r.type ? r.type : undefined;
  if (type === undefined) return [];
  const interactions = INTERACTIONS.filter((i) => r.interactions.includes(i) && a.interactions.includes(i));
  if (interactions.length === 0) return [];
  const have = new Set(r.restriction.map(pairKey));
  const restriction = [...r.restriction, ...a.restriction.filter((p) => !have.has(pairKey(p)))];
  const raw = formatClinical(r.level, type, interactions, restriction);
  return [{ kind: 'clinical', raw, level: r.level, type, interactions, restriction, version: 2 }];
}
