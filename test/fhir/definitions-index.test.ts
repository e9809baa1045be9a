/** The prebuilt canonical index agrees with the registry's own on-demand index, and stale ones are ignored. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDefinitionsIndex, loadDefinitionsIndex } from '../../src/fhir/definitions-index.js';
import { DefinitionsRegistry } from '../../src/fhir/definitions.js';

describe('definitions index', () => {
  const registry = new DefinitionsRegistry({ useIndex: false });
  const examples = registry.examplesDirectory;
  const expansions = join(examples, '..', 'hl7.fhir.r4.expansions');
  const index = buildDefinitionsIndex(examples, expansions);

  it('maps every canonical to the resource the on-demand index finds', () => {
    const urls = Object.keys(index.canonical);
    expect(urls.length).toBeGreaterThan(4000);
    for (const url of urls.filter((_, i) => i % 25 === 0)) {
      expect((registry.byCanonical(url) as { url?: string } | undefined)?.url, url).toBe(url);
    }
    // Non-core canonicals are there too (why the index exists: a miss must not read the package).
    expect(index.canonical['http://terminology.hl7.org/CodeSystem/v2-0203']).toMatch(/^CodeSystem-/);
    expect(index.canonical['http://hl7.org/fhir/us/core/StructureDefinition/us-core-race']).toBeUndefined();
    expect(index.expansion['http://hl7.org/fhir/ValueSet/administrative-gender']).toMatch(/^ValueSet-/);
  });

  it('is used only when built from the installed package versions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qiao-index-'));
    const current = join(dir, 'current.json');
    writeFileSync(current, JSON.stringify(index));
    expect(loadDefinitionsIndex(examples, expansions, current)?.canonical).toEqual(index.canonical);
    const stale = join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify({ ...index, versions: { ...index.versions, examples: '4.0.0' } }));
    expect(loadDefinitionsIndex(examples, expansions, stale)).toBeUndefined();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{');
    expect(loadDefinitionsIndex(examples, expansions, broken)).toBeUndefined();
    expect(loadDefinitionsIndex(examples, expansions, join(dir, 'absent.json'))).toBeUndefined();
  });
});
