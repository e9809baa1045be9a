/** Scope sets compared: refresh-token subsets and narrowing a request to a client's registered scopes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Grant, type Decision } from '../../src/auth/scopes-grant.js';
import { isSubset, normaliseForClient } from '../../src/auth/scopes-subset.js';
import { INTERACTIONS, LEVELS, NAMED_SCOPES, parseScopes, restrictionContains, type Interaction } from '../../src/auth/scopes.js';

describe('isSubset(requested, granted)', () => {
  it.each<[string, string, boolean]>([
    ['patient/Observation.r', 'patient/*.rs', true],
    ['patient/Observation.rs', 'patient/*.read', true],
    ['patient/*.read', 'patient/*.rs', true],
    ['patient/*.rs', 'patient/*.read', true],
    ['patient/*.*', 'patient/*.cruds', true],
    ['patient/*.cruds', 'patient/*.*', true],
    ['patient/*.cud', 'patient/*.write', true],
    ['patient/Observation.c', 'patient/*.write', true],
    ['patient/*.write', 'patient/*.cu', false],
    ['patient/Observation.c', 'patient/*.read', false],
    ['patient/Observation.rs', 'patient/Observation.r', false],
    // scope equivalence: .rs is .r plus .s
    ['patient/Observation.rs', 'patient/Observation.r patient/Observation.s', true],
    ['patient/Observation.cruds', 'patient/Observation.rs patient/*.cud', true],
    // a wildcard covers every type; types never add up to a wildcard (it includes future types)
    ['patient/*.rs', 'patient/Observation.rs', false],
    ['patient/*.rs', 'patient/Observation.rs patient/Patient.rs', false],
    // levels are separate
    ['user/Observation.rs', 'patient/*.rs', false],
    ['patient/Observation.rs', 'system/*.cruds', false],
    ['patient/Observation.rs', 'user/*.cruds', false],
    // restrictions
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs', true],
    ['patient/Observation.rs?category=laboratory', 'patient/*.read', true],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs?category=laboratory', true],
    ['patient/Observation.rs?category=laboratory&status=final', 'patient/Observation.rs?status=final&category=laboratory', true],
    ['patient/Observation.rs?category=laboratory&status=final', 'patient/Observation.rs?category=laboratory', true],
    ['patient/Observation.r?category=laboratory', 'patient/Observation.s patient/Observation.r?category=laboratory', true],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.r?category=laboratory patient/Observation.s', true],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs?category=vital-signs', false],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs?category=laboratory&status=final', false],
    ['patient/Observation.rs', 'patient/Observation.rs?category=laboratory', false],
    ['patient/Observation.rs', 'patient/Observation.rs?category=laboratory patient/Observation.rs?category=vital-signs', false],
    ['patient/Observation.rs?category=laboratory', 'patient/Condition.rs', false],
    // named scopes: only themselves
    ['openid fhirUser', 'openid fhirUser launch patient/*.rs', true],
    ['offline_access', 'online_access', false],
    ['launch/patient', 'launch', false],
    ['launch', 'launch/patient', false],
    ['fhirUser', 'patient/*.cruds', false],
    // malformed requested tokens are never covered; malformed granted tokens grant nothing
    ['patient/Foo.rs', 'patient/*.rs', false],
    ['patient/*.sr', 'patient/*.cruds', false],
    ['patient/*.rs', 'patient/*.rs patient/Foo.rs', true],
    ['patient/Observation.rs', 'patient/*.sr', false],
    ['', 'patient/*.rs', true],
    ['', '', true],
    ['patient/Observation.r', '', false],
  ])('%j within %j: %s', (requested, granted, expected) => {
    expect(isSubset(requested, granted)).toBe(expected);
  });

  it('takes parsed scopes as well as strings', () => {
    expect(isSubset(parseScopes('patient/Observation.r').scopes, parseScopes('patient/*.read').scopes)).toBe(true);
  });
});

describe('normaliseForClient(requested, registered)', () => {
  it.each<[string, string, string]>([
    ['patient/*.rs', 'patient/Observation.rs', 'patient/Observation.rs'],
    ['patient/*.rs', 'patient/*.rs', 'patient/*.rs'],
    ['patient/Observation.rs', 'patient/*.cruds', 'patient/Observation.rs'],
    // covered scopes are granted as written, v1 included (the spec: return v1 when v1 is requested and granted)
    ['patient/*.read', 'patient/*.rs', 'patient/*.read'],
    ['patient/Observation.rs', 'patient/Observation.r patient/Observation.s', 'patient/Observation.rs'],
    // narrowing: registered types for a wildcard, common interactions, restrictions ANDed
    ['patient/*.read', 'patient/Observation.cruds', 'patient/Observation.rs'],
    ['patient/*.cruds', 'patient/Observation.rs patient/Condition.r', 'patient/Observation.rs patient/Condition.r'],
    ['patient/Observation.cruds', 'patient/*.rs', 'patient/Observation.rs'],
    ['patient/Observation.rs', 'patient/Observation.rs?category=laboratory', 'patient/Observation.rs?category=laboratory'],
    ['patient/*.rs?_tag=x', 'patient/Observation.r', 'patient/Observation.r?_tag=x'],
    ['patient/Observation.rs?status=final', 'patient/Observation.rs?category=laboratory', 'patient/Observation.rs?status=final&category=laboratory'],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs?category=laboratory&status=final', 'patient/Observation.rs?category=laboratory&status=final'],
    // nothing in common
    ['user/*.rs', 'patient/*.rs', ''],
    ['patient/Observation.rs', 'patient/Condition.rs', ''],
    ['patient/Observation.rs', 'patient/Observation.cud', ''],
    // named scopes only when registered
    ['openid fhirUser launch/patient offline_access patient/*.rs', 'openid launch/patient patient/*.rs', 'openid launch/patient patient/*.rs'],
    ['online_access', 'offline_access', ''],
    // malformed requests are dropped, not errors
    ['patient/Foo.rs patient/*.sr bogus openid', 'openid patient/*.cruds', 'openid'],
    // repeats and redundant narrowings collapse
    ['patient/*.rs patient/Observation.rs', 'patient/Observation.rs', 'patient/Observation.rs'],
    ['patient/*.cruds', 'patient/Observation.rs patient/Observation.r', 'patient/Observation.rs'],
    ['patient/*.cruds', 'patient/*.r patient/Observation.rs', 'patient/*.r patient/Observation.rs'],
    ['patient/Observation.rs patient/*.cruds', 'patient/Observation.rs patient/Condition.r', 'patient/Observation.rs patient/Condition.r'],
    // overlapping narrowings that only cover each other together all stay
    ['patient/*.crs', 'patient/Observation.cr patient/Observation.cs patient/Observation.rs', 'patient/Observation.cr patient/Observation.cs patient/Observation.rs'],
  ])('%j with %j registered -> %j', (requested, registered, granted) => {
    expect(normaliseForClient(requested, registered)).toBe(granted);
  });
});

// Properties over a small vocabulary, so that scopes overlap often.
const TYPES = ['Observation', 'Patient', 'Condition'];
const PAIRS: [string, string][] = [['category', 'laboratory'], ['status', 'final'], ['code', 'http://loinc.org|1234-5']];
const V1: Record<string, string> = { rs: 'read', cud: 'write', cruds: '*' };

interface Spec {
  level: (typeof LEVELS)[number];
  type: string;
  perms: Interaction[];
  restriction: [string, string][];
  v1: boolean;
}

/** v1 spelling when asked for and possible (v1 takes no restriction), else v2. */
function render({ level, type, perms, restriction, v1 }: Spec): string {
  const p = perms.join('');
  if (v1 && V1[p] && restriction.length === 0) return `${level}/${type}.${V1[p]}`;
  return `${level}/${type}.${p}${restriction.length ? `?${restriction.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  level: fc.constantFrom(...LEVELS),
  type: fc.constantFrom(...TYPES, '*'),
  perms: fc.subarray([...INTERACTIONS], { minLength: 1 }),
  restriction: fc.shuffledSubarray(PAIRS, { maxLength: 2 }),
  v1: fc.boolean(),
});
const token = fc.oneof({ weight: 4, arbitrary: spec.map(render) }, { weight: 1, arbitrary: fc.constantFrom<string>(...NAMED_SCOPES) });
const scopeString = fc.array(token, { maxLength: 6 }).map((s) => s.join(' '));

/** Something `s` covers: a concrete type for `*`, fewer interactions, one more condition, either spelling. */
const narrower = (s: Spec): fc.Arbitrary<Spec> =>
  fc.record({
    level: fc.constant(s.level),
    type: s.type === '*' ? fc.constantFrom(...TYPES, '*') : fc.constant(s.type),
    perms: fc.subarray(s.perms, { minLength: 1 }),
    restriction: fc.subarray(PAIRS).map((extra) => [...s.restriction, ...extra.filter((p) => !s.restriction.includes(p))]),
    v1: fc.boolean(),
  });

/** A granted set (its scopes sometimes split per interaction: .rs = .r .s) and a request inside it. */
const grantedAndWithin = fc
  .array(spec, { maxLength: 5 })
  .chain((granted) =>
    fc.tuple(
      fc.constant(granted),
      fc.array(fc.boolean(), { minLength: granted.length, maxLength: granted.length }),
      granted.length ? fc.array(fc.constantFrom(...granted).chain(narrower), { maxLength: 5 }) : fc.constant([]),
      fc.subarray([...NAMED_SCOPES]),
    ),
  )
  .map(([granted, split, within, named]) => ({
    granted: [
      ...granted.flatMap((g, i) => (split[i] ? g.perms.map((p) => render({ ...g, perms: [p] })) : [render(g)])),
      ...named,
    ].join(' '),
    requested: [...within.map(render), ...named.slice(0, 1)].join(' '),
  }));

function grantOf(scope: string): Grant {
  return new Grant(parseScopes(scope).scopes, { patient: '1' });
}

/** Whether decision `a` allows no more than `b`. */
function atMost(a: Decision, b: Decision): boolean {
  if (a.kind === 'denied' || b.kind === 'allowed') return true;
  if (b.kind === 'denied' || a.kind === 'allowed') return false;
  return a.anyOf.every((ra) => b.anyOf.some((rb) => restrictionContains(rb, ra)));
}

/** What both decisions allow: restrictions of each side ANDed pairwise. */
function both(a: Decision, b: Decision): Decision {
  if (a.kind === 'denied' || b.kind === 'denied') return { kind: 'denied' };
  if (a.kind === 'allowed') return b;
  if (b.kind === 'allowed') return a;
  return { kind: 'restricted', anyOf: a.anyOf.flatMap((ra) => b.anyOf.map((rb) => [...ra, ...rb])) };
}

/** Every question a grant answers, over the vocabulary plus a type no scope names. */
function* questions() {
  for (const level of LEVELS) for (const i of INTERACTIONS) for (const type of [...TYPES, 'Encounter']) yield [level, i, type] as const;
}

describe('properties', () => {
  it('every scope set is a subset of itself', () => {
    fc.assert(fc.property(scopeString, (x) => isSubset(x, x)));
  });

  it('narrower scopes, in either spelling, are a subset of what they narrow, even when it is split per interaction', () => {
    fc.assert(fc.property(grantedAndWithin, ({ requested, granted }) => isSubset(requested, granted)));
  });

  it('isSubset agrees with what the grants allow: a subset never allows more', () => {
    const pairs = fc.oneof(
      grantedAndWithin.map(({ requested, granted }) => [requested, granted] as const),
      fc.tuple(scopeString, scopeString),
    );
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        if (!isSubset(a, b)) return;
        const [ga, gb] = [grantOf(a), grantOf(b)];
        for (const [level, i, type] of questions()) expect(atMost(ga.allows(level, i, type), gb.allows(level, i, type))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a set that allows something the other does not is not its subset', () => {
    fc.assert(
      fc.property(scopeString, scopeString, (a, b) => {
        const [ga, gb] = [grantOf(a), grantOf(b)];
        const more = [...questions()].some(([level, i, type]) => !atMost(ga.allows(level, i, type), gb.allows(level, i, type)));
        if (more) expect(isSubset(a, b)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('normalising never grants what was not registered, nor what was not requested', () => {
    fc.assert(
      fc.property(scopeString, scopeString, (requested, registered) => {
        const granted = normaliseForClient(requested, registered);
        expect(parseScopes(granted).errors).toEqual([]);
        expect(isSubset(granted, registered)).toBe(true);
        expect(isSubset(granted, requested)).toBe(true);
      }),
    );
  });

  it('normalising grants exactly the intersection of requested and registered access', () => {
    fc.assert(
      fc.property(scopeString, scopeString, (requested, registered) => {
        const g = grantOf(normaliseForClient(requested, registered));
        const [req, reg] = [grantOf(requested), grantOf(registered)];
        for (const [level, i, type] of questions()) {
          const got = g.allows(level, i, type);
          const want = both(req.allows(level, i, type), reg.allows(level, i, type));
          expect(atMost(got, want) && atMost(want, got)).toBe(true);
        }
      }),
    );
  });

  it('a client registered for what it asks gets all of it, as written', () => {
    fc.assert(fc.property(scopeString, (x) => normaliseForClient(x, x) === parseScopes(x).scopes.map((s) => s.raw).join(' ')));
  });
});
