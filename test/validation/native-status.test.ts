/**
 * The native invariants of native-status.ts agree with fhirpath.js on generated content: whenever a
 * native decides (true/false), fhirpath.js gives the same verdict (with the validator's rule: empty
 * or true holds). Content the native leaves undecided goes to fhirpath.js anyway.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compile } from '../../src/fhir/fhirpath.js';
import { NATIVE_STATUS } from '../../src/validation/native-status.js';

const VER = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CLIN = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const AVER = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

const ext = { extension: [{ url: 'http://example.org/x', valueString: 'x' }] };
const str = fc.constantFrom(VER, CLIN, AVER, 'http://other', 'entered-in-error', 'resolved', 'remission', 'inactive', 'active', 'home', 'work', '');
const coding = fc.record(
  { system: fc.oneof(str, fc.constant(42)), code: fc.oneof(str, fc.constant(null)), _code: fc.constant(ext), display: str },
  { requiredKeys: [] },
);
const cc = fc.oneof(
  fc.record({ coding: fc.oneof(fc.array(coding, { maxLength: 3 }), fc.constant('x')), text: str }, { requiredKeys: [] }),
  fc.constant(null),
  fc.constant('x'),
);
const anyOf = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.constant(undefined));

const resourceOf = (resourceType: string) =>
  fc
    .record(
      {
        clinicalStatus: cc,
        verificationStatus: cc,
        category: fc.oneof(fc.array(cc, { maxLength: 2 }), fc.constant('problem-list-item')),
        abatementDateTime: fc.constant('2020-01-01'),
        abatementString: str,
        _abatementDateTime: fc.constant(ext),
        identifier: fc.oneof(fc.array(fc.record({ value: str }), { maxLength: 2 }), fc.constant('x')),
        name: fc.oneof(str, fc.constant(3)),
        _name: fc.constant(ext),
      },
      { requiredKeys: [] },
    )
    .map((r) => ({ resourceType, ...r }));

const element = fc.record(
  {
    use: fc.oneof(str, fc.constant(1)),
    _use: fc.constant(ext),
    duration: fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), fc.constant('x')),
    _duration: fc.constant(ext),
    period: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null)),
    offset: fc.integer({ min: 0, max: 10 }),
    when: fc.array(fc.constantFrom('C', 'MORN', 'CM'), { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);

/** The base (FHIRPath type context) and content generator of each native expression. */
function subject(expression: string): { base: string; gen: fc.Arbitrary<Record<string, unknown>> } {
  if (expression.includes('allergyintolerance')) return { base: 'AllergyIntolerance', gen: resourceOf('AllergyIntolerance') };
  if (expression.includes('identifier')) return { base: 'Organization', gen: resourceOf('Organization') };
  if (expression.startsWith('where(')) return { base: 'Organization.address', gen: element };
  if (/duration|period|offset/.test(expression)) return { base: 'Timing.repeat', gen: element };
  return { base: 'Condition', gen: resourceOf('Condition') };
}

describe('native status invariants agree with fhirpath.js', () => {
  for (const [expression, native] of Object.entries(NATIVE_STATUS)) {
    it(expression.slice(0, 60), () => {
      const { base, gen } = subject(expression);
      const fn = compile(expression, base);
      let decided = 0;
      fc.assert(
        fc.property(anyOf(gen), (focus) => {
          if (!focus) return;
          const mine = native(focus);
          if (mine === undefined) return;
          decided++;
          let theirs: boolean;
          try {
            const r = fn(focus, { resource: focus, rootResource: focus });
            theirs = r.length === 0 || r[0] === true || (r.length === 1 && typeof r[0] !== 'boolean');
          } catch {
            theirs = true; // the validator's rule: an evaluation error does not fail the invariant
          }
          expect(mine).toBe(theirs);
        }),
        { numRuns: 1000 },
      );
      expect(decided).toBeGreaterThan(20);
    });
  }
});
