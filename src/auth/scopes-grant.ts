/**
 * What a set of granted scopes allows. Scopes only ever add access: several scopes for the same level,
 * type and interaction OR together, and an unrestricted one wins over restricted ones (scope equivalence,
 * scopes-and-launch-context.html). Levels stay apart: `user/` and `system/` scopes never answer a
 * patient-level question, nor the reverse; the caller decides which levels a request may use.
 */
import {
  restrictionContains,
  type ClinicalScope,
  type Interaction,
  type Level,
  type NamedScopeName,
  type Restriction,
  type Scope,
} from './scopes.js';

export type Decision =
  | { kind: 'denied' }
  | { kind: 'allowed' }
  /** Allowed for resources matching at least one of these restrictions. */
  | { kind: 'restricted'; anyOf: Restriction[] };

/** One way a resource may be reached: inside `patient`'s compartment when set, matching all of `restriction`. */
export interface AccessPath {
  level: Level;
  patient?: string;
  restriction: Restriction;
}

export type SearchFilter =
  | { kind: 'denied' }
  /** A user/ or system/ scope without restriction: nothing to add to the search. */
  | { kind: 'unrestricted'; level: 'user' | 'system' }
  /** Append these to the search: a resource is visible when it matches at least one path. */
  | { kind: 'filtered'; anyOf: AccessPath[] };

export interface GrantContext {
  /** The launch patient; patient/ scopes allow nothing without one. */
  patient?: string;
}

export class Grant {
  readonly scopes: readonly Scope[];
  readonly patient?: string;
  private readonly clinical: readonly ClinicalScope[];
  private readonly named: ReadonlySet<NamedScopeName>;

  constructor(scopes: readonly Scope[], context: GrantContext = {}) {
    this.scopes = scopes;
    this.patient = context.patient || undefined;
    this.clinical = scopes.filter((s): s is ClinicalScope => s.kind === 'clinical');
    this.named = new Set(scopes.flatMap((s) => (s.kind === 'named' ? [s.name] : [])));
  }

  /** Whether a named scope (openid, offline_access, launch/patient...) was granted. */
  has(name: NamedScopeName): boolean {
    return this.named.has(name);
  }

  /** Whether scopes of `level` allow `interaction` on the concrete `resourceType`, and under which restrictions. */
  allows(level: Level, interaction: Interaction, resourceType: string): Decision {
    // Fail closed: a patient/ scope without a launch patient has no compartment to confine it to.
    if (level === 'patient' && this.patient === undefined) return { kind: 'denied' };
    const matching = this.clinical.filter(
      (s) => s.level === level && (s.type === '*' || s.type === resourceType) && s.interactions.includes(interaction),
    );
    if (matching.length === 0) return { kind: 'denied' };
    if (matching.some((s) => s.restriction.length === 0)) return { kind: 'allowed' };
    return { kind: 'restricted', anyOf: minimal(matching.map((s) => s.restriction), restrictionContains) };
  }

  /**
   * What to append to a search (or history, or a read turned into a search) of `resourceType` so that
   * only resources inside the grant come back, counting every level: system/ and user/ scopes reach
   * everything they name; patient/ scopes only the launch patient's compartment.
   */
  searchFilter(resourceType: string, interaction: Interaction = 's'): SearchFilter {
    const paths: AccessPath[] = [];
    for (const level of ['system', 'user', 'patient'] as const) {
      const d = this.allows(level, interaction, resourceType);
      if (d.kind === 'denied') continue;
      if (d.kind === 'allowed' && level !== 'patient') return { kind: 'unrestricted', level };
      const patient = level === 'patient' ? this.patient : undefined;
      const restrictions = d.kind === 'allowed' ? [[]] : d.anyOf;
      for (const restriction of restrictions) paths.push(patient === undefined ? { level, restriction } : { level, patient, restriction });
    }
    if (paths.length === 0) return { kind: 'denied' };
    return { kind: 'filtered', anyOf: minimal(paths, pathContains) };
  }

  /**
   * Whether any scope at any level lets the client see resources of `resourceType` (read or search), for
   * deciding whether `_include`/`_revinclude` of that type can return anything; what it may return is
   * still `searchFilter(type, 'r')`.
   */
  canReadAny(resourceType: string): boolean {
    return (['patient', 'user', 'system'] as const).some((level) =>
      (['r', 's'] as const).some((i) => this.allows(level, i, resourceType).kind !== 'denied'),
    );
  }
}

function pathContains(broader: AccessPath, narrower: AccessPath): boolean {
  return (broader.patient === undefined || broader.patient === narrower.patient) && restrictionContains(broader.restriction, narrower.restriction);
}

/** Drops items another item already contains (keeping the first of equals): ORed alternatives stay equivalent. */
function minimal<T>(items: readonly T[], contains: (broader: T, narrower: T) => boolean): T[] {
  return items.filter((item, i) =>
    !items.some((other, j) => j !== i && contains(other, item) && (j < i || !contains(item, other))),
  );
}
