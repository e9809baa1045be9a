/** (c) Focused tests of the validator: one rule each, with the location reported. */
import { describe, expect, it } from 'vitest';
import { definitions } from '../../src/fhir/definitions.js';
import { validateResource } from '../../src/validation/validate.js';
import type { OperationOutcomeIssue, Resource } from '../../src/fhir/types.js';

const errors = (r: unknown, profiles?: string[]) =>
  validateResource(r, profiles ? { profiles } : {}).filter((i) => i.severity === 'error' || i.severity === 'fatal');
const at = (issues: OperationOutcomeIssue[]) => issues.map((i) => `${i.code} ${i.expression?.join(',')}`);

const patient = { resourceType: 'Patient', id: 'p1', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jane</div>' } };
const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value: 37.2, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
};

describe('validateResource', () => {
  it('accepts valid resources', () => {
    expect(errors(patient)).toEqual([]);
    expect(errors(observation)).toEqual([]);
  });

  it('never throws on bad input', () => {
    for (const bad of [null, 42, 'x', [], {}, { resourceType: 'Nope' }, { resourceType: 7 }])
      expect(errors(bad).length).toBeGreaterThan(0);
  });

  it('reports unknown elements', () => {
    expect(at(errors({ ...patient, foo: 1, name: [{ given: ['a'], nickname: 'b' }] }))).toEqual(['structure Patient.foo', 'structure Patient.name[0].nickname']);
  });

  it('checks primitive formats with the spec regexes', () => {
    const e = errors({ ...patient, birthDate: '2020-13-01', id: 'has space', active: 'yes', multipleBirthInteger: 1.5 });
    expect(at(e).sort()).toEqual(['structure Patient.active', 'structure Patient.multipleBirthInteger', 'value Patient.birthDate', 'value Patient.id'].sort());
    expect(errors({ ...observation, issued: '2020-01-01' }).map((i) => i.code)).toEqual(['value']); // instant needs time and zone
    expect(errors({ ...patient, name: [{ family: '' }] }).map((i) => i.expression?.[0])).toEqual(['Patient.name[0].family']);
  });

  it('checks types of complex elements', () => {
    expect(at(errors({ ...observation, code: 'abc' }))).toEqual(['structure Observation.code']);
    expect(at(errors({ ...patient, name: { family: 'x' } }))).toEqual(['structure Patient.name']);
  });

  it('checks cardinality (min and max)', () => {
    const { status: _s, ...noStatus } = observation;
    expect(at(errors(noStatus))).toEqual(['required Observation.status']);
    expect(at(errors({ ...patient, gender: ['male', 'female'] }))).toEqual(['structure Patient.gender']);
    expect(at(errors({ ...patient, name: [] }))).toEqual(['structure Patient.name']);
  });

  it('accepts a primitive with only extensions for a required element', () => {
    const { status: _s, ...noStatus } = observation;
    const ext = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] };
    expect(at(errors({ ...noStatus, _status: ext }))).toEqual([]);
  });

  it('rejects two values of a choice type', () => {
    expect(at(errors({ ...observation, valueString: 'x' }))).toEqual(['structure Observation']);
    expect(at(errors({ ...patient, deceasedBoolean: true, deceasedDateTime: '2020' }))).toEqual(['structure Patient']);
  });

  it('checks required bindings', () => {
    const e = errors({ ...patient, gender: 'x' });
    expect(at(e)).toEqual(['code-invalid Patient.gender']);
    expect(errors({ ...observation, status: 'done' }).map((i) => i.code)).toEqual(['code-invalid']);
    expect(errors({ ...patient, gender: 'female' })).toEqual([]);
  });

  it('evaluates invariants (FHIRPath and native)', () => {
    const dar = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }] };
    const obs6 = errors({ ...observation, dataAbsentReason: dar });
    expect(obs6.map((i) => [i.code, i.expression?.[0], /obs-6/.test(i.diagnostics ?? '')])).toEqual([['invariant', 'Observation', true]]);
    const per1 = errors({ ...observation, effectivePeriod: { start: '2020-02-01', end: '2020-01-01' } });
    expect(per1.map((i) => [i.expression?.[0], /per-1/.test(i.diagnostics ?? '')])).toEqual([['Observation.effectivePeriod', true]]);
    const ext1 = errors({ ...patient, extension: [{ url: 'http://x.org/e', valueString: 'a', extension: [{ url: 'y', valueString: 'b' }] }] });
    expect(ext1.map((i) => [i.expression?.[0], /ext-1/.test(i.diagnostics ?? '')])).toEqual([['Patient.extension[0]', true]]);
    const ele1 = errors({ ...patient, name: [{ given: ['a'] }, {}] });
    expect(ele1.map((i) => [i.expression?.[0], /ele-1/.test(i.diagnostics ?? '')])).toEqual([['Patient.name[1]', true]]);
    const dom3 = errors({ ...patient, contained: [{ resourceType: 'Organization', id: 'o1', name: 'x' }] });
    expect(dom3.map((i) => [i.expression?.[0], /dom-3/.test(i.diagnostics ?? '')])).toEqual([['Patient.contained[0]', true]]);
    const ok = { ...patient, contained: [{ resourceType: 'Organization', id: 'o1', name: 'x' }], managingOrganization: { reference: '#o1' } };
    expect(errors(ok)).toEqual([]);
    const ref1 = errors({ ...patient, managingOrganization: { reference: '#nope' } });
    expect(ref1.map((i) => [i.expression?.[0], /ref-1/.test(i.diagnostics ?? '')])).toEqual([['Patient.managingOrganization', true]]);
  });

  it('reports nested locations, in contained and bundled resources too', () => {
    const e = errors({ ...patient, name: [{ given: ['a'] }, { given: ['b', 42] }] });
    expect(at(e)).toEqual(['structure Patient.name[1].given[1]']);
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ fullUrl: 'urn:uuid:1', resource: { ...observation, status: 'bogus', valueQuantity: { value: 'high' } } }],
    };
    expect(at(errors(bundle)).sort()).toEqual(['code-invalid Bundle.entry[0].resource.status', 'structure Bundle.entry[0].resource.valueQuantity.value'].sort());
    const params = { resourceType: 'Parameters', parameter: [{ name: 'r', resource: { resourceType: 'Patient', birthDate: 'x' } }] };
    expect(at(errors(params))).toEqual(['value Parameters.parameter[0].resource.birthDate']);
    const contained = { ...patient, contained: [{ resourceType: 'Organization', id: 'o1', name: 'x', foo: 1 }], managingOrganization: { reference: '#o1' } };
    expect(at(errors(contained))).toEqual(['structure Patient.contained[0].foo']);
    const q = { resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'nonsense' }] }] };
    expect(at(errors(q))).toEqual(['code-invalid Questionnaire.item[0].item[0].type']);
  });

  it('reports all issues at once', () => {
    expect(errors({ ...patient, foo: 1, gender: 'x', birthDate: 'y' }).length).toBe(3);
  });

  describe('profiles', () => {
    const vitals = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';
    const bodyTemp = 'http://hl7.org/fhir/StructureDefinition/bodytemp';

    it('validates against a profile in meta.profile or options.profiles (cardinality, pattern)', () => {
      const base = { ...observation, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }], effectiveDateTime: '2020-01-01' };
      expect(errors({ ...base, meta: { profile: [vitals] } })).toEqual([]);
      const { subject: _s, ...noSubject } = base;
      expect(at(errors(noSubject, [vitals]))).toEqual(['required Observation.subject']); // 1..1 in vitalsigns
      expect(errors(noSubject)).toEqual([]);
      const wrongCategory = { ...base, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }] };
      expect(at(errors(wrongCategory, [vitals]))).toEqual(['structure Observation.category']); // slice VSCat (fixed system/code) 1..1
    });

    it('checks fixed values of a profile', () => {
      const sd = definitions().structureDefinition(bodyTemp);
      expect(sd).toBeDefined();
      const base = { ...observation, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }], effectiveDateTime: '2020-01-01' };
      const wrongSystem = { ...base, code: { coding: [{ system: 'http://loinc.org', code: '1234-5' }] }, valueQuantity: { value: 37, unit: 'C', system: 'http://example.org/units', code: 'Cel' } };
      const e = errors(wrongSystem, [bodyTemp]);
      expect(at(e)).toContain('value Observation.valueQuantity.system'); // fixedUri in the valueQuantity type slice
      expect(at(e)).toContain('structure Observation.code.coding'); // slice BodyTempCode: LOINC 8310-5 required
      const ok = { ...base, meta: { profile: [bodyTemp] }, code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] } };
      expect(errors(ok)).toEqual([]);
    });

    it('warns for an unknown claimed profile', () => {
      const issues = validateResource({ ...patient, meta: { profile: ['http://example.org/StructureDefinition/unknown'] } });
      expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(issues.some((i) => i.severity === 'warning' && /unknown/.test(i.diagnostics ?? ''))).toBe(true);
    });
  });

  it('validates every resource type of the spec without crashing', () => {
    for (const t of definitions().resourceTypes()) expect(Array.isArray(validateResource({ resourceType: t } as Resource))).toBe(true);
  });
  it('checks extensions: core namespace, context, value type', () => {
    const mothers = { url: 'http://hl7.org/fhir/StructureDefinition/humanname-mothers-family', valueString: 'Garcia' };
    // allowed on HumanName.family (a primitive: `_family`), not on the HumanName itself
    expect(errors({ ...patient, name: [{ family: 'Lopez', _family: { extension: [mothers] } }] })).toEqual([]);
    expect(at(errors({ ...patient, name: [{ family: 'Lopez', extension: [mothers] }] }))).toEqual(['structure Patient.name[0].extension[0]']);
    // value type of the definition (mothers-family is a string)
    const wrongType = { url: mothers.url, valueCode: 'x' };
    expect(at(errors({ ...patient, name: [{ _family: { extension: [wrongType] } }] }))).toContain('structure Patient.name[0].family.extension[0].valueCode');
    // unknown in the core namespace: error; unknown elsewhere: accepted
    expect(at(errors({ ...patient, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/no-such-thing', valueString: 'x' }] }))).toEqual(['structure Patient.extension[0]']);
    expect(errors({ ...patient, extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex', valueCode: 'F' }] })).toEqual([]);
  });
  it('applies the optional content checks only when asked', () => {
    const p = { ...patient, name: [{ text: 'A <script>x</script>' }], photo: [{ url: 'http://example.org/photo.png' }] };
    expect(errors(p)).toEqual([]);
    expect(at(validateResource(p, { securityChecks: true }).filter((i) => i.severity === 'error'))).toEqual(['security Patient.name[0].text']);
    expect(at(validateResource(p, { allowExampleUrls: false }).filter((i) => i.severity === 'error'))).toEqual(['value Patient.photo[0].url']);
    const c = { resourceType: 'Communication', status: 'completed', note: [{ text: 'see <resource type>' }] };
    expect(at(validateResource(c, { noHtmlInMarkdown: true }).filter((i) => i.severity === 'error'))).toEqual(['value Communication.note[0].text']);
    const unreferenced = { ...patient, contained: [{ resourceType: 'Practitioner', id: 'x'.repeat(65) }] };
    expect(errors(unreferenced).length).toBe(2); // id too long, dom-3
    expect(validateResource(unreferenced, { validateContained: false }).filter((i) => i.severity === 'error')).toEqual([]);
  });
  it('checks Codings against code systems Qiao holds, and canonical target types', () => {
    const withCategory = (coding: object) => ({ ...observation, category: [{ coding: [coding] }] });
    const cat = 'http://terminology.hl7.org/CodeSystem/observation-category';
    expect(errors(withCategory({ system: cat, code: 'vital-signs', display: 'Vital Signs' }))).toEqual([]);
    expect(at(errors(withCategory({ system: cat, code: 'no-such-code' })))).toEqual(['code-invalid Observation.category[0].coding[0].code']);
    const wrongDisplay = validateResource(withCategory({ system: cat, code: 'vital-signs', display: 'Laboratory' }));
    expect(wrongDisplay.filter((i) => i.code === 'code-invalid').map((i) => i.severity)).toEqual(['warning']);
    expect(at(errors(withCategory({ system: 'Location!', code: 'x' })))).toEqual(['value Observation.category[0].coding[0].system']);
    expect(at(errors(withCategory({ system: 'http://hl7.org/fhir/ValueSet/observation-category', code: 'x' })))).toEqual(['value Observation.category[0].coding[0].system']);
    const qr = { resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: 'http://hl7.org/fhir/ValueSet/example-extensional' };
    expect(at(errors(qr))).toEqual(['invalid QuestionnaireResponse.questionnaire']);
  });

  it('checks per-1 on dates of different precision, and RESTful fullUrls in Bundles', () => {
    const enc = { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' } };
    expect(errors({ ...enc, period: { start: '2023-06-20', end: '2023-06-21T06:20:00Z' } })).toEqual([]);
    expect(errors({ ...enc, period: { start: '2023-06-21', end: '2023-06-21T06:20:00Z' } }).map((i) => i.diagnostics?.slice(0, 24))).toEqual(['Constraint failed: per-1']);
    const bundle = (fullUrl: string) => ({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl, resource: { ...patient, id: 'p1' } }] });
    expect(errors(bundle('http://example.org/fhir/Patient/p1'))).toEqual([]);
    expect(errors(bundle('urn:uuid:8ce7db7b-9b9b-41ae-b1d7-3f2d1c728a13'))).toEqual([]);
    expect(at(errors(bundle('http://example.org/fhir/Patient/p2')))).toEqual(['invalid Bundle.entry[0].fullUrl']);
  });

  it('checks search parameters against their definitions', () => {
    const sp = { resourceType: 'SearchParameter', url: 'http://x.org/sp', name: 'n', status: 'active', description: 'd', code: 'name', base: ['Organization'], type: 'string', expression: 'Organization.name' };
    expect(errors({ ...sp, derivedFrom: 'http://hl7.org/fhir/SearchParameter/Organization-name' })).toEqual([]);
    expect(at(errors({ ...sp, derivedFrom: 'http://hl7.org/fhir/SearchParameter/Organization-name', type: 'token' }))).toEqual(['invalid SearchParameter.type']);
    expect(at(errors({ ...sp, derivedFrom: 'http://hl7.org/fhir/SearchParameter/Organization-name', base: ['Patient'] }))).toEqual(['invalid SearchParameter.base[0]']);
    expect(at(errors({ ...sp, type: 'composite' }))).toEqual(['invalid SearchParameter']);
    const cs = { resourceType: 'CapabilityStatement', status: 'draft', date: '2020-01-01', kind: 'requirements', description: 'd', fhirVersion: '4.0.1', format: ['json'] };
    const param = (type: string) => ({ ...cs, rest: [{ mode: 'server', resource: [{ type: 'AllergyIntolerance', searchParam: [{ name: 'clinical-status', definition: 'http://hl7.org/fhir/SearchParameter/AllergyIntolerance-clinical-status', type }] }] }] });
    expect(errors(param('token'))).toEqual([]);
    expect(at(errors(param('date')))).toEqual(['invalid CapabilityStatement.rest[0].resource[0].searchParam[0]']);
  });
});
