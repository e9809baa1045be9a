/**
 * Throughput figure of the validator on Synthea resources (what ingest validates), printed in
 * µs/resource; no timing assertion (machines differ). Also checks that Synthea's resources validate
 * without error. Skips with a reason when ../shared/data/synthea-r4 is absent.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateResource } from '../../src/validation/validate.js';
import type { Resource } from '../../src/fhir/types.js';

const SYNTHEA = fileURLToPath(new URL('../../../shared/data/synthea-r4', import.meta.url));
const BUNDLES = 6;

describe('validator throughput', () => {
  const present = existsSync(SYNTHEA);
  if (!present) console.log(`perf: skipped, ${SYNTHEA} is absent`);
  it.skipIf(!present)('validates Synthea resources fast and without error', () => {
    const resources: Resource[] = [];
    for (const f of readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).sort().slice(0, BUNDLES)) {
      const bundle = JSON.parse(readFileSync(`${SYNTHEA}/${f}`, 'utf8')) as { entry?: { resource: Resource }[] };
      for (const e of bundle.entry ?? []) resources.push(e.resource);
    }
    const errors = new Map<string, number>();
    for (const r of resources) // warm-up (compiles every validator), and error census
      for (const i of validateResource(r))
        if (i.severity === 'error' || i.severity === 'fatal') {
          const k = `${r.resourceType}: ${i.expression?.join(',').replace(/\[\d+\]/g, '[]')}: ${i.diagnostics}`;
          errors.set(k, (errors.get(k) ?? 0) + 1);
        }
    const byType = new Map<string, { n: number; ms: number }>();
    const t0 = performance.now();
    for (let round = 0; round < 3; round++)
      for (const r of resources) {
        const t = performance.now();
        validateResource(r);
        const s = byType.get(r.resourceType) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t;
        byType.set(r.resourceType, s);
      }
    const total = performance.now() - t0;
    const us = (s: { n: number; ms: number } | undefined) => (s ? ((s.ms * 1000) / s.n).toFixed(1) : 'n/a');
    console.log(
      `validator: ${resources.length} Synthea resources x3: ${((total * 1000) / (resources.length * 3)).toFixed(1)} µs/resource overall; ` +
        `Observation ${us(byType.get('Observation'))} µs, Patient ${us(byType.get('Patient'))} µs, ` +
        `Encounter ${us(byType.get('Encounter'))} µs, Claim ${us(byType.get('Claim'))} µs, ExplanationOfBenefit ${us(byType.get('ExplanationOfBenefit'))} µs`,
    );
    if (errors.size) console.log([...errors].slice(0, 30).map(([k, n]) => `${n}\t${k}`).join('\n'));
    expect([...errors.keys()]).toEqual([]);
  });
});
