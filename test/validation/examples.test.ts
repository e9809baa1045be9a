/**
 * (a) Every example of hl7.fhir.r4.examples@4.0.1 validates without error, except the 44 that fail
 * HL7's own JSON schema (../shared/data/hl7-r4-examples-schema-invalid.txt) and the genuine
 * violations in test/conformance/genuinely-invalid-examples.ts, which must be rejected for exactly the listed rule.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { definitions } from '../../src/fhir/definitions.js';
import { validateResource } from '../../src/validation/validate.js';
import type { OperationOutcomeIssue } from '../../src/fhir/types.js';
import { GENUINELY_INVALID as ALLOWED, ruleOf } from '../conformance/genuinely-invalid-examples.js';

const SCHEMA_INVALID = fileURLToPath(new URL('../../../shared/data/hl7-r4-examples-schema-invalid.txt', import.meta.url));

const errors = (issues: OperationOutcomeIssue[]) => issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');

describe('hl7.fhir.r4.examples@4.0.1', () => {
  const present = existsSync(SCHEMA_INVALID);
  if (!present) console.log(`examples: skipped, ${SCHEMA_INVALID} is absent (it decides which examples to exclude)`);
  it.skipIf(!present)('validates every example without error (except listed genuine violations)', () => {
    const excluded = new Set(readFileSync(SCHEMA_INVALID, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean));
    const unexpected: string[] = [];
    const rejectedAllowed = new Map<string, string>();
    let checked = 0;
    let ms = 0;
    for (const { file, resource } of definitions().packageResources()) {
      if (excluded.has(file) || typeof resource.resourceType !== 'string') continue;
      checked++;
      const t = performance.now();
      const errs = errors(validateResource(resource));
      ms += performance.now() - t;
      const rules = [...new Set(errs.map(ruleOf))].sort().join(',');
      if (ALLOWED[file]) rejectedAllowed.set(file, rules);
      else if (errs.length) unexpected.push(`${file}: ${errs.slice(0, 3).map((e) => `${e.expression?.join(',')}: ${e.diagnostics}`).join(' | ')}`);
    }
    console.log(`examples: ${checked} checked, ${Object.keys(ALLOWED).length} allowed genuine violations, ${((ms * 1000) / checked).toFixed(0)} µs/example (validation only)`);
    expect(checked).toBe(5262);
    expect(unexpected).toEqual([]);
    for (const [file, { rule }] of Object.entries(ALLOWED)) expect(`${file}: ${rejectedAllowed.get(file)}`).toBe(`${file}: ${rule}`);
  });
});
