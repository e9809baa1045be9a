/**
 * A seeded generator of Synthea-like FHIR R4 data, for when Synthea's export (../shared/data/synthea-r4)
 * is absent. It produces the same shapes Synthea writes, so the same preparation (synthea.ts) applies:
 *
 * - a hospital Bundle (Organizations) and a practitioner Bundle (Practitioners), POST entries with
 *   `urn:uuid:<id>` fullUrls;
 * - per patient, a transaction Bundle of POST entries: Patient, then encounters, each with vital-sign
 *   and laboratory Observations (LOINC), Conditions (SNOMED CT), Procedures, Immunizations (CVX),
 *   MedicationRequests (RxNorm), DiagnosticReports, Claims and ExplanationOfBenefits, cross-referenced
 *   by `urn:uuid:` fullUrls, and referring to the shared Organizations/Practitioners by their
 *   `urn:uuid:` fullUrls, which are NOT in the patient Bundle (as in Synthea).
 *
 * Everything is deterministic from the seed. Resource sizes follow Synthea's (narrative div, codings
 * with displays, identifiers): about 0.5-3 KB of compact JSON each, ~300 resources per patient by default.
 */
import type { RawBundle, RawEntry } from './synthea.js';

/** mulberry32: a small, fast, seedable PRNG; returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  seed?: number;
  patients?: number;
  /** Approximate number of resources per patient Bundle. */
  resourcesPerPatient?: number;
  organizations?: number;
}

export interface GeneratedData {
  shared: { name: string; bundle: RawBundle }[];
  patients: { name: string; bundle: RawBundle }[];
}

const LOINC_VITALS: [string, string, string, number, number][] = [
  ['8302-2', 'Body Height', 'cm', 150, 195],
  ['29463-7', 'Body Weight', 'kg', 50, 110],
  ['39156-5', 'Body Mass Index', 'kg/m2', 18, 35],
  ['8867-4', 'Heart rate', '/min', 55, 100],
  ['9279-1', 'Respiratory rate', '/min', 12, 20],
  ['72514-3', 'Pain severity - 0-10 verbal numeric rating [Score] - Reported', '{score}', 0, 6],
];
const LOINC_LABS: [string, string, string, number, number][] = [
  ['2339-0', 'Glucose', 'mg/dL', 70, 140],
  ['6299-2', 'Urea Nitrogen', 'mg/dL', 7, 20],
  ['38483-4', 'Creatinine', 'mg/dL', 0.6, 1.3],
  ['49765-1', 'Calcium', 'mg/dL', 8.5, 10.2],
  ['2947-0', 'Sodium', 'mmol/L', 136, 145],
  ['6298-4', 'Potassium', 'mmol/L', 3.5, 5.1],
  ['2069-3', 'Chloride', 'mmol/L', 98, 107],
  ['20565-8', 'Carbon Dioxide', 'mmol/L', 22, 29],
  ['2093-3', 'Total Cholesterol', 'mg/dL', 150, 240],
  ['2571-8', 'Triglycerides', 'mg/dL', 50, 200],
  ['18262-6', 'Low Density Lipoprotein Cholesterol', 'mg/dL', 70, 160],
  ['2085-9', 'High Density Lipoprotein Cholesterol', 'mg/dL', 35, 80],
];
const SNOMED_CONDITIONS: [string, string][] = [
  ['444814009', 'Viral sinusitis (disorder)'],
  ['195662009', 'Acute viral pharyngitis (disorder)'],
  ['10509002', 'Acute bronchitis (disorder)'],
  ['38341003', 'Hypertension'],
  ['15777000', 'Prediabetes'],
  ['44054006', 'Diabetes'],
  ['162864005', 'Body mass index 30+ - obesity (finding)'],
  ['40055000', 'Chronic sinusitis (disorder)'],
];
const SNOMED_PROCEDURES: [string, string][] = [
  ['430193006', 'Medication Reconciliation (procedure)'],
  ['710824005', 'Assessment of health and social care needs (procedure)'],
  ['428191000124101', 'Documentation of current medications'],
  ['171207006', 'Depression screening (procedure)'],
];
const CVX: [string, string][] = [
  ['140', 'Influenza, seasonal, injectable, preservative free'],
  ['113', 'Td (adult) preservative free'],
  ['133', 'Pneumococcal conjugate PCV 13'],
  ['08', 'Hep B, adolescent or pediatric'],
];
const RXNORM: [string, string][] = [
  ['314076', 'lisinopril 10 MG Oral Tablet'],
  ['860975', '24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet'],
  ['313782', 'Acetaminophen 325 MG Oral Tablet'],
  ['308136', 'amLODIPine 2.5 MG Oral Tablet'],
];
const GIVEN = ['Addie', 'Alda', 'Ali', 'Ammie', 'Andy', 'Angele', 'Antonio', 'Ardith', 'Bennett', 'Carmen', 'Dong', 'Elvia'];
const FAMILY = ['Tremblay', 'Carter', 'Herman', 'Huels', 'Schaden', 'Greenfelder', 'Mueller', 'Howe', 'Welch', 'Runolfsson'];
const CITIES = ['Boston', 'Worcester', 'Springfield', 'Lowell', 'Cambridge', 'Quincy'];

/** Generates Synthea-shaped Bundles, deterministically from `seed`. */
export function generateSyntheaLike(options: GenerateOptions = {}): GeneratedData {
  const seed = options.seed ?? 42;
  const patients = options.patients ?? 150;
  const perPatient = options.resourcesPerPatient ?? 300;
  const random = rng(seed);
  const g = new Gen(random);

  const orgs: RawEntry[] = [];
  const practitioners: RawEntry[] = [];
  for (let i = 0; i < (options.organizations ?? 100); i++) {
    const orgId = g.uuid();
    const city = g.pick(CITIES);
    orgs.push(entry(orgId, {
      resourceType: 'Organization',
      id: orgId,
      identifier: [{ system: 'https://github.com/synthetichealth/synthea', value: orgId }],
      active: true,
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }], text: 'Healthcare Provider' }],
      name: `${city.toUpperCase()} ${g.pick(['GENERAL HOSPITAL', 'MEDICAL CENTER', 'FAMILY PRACTICE', 'URGENT CARE'])} ${i}`,
      telecom: [{ system: 'phone', value: g.phone() }],
      address: [g.address(city)],
    }));
    const prId = g.uuid();
    const gender = random() < 0.5 ? 'male' : 'female';
    practitioners.push(entry(prId, {
      resourceType: 'Practitioner',
      id: prId,
      identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: String(9999900000 + i * 10) }],
      active: true,
      name: [{ family: g.pick(FAMILY) + String(i), given: [g.pick(GIVEN)], prefix: ['Dr.'] }],
      telecom: [{ extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-direct', valueBoolean: true }], system: 'email', value: `dr${i}@example.com`, use: 'work' }],
      address: [g.address(city)],
      gender,
    }));
  }
  const shared = [
    { name: `hospitalInformation-seed${seed}.json`, bundle: transaction(orgs) },
    { name: `practitionerInformation-seed${seed}.json`, bundle: transaction(practitioners) },
  ];
  const out: GeneratedData['patients'] = [];
  for (let p = 0; p < patients; p++) {
    const k = random() * orgs.length | 0;
    const bundle = g.patient(orgs[k].fullUrl!, practitioners[k].fullUrl!, perPatient);
    out.push({ name: `patient-${seed}-${p}.json`, bundle });
  }
  return { shared, patients: out };
}

function entry(id: string, resource: RawEntry['resource']): RawEntry {
  return { fullUrl: `urn:uuid:${id}`, resource, request: { method: 'POST', url: resource!.resourceType! } };
}

function transaction(entries: RawEntry[]): RawBundle {
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

const coding = (system: string, code: string, display: string) => ({ coding: [{ system, code, display }], text: display });
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';

class Gen {
  constructor(private readonly random: () => number) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }
  uuid(): string {
    const hex = (n: number) => Array.from({ length: n }, () => Math.floor(this.random() * 16).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[this.int(0, 3)]}${hex(3)}-${hex(12)}`;
  }
  phone(): string {
    return `555-${this.int(100, 999)}-${this.int(1000, 9999)}`;
  }
  address(city: string) {
    return {
      line: [`${this.int(1, 999)} ${this.pick(FAMILY)} Street Suite ${this.int(1, 99)}`],
      city,
      state: 'Massachusetts',
      postalCode: `0${this.int(1000, 2799)}`,
      country: 'US',
    };
  }

  /** One patient's transaction Bundle of about `target` resources. */
  patient(orgUrl: string, practitionerUrl: string, target: number): RawBundle {
    const entries: RawEntry[] = [];
    const add = (resource: NonNullable<RawEntry['resource']>): string => {
      const id = this.uuid();
      resource.id = id;
      entries.push(entry(id, resource));
      return `urn:uuid:${id}`;
    };
    const given = this.pick(GIVEN);
    const family = this.pick(FAMILY);
    const city = this.pick(CITIES);
    const birth = new Date(Date.UTC(this.int(1930, 2015), this.int(0, 11), this.int(1, 28)));
    const gender = this.random() < 0.5 ? 'male' : 'female';
    const patientUrl = add({
      resourceType: 'Patient',
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">Generated by the Qiao benchmark generator. ${given} ${family}</div>` },
      extension: [
        { url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' } }, { url: 'text', valueString: 'White' }] },
        { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: `${this.pick(GIVEN)} ${this.pick(FAMILY)}` },
        { url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city, state: 'Massachusetts', country: 'US' } },
      ],
      identifier: [
        { system: 'https://github.com/synthetichealth/synthea', value: this.uuid() },
        { type: coding('http://terminology.hl7.org/CodeSystem/v2-0203', 'MR', 'Medical Record Number'), system: 'http://hospital.smarthealthit.org', value: this.uuid() },
        { type: coding('http://terminology.hl7.org/CodeSystem/v2-0203', 'SS', 'Social Security Number'), system: 'http://hl7.org/fhir/sid/us-ssn', value: `999-${this.int(10, 99)}-${this.int(1000, 9999)}` },
      ],
      name: [{ use: 'official', family: `${family}${this.int(100, 999)}`, given: [`${given}${this.int(100, 999)}`], prefix: [gender === 'male' ? 'Mr.' : 'Ms.'] }],
      telecom: [{ system: 'phone', value: this.phone(), use: 'home' }],
      gender,
      birthDate: birth.toISOString().slice(0, 10),
      address: [this.address(city)],
      maritalStatus: coding('http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', 'M', 'M'),
      multipleBirthBoolean: false,
      communication: [{ language: coding('urn:ietf:bcp:47', 'en-US', 'English') }],
    });
    const subject = { reference: patientUrl };
    let day = birth.getTime();
    const conditions: string[] = [];
    while (entries.length < target) {
      day += this.int(20, 400) * 86400000;
      const start = new Date(day).toISOString();
      const end = new Date(day + 15 * 60000).toISOString();
      const period = { start, end };
      const encUrl = add({
        resourceType: 'Encounter',
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Generated</div>' },
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        type: [coding(SNOMED, '185349003', 'Encounter for check up (procedure)')],
        subject,
        participant: [{ individual: { reference: practitionerUrl, display: 'Dr. Practitioner' } }],
        period,
        serviceProvider: { reference: orgUrl, display: 'Provider' },
      });
      const encounter = { reference: encUrl };
      const results: { reference: string }[] = [];
      const observation = (code: [string, string, string, number, number], category: string) => {
        const [loinc, display, unit, lo, hi] = code;
        return add({
          resourceType: 'Observation',
          status: 'final',
          category: [coding('http://terminology.hl7.org/CodeSystem/observation-category', category, category === 'laboratory' ? 'laboratory' : 'vital-signs')],
          code: coding(LOINC, loinc, display),
          subject,
          encounter,
          effectiveDateTime: start,
          issued: start,
          valueQuantity: { value: Math.round((lo + this.random() * (hi - lo)) * 100) / 100, unit, system: 'http://unitsofmeasure.org', code: unit },
        });
      };
      for (const v of LOINC_VITALS) observation(v, 'vital-signs');
      add({
        resourceType: 'Observation',
        status: 'final',
        category: [coding('http://terminology.hl7.org/CodeSystem/observation-category', 'vital-signs', 'vital-signs')],
        code: coding(LOINC, '85354-9', 'Blood Pressure'),
        subject,
        encounter,
        effectiveDateTime: start,
        issued: start,
        component: [
          { code: coding(LOINC, '8462-4', 'Diastolic Blood Pressure'), valueQuantity: { value: this.int(60, 95), unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
          { code: coding(LOINC, '8480-6', 'Systolic Blood Pressure'), valueQuantity: { value: this.int(100, 150), unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        ],
      });
      if (this.random() < 0.5) {
        for (const l of LOINC_LABS.slice(0, this.int(4, LOINC_LABS.length))) results.push({ reference: observation(l, 'laboratory') });
        add({
          resourceType: 'DiagnosticReport',
          status: 'final',
          category: [coding('http://terminology.hl7.org/CodeSystem/v2-0074', 'LAB', 'Laboratory')],
          code: coding(LOINC, '51990-0', 'Basic Metabolic Panel'),
          subject,
          encounter,
          effectiveDateTime: start,
          issued: start,
          result: results,
        });
      }
      if (this.random() < 0.3) {
        const [code, display] = this.pick(SNOMED_CONDITIONS);
        conditions.push(add({
          resourceType: 'Condition',
          clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', 'active', 'active'),
          verificationStatus: coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'confirmed'),
          category: [coding('http://terminology.hl7.org/CodeSystem/condition-category', 'encounter-diagnosis', 'Encounter Diagnosis')],
          code: coding(SNOMED, code, display),
          subject,
          encounter,
          onsetDateTime: start,
          recordedDate: start,
        }));
      }
      const [pcode, pdisplay] = this.pick(SNOMED_PROCEDURES);
      const procUrl = add({ resourceType: 'Procedure', status: 'completed', code: coding(SNOMED, pcode, pdisplay), subject, encounter, performedPeriod: period });
      if (this.random() < 0.4) {
        const [cvx, display] = this.pick(CVX);
        add({ resourceType: 'Immunization', status: 'completed', vaccineCode: coding('http://hl7.org/fhir/sid/cvx', cvx, display), patient: subject, encounter, occurrenceDateTime: start, primarySource: true });
      }
      if (this.random() < 0.3) {
        const [rx, display] = this.pick(RXNORM);
        add({
          resourceType: 'MedicationRequest', status: 'active', intent: 'order',
          medicationCodeableConcept: coding('http://www.nlm.nih.gov/research/umls/rxnorm', rx, display),
          subject, encounter, authoredOn: start, requester: { reference: practitionerUrl, display: 'Dr. Practitioner' },
          dosageInstruction: [{ sequence: 1, asNeededBoolean: false, timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }],
        });
      }
      const total = { value: Math.round(this.random() * 50000) / 100, currency: 'USD' };
      const claimUrl = add({
        resourceType: 'Claim',
        status: 'active',
        type: coding('http://terminology.hl7.org/CodeSystem/claim-type', 'professional', 'professional'),
        use: 'claim',
        patient: subject,
        billablePeriod: period,
        created: end,
        provider: { reference: orgUrl, display: 'Provider' },
        priority: coding('http://terminology.hl7.org/CodeSystem/processpriority', 'normal', 'normal'),
        procedure: [{ sequence: 1, procedureReference: { reference: procUrl } }],
        ...(conditions.length ? { diagnosis: conditions.slice(-2).map((c, i) => ({ sequence: i + 1, diagnosisReference: { reference: c } })) } : {}),
        insurance: [{ sequence: 1, focal: true, coverage: { display: 'Medicaid' } }],
        item: [
          { sequence: 1, productOrService: coding(SNOMED, '185349003', 'Encounter for check up (procedure)'), encounter: [encounter] },
          { sequence: 2, procedureSequence: [1], productOrService: coding(SNOMED, pcode, pdisplay), net: total, encounter: [encounter] },
        ],
        total,
      });
      add({
        resourceType: 'ExplanationOfBenefit',
        contained: [
          { resourceType: 'ServiceRequest', id: 'referral', status: 'completed', intent: 'order', subject, requester: { reference: practitionerUrl }, performer: [{ reference: practitionerUrl }] },
          { resourceType: 'Coverage', id: 'coverage', status: 'active', type: { text: 'Medicaid' }, beneficiary: subject, payor: [{ display: 'Medicaid' }] },
        ],
        identifier: [{ system: 'https://bluebutton.cms.gov/resources/variables/clm_id', value: this.uuid() }],
        status: 'active',
        type: coding('http://terminology.hl7.org/CodeSystem/claim-type', 'professional', 'professional'),
        use: 'claim',
        patient: subject,
        billablePeriod: period,
        created: end,
        insurer: { display: 'Medicaid' },
        provider: { reference: practitionerUrl },
        referral: { reference: '#referral' },
        claim: { reference: claimUrl },
        outcome: 'complete',
        careTeam: [{ sequence: 1, provider: { reference: practitionerUrl }, role: coding('http://terminology.hl7.org/CodeSystem/claimcareteamrole', 'primary', 'Primary provider') }],
        insurance: [{ focal: true, coverage: { reference: '#coverage', display: 'Medicaid' } }],
        item: [{ sequence: 1, productOrService: coding(SNOMED, pcode, pdisplay), servicedPeriod: period, locationCodeableConcept: coding('http://terminology.hl7.org/CodeSystem/ex-serviceplace', '19', 'Off Campus-Outpatient Hospital'), encounter: [encounter], net: total }],
        total: [{ category: coding('http://terminology.hl7.org/CodeSystem/adjudication', 'submitted', 'Submitted Amount'), amount: total }],
        payment: { amount: { value: 0, currency: 'USD' } },
      });
    }
    return transaction(entries);
  }
}
