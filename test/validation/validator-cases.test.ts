/**
 * (b) Agreement with HL7's validator test cases (fhir-test-cases/validator): the R4 JSON cases
 * without packages/supporting/profiles/logical/bundle-param context and with `use-test` not false,
 * compared to the Java validator's expected outcome (valid = no error/fatal issue).
 *
 * The case's validator settings (`examples`, `security-checks`, `noHtmlInMarkdown`, `validateContains`)
 * are passed as the corresponding validation options.
 *
 * Excluded: module `tx` (needs a terminology server: code validity, displays in SNOMED/LOINC).
 * Cases whose file is not parseable JSON count as agreeing when expected invalid: Qiao's HTTP
 * layer rejects unparseable bodies before validation (JSON5/comments are not accepted).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateResource, type ValidateOptions } from '../../src/validation/validate.js';

const DIR = fileURLToPath(new URL('../../../shared/data/fhir-test-cases/validator/', import.meta.url));
/** The level reached; the test fails if agreement drops below it. */
const MIN_AGREEMENT = 0.9;

interface Case { name: string; file: string; version?: string; module?: string; java?: string; 'use-test'?: boolean; [k: string]: unknown }
const CONTEXT_KEYS = ['packages', 'supporting', 'profiles', 'profile', 'logical', 'bundle-param'];

/** The validator settings a case asks for (as the Java test harness applies them), in Qiao's options. */
function optionsOf(c: Case): ValidateOptions {
  const o: ValidateOptions = {};
  if (c.examples === false) o.allowExampleUrls = false;
  if (c['security-checks'] === true) o.securityChecks = true;
  if (c.noHtmlInMarkdown === true) o.noHtmlInMarkdown = true;
  if (c.validateContains === 'IGNORE') o.validateContained = false;
  return o;
}

describe('fhir-test-cases validator manifest (R4)', () => {
  const present = existsSync(DIR + 'manifest.json');
  if (!present) console.log(`validator cases: skipped, ${DIR} is absent`);
  it.skipIf(!present)('agrees with the HL7 Java validator on valid/invalid', () => {
    const manifest = JSON.parse(readFileSync(DIR + 'manifest.json', 'utf8')) as { 'test-cases': Case[] };
    const cases = manifest['test-cases'].filter(
      (c) => String(c.version ?? '').startsWith('4.0') && c.file.endsWith('.json') && !CONTEXT_KEYS.some((k) => k in c) && c['use-test'] !== false,
    );
    let agree = 0;
    let total = 0;
    let tx = 0;
    let noOutcome = 0;
    const disagreements: string[] = [];
    for (const c of cases) {
      if (c.module === 'tx') {
        tx++;
        continue;
      }
      if (!c.java || !existsSync(DIR + 'outcomes/' + c.java)) {
        noOutcome++;
        continue;
      }
      const outcome = JSON.parse(readFileSync(DIR + 'outcomes/' + c.java, 'utf8')) as { issue?: { severity: string }[] };
      const expectValid = !(outcome.issue ?? []).some((i) => i.severity === 'error' || i.severity === 'fatal');
      total++;
      let resource: unknown;
      try {
        resource = JSON.parse(readFileSync(DIR + c.file, 'utf8'));
      } catch {
        if (!expectValid) agree++;
        else disagreements.push(`${c.name}: not parseable JSON, expected valid`);
        continue;
      }
      const errors = validateResource(resource, optionsOf(c)).filter((i) => i.severity === 'error' || i.severity === 'fatal');
      if ((errors.length === 0) === expectValid) agree++;
      else disagreements.push(`${c.name} [${c.module}]: expected ${expectValid ? 'valid' : 'invalid'}${errors.length ? `, got ${errors[0].expression?.join(',')}: ${errors[0].diagnostics}` : ''}`);
    }
    const pct = ((agree / total) * 100).toFixed(1);
    console.log(
      `validator cases: ${agree}/${total} agree (${pct}%) — excluded ${tx} 'tx' cases (terminology server needed) and ${noOutcome} without a Java outcome`,
    );
    console.log(`disagreements:\n  ${disagreements.join('\n  ')}`);
    expect(agree / total).toBeGreaterThanOrEqual(MIN_AGREEMENT);
  });
});
