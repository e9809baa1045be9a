/**
 * Official examples that break a rule of the R4 specification itself, so Qiao rightly rejects them.
 * Each entry names the rule — an invariant key, or `min:<element>` for a missing required element —
 * and why the example breaks it. test/validation/examples.test.ts keeps the same list.
 */
import type { OperationOutcomeIssue } from '../../src/fhir/types.js';

export const GENUINELY_INVALID: Record<string, { rule: string; reason: string }> = {
  'Questionnaire-qs1.json': {
    rule: 'min:linkId,structure: The extension http://hl7.org/fhir/StructureDefinition/questionnaire-allowedResource is not defined by FHIR R4 (unknown in the core namespace http://hl7.org/fhir/StructureDefinition/), so it is not allowed',
    reason: 'nested display items have no linkId (Questionnaire.item.linkId is 1..1); it uses questionnaire-allowedResource, an extension R4 does not define (R4 has questionnaire-referenceResource)',
  },
  'ImplementationGuide-fhir.json': { rule: 'min:name,min:status', reason: 'the example lacks ImplementationGuide.name and .status (both 1..1)' },
  'ig-r4.json': { rule: 'min:name,min:status', reason: 'the example lacks ImplementationGuide.name and .status (both 1..1)' },
  'ActivityDefinition-blood-tubes-supply.json': { rule: 'txt-2', reason: 'the narrative div is empty' },
  'ActivityDefinition-heart-valve-replacement.json': { rule: 'txt-2', reason: 'the narrative div is empty' },
  'EventDefinition-example.json': { rule: 'txt-2', reason: 'the narrative div is empty' },
  'Questionnaire-zika-virus-exposure-assessment.json': { rule: 'txt-2', reason: 'the narrative div is empty' },
  'Bundle-dataelements.json': { rule: 'bdl-7', reason: 'several entries share a fullUrl without meta.versionId' },
  'StructureDefinition-Definition.json': { rule: 'sdf-4', reason: 'logical model, not abstract, without baseDefinition' },
  'StructureDefinition-Event.json': { rule: 'sdf-4', reason: 'logical model, not abstract, without baseDefinition' },
  'StructureDefinition-FiveWs.json': { rule: 'sdf-4', reason: 'logical model, not abstract, without baseDefinition' },
  'StructureDefinition-Request.json': { rule: 'sdf-4', reason: 'logical model, not abstract, without baseDefinition' },
};
for (const kind of ['codesystem', 'valueset'])
  for (const p of ['author', 'effective', 'end', 'keyword', 'workflow'])
    GENUINELY_INVALID[`SearchParameter-${kind}-extensions-${kind === 'codesystem' ? 'CodeSystem' : 'ValueSet'}-${p}.json`] = {
      rule: 'min:base',
      reason: 'the extension search parameter lacks SearchParameter.base (1..*)',
    };

/** The rule an error issue reports, in the list's terms. */
export function ruleOf(i: OperationOutcomeIssue): string {
  const inv = /Constraint failed: ([a-z0-9-]+):/.exec(i.diagnostics ?? '');
  if (inv) return inv[1];
  const min = /Missing required element '_?([^']+)'/.exec(i.diagnostics ?? '');
  if (min) return `min:${min[1]}`;
  return `${i.code}: ${i.diagnostics}`;
}
