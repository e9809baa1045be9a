/**
 * Official examples that break a rule of the R4 specification itself, so Qiao rightly rejects them.
 * Each entry names the rule — an invariant key, or `min:<element>` for a missing required element —
 * and why the example breaks it. Used by test/validation/examples.test.ts (the validator alone) and
 * examples-roundtrip.test.ts (through the HTTP API).
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
  'Bundle-dataelements.json': {
    rule: ['bdl-7', 'invalid: Canonical URL \'http://terminology.hl7.org/CodeSystem/processpriority\' refers to a resource that has the wrong type. Found CodeSystem expecting one of [ValueSet]'].join(','),
    reason: 'several entries share a fullUrl without meta.versionId; a binding names the processpriority CodeSystem as its value set',
  },
  'Bundle-10bb101f-a121-4264-a920-67be9cb82c74.json': {
    rule: [
      'invalid: The fullUrl \'http://acme.com/ehr/fhir/Patient/pat12\' looks like a RESTful server URL, so it must end with the correct type and id (/Patient/pat2)',
    ].join(','),
    reason: 'an entry\'s fullUrl names another id than its resource\'s',
  },
  'Bundle-3a0707d3-549e-4467-b8b8-5a2ab3800efe.json': {
    rule: [
      'invalid: The fullUrl \'http://acme.com/ehr/fhir/Patient/pat12\' looks like a RESTful server URL, so it must end with the correct type and id (/Patient/pat2)',
    ].join(','),
    reason: 'an entry\'s fullUrl names another id than its resource\'s',
  },
  'Bundle-lri-example.json': {
    rule: [
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-gramstain1\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/gramstain1)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-gramstain2\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/gramstain2)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-gramstain3\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/gramstain3)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-gramstain4\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/gramstain4)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-growth1\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/growth1)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-growth2\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/growth2)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-growth3\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/growth3)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-org2-amp\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/org2-amp)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-org2-cip\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/org2-cip)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-org2-gent\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/org2-gent)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-org3-amp\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/org3-amp)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-org3-cip\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/org3-cip)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-org3-gent\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/org3-gent)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-organism1\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/organism1)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-organism2\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/organism2)',
      'invalid: The fullUrl \'http://test.fhir.org/r4/Observation/lri-organism3\' looks like a RESTful server URL, so it must end with the correct type and id (/Observation/organism3)',
    ].join(','),
    reason: 'the entries\' fullUrls (Observation/lri-...) name other ids than their resources\'',
  },
  'StructureDefinition-ExplanationOfBenefit.json': {
    rule: [
      'invalid: Canonical URL \'http://terminology.hl7.org/CodeSystem/processpriority\' refers to a resource that has the wrong type. Found CodeSystem expecting one of [ValueSet]',
    ].join(','),
    reason: 'a binding names the processpriority CodeSystem as its value set',
  },
  'CapabilityStatement-knowledge-repository.json': {
    rule: [
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/ActivityDefinition-version type is token, but type here is string',
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/Library-version type is token, but type here is string',
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/Measure-version type is token, but type here is string',
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/PlanDefinition-version type is token, but type here is string',
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/Questionnaire-version type is token, but type here is string',
    ].join(','),
    reason: 'search parameters declared with another type than their definition (SearchParameter.type) has',
  },
  'CapabilityStatement-measure-processor.json': {
    rule: [
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/Measure-version type is token, but type here is string',
    ].join(','),
    reason: 'search parameters declared with another type than their definition (SearchParameter.type) has',
  },
  'CapabilityStatement-terminology-server.json': {
    rule: [
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/ConceptMap-source type is reference, but type here is uri',
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/ConceptMap-target type is reference, but type here is uri',
      'invalid: Type mismatch - SearchParameter http://hl7.org/fhir/SearchParameter/ValueSet-reference type is uri, but type here is token',
    ].join(','),
    reason: 'search parameters declared with another type than their definition (SearchParameter.type) has',
  },
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
