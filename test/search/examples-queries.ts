/**
 * The query table for examples.test.ts: realistic searches over HL7's official R4 examples, each with
 * its expected answer computed independently in plain JS over the example JSON the server accepted
 * (never by asking the server). Expected values are `Type/id` strings.
 */
import { createRequire } from 'node:module';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The examples the server accepted, by type, and by `Type/id`. */
export interface Examples {
  of(type: string): Json[];
  get(ref: string | undefined): Json | undefined;
}

export interface QueryCase {
  query: string;
  /** The `Type/id`s of the matches. */
  matches: (ex: Examples) => string[];
  /** The `Type/id`s of the included resources (_include/_revinclude), when the query asks for any. */
  included?: (ex: Examples) => string[];
  /** The expected answer is empty on purpose (otherwise an empty expectation fails as vacuous). */
  empty?: true;
}

// ---- plain-JS readers of the example JSON -------------------------------------------------------

export const key = (r: Json): string => `${r.resourceType}/${r.id}`;
const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const codings = (cc: Json | Json[] | undefined): Json[] => arr(cc).flatMap((c) => arr(c?.coding));
const hasCode = (cc: Json | Json[] | undefined, system: string | undefined, code: string | undefined) =>
  codings(cc).some((c) => (system === undefined || c.system === system) && (code === undefined || c.code === code));
/** FHIR string matching: case- and accent-insensitive. */
const norm = (s: unknown) => String(s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const startsWith = (values: unknown[], prefix: string) => values.some((v) => v != null && norm(v).startsWith(norm(prefix)));
const nameParts = (names: Json[] | undefined) => arr(names).flatMap((n) => [n.text, n.family, ...arr(n.given), ...arr(n.prefix), ...arr(n.suffix)]);
const ref = (r: Json | undefined) => r?.reference as string | undefined;

/** A FHIR date/dateTime/instant as [low, high) in ms; date-only values are taken in UTC. */
export function dateRange(s: string): [number, number] {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), m[2] ? Number(m[2]) - 1 : undefined, m[3] ? Number(m[3]) : undefined];
    const low = Date.UTC(y, mo ?? 0, d ?? 1);
    const high = d !== undefined ? Date.UTC(y, mo!, d + 1) : mo !== undefined ? Date.UTC(y, mo + 1, 1) : Date.UTC(y + 1, 0, 1);
    return [low, high];
  }
  const t = Date.parse(s);
  const fraction = /\.(\d+)/.exec(s)?.[1];
  return [t, t + (fraction ? 10 ** (3 - Math.min(fraction.length, 3)) : 1000)];
}

/** Observation.effective[x] (dateTime, Period, instant) as a range; a Period's missing bound is open (±∞). */
function effectiveRange(o: Json): [number, number] | undefined {
  const point = o.effectiveDateTime ?? o.effectiveInstant;
  if (point) return dateRange(point);
  const p = o.effectivePeriod;
  if (!p) return undefined;
  return [p.start ? dateRange(p.start)[0] : -Infinity, p.end ? dateRange(p.end)[1] : Infinity];
}

const UCUM = 'http://unitsofmeasure.org';
interface UcumUtils {
  convertUnitTo(from: string, value: number, to: string): { status: string; toVal: number | null };
}
const ucum = (createRequire(import.meta.url)('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } }).UcumLhcUtils.getInstance();

/** A UCUM Quantity's value in `unit`, or undefined when it is not UCUM or not convertible. */
function inUnit(q: Json | undefined, unit: string): number | undefined {
  if (q?.system !== UCUM || typeof q.value !== 'number' || !q.code) return undefined;
  if (q.code === unit) return q.value;
  const r = ucum.convertUnitTo(q.code, q.value, unit);
  return r.status === 'succeeded' && r.toVal !== null ? r.toVal : undefined;
}

const ids = (rs: Json[]) => rs.map(key);
const where = (type: string, pred: (r: Json) => boolean) => (ex: Examples) => ids(ex.of(type).filter(pred));
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';

/** Observations whose subject is a loaded Patient satisfying `pred` (Observation `patient` parameter). */
const obsOfPatient = (ex: Examples, pred: (p: Json) => boolean) =>
  ids(ex.of('Observation').filter((o) => ref(o.subject)?.startsWith('Patient/') && ex.get(ref(o.subject)) && pred(ex.get(ref(o.subject))!)));

/** Resources referenced by `pick` from `sources`, restricted to those loaded. */
const referenced = (ex: Examples, sources: Json[], pick: (r: Json) => (Json | undefined)[]) =>
  [...new Set(sources.flatMap((r) => pick(r).map(ref)).filter((k): k is string => !!k && !!ex.get(k)))];

const byId = (ex: Examples, type: string, ids: string[]) => ex.of(type).filter((r) => ids.includes(r.id));

export const CASES: QueryCase[] = [
  // ---- token ------------------------------------------------------------------------------------
  { query: `Observation?code=${LOINC}|8867-4`, matches: where('Observation', (o) => hasCode(o.code, LOINC, '8867-4')) },
  { query: 'Observation?code=8310-5', matches: where('Observation', (o) => hasCode(o.code, undefined, '8310-5')) },
  { query: `Condition?code=${SNOMED}|`, matches: where('Condition', (c) => hasCode(c.code, SNOMED, undefined)) },
  { query: 'Condition?clinical-status=active', matches: where('Condition', (c) => hasCode(c.clinicalStatus, undefined, 'active')) },
  { query: 'Condition?clinical-status:not=active', matches: where('Condition', (c) => !hasCode(c.clinicalStatus, undefined, 'active')) },
  { query: 'Observation?status=cancelled,entered-in-error', matches: where('Observation', (o) => ['cancelled', 'entered-in-error'].includes(o.status)) },
  {
    query: 'Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|12345',
    matches: where('Patient', (p) => arr(p.identifier).some((i: Json) => i.system === 'urn:oid:1.2.36.146.595.217.0.1' && i.value === '12345')),
  },
  { query: 'Patient?gender=female&active=true', matches: where('Patient', (p) => p.gender === 'female' && p.active === true) },
  { query: 'Practitioner?email=p.voigt@bmc.nl', matches: where('Practitioner', (p) => arr(p.telecom).some((t: Json) => t.system === 'email' && t.value === 'p.voigt@bmc.nl')) },
  { query: 'MedicationRequest?status=on-hold', matches: where('MedicationRequest', (m) => m.status === 'on-hold') },

  // ---- string -----------------------------------------------------------------------------------
  { query: 'Patient?family=cha', matches: where('Patient', (p) => startsWith(arr(p.name).map((n: Json) => n.family), 'cha')) },
  { query: 'Patient?name=peter', matches: where('Patient', (p) => startsWith(nameParts(p.name), 'peter')) },
  { query: 'Patient?family:exact=Solo', matches: where('Patient', (p) => arr(p.name).some((n: Json) => n.family === 'Solo')) },
  { query: 'Patient?family:exact=solo', matches: () => [], empty: true },
  { query: 'Practitioner?name:contains=van', matches: where('Practitioner', (p) => nameParts(p.name).some((s) => s != null && norm(s).includes('van'))) },
  { query: 'Practitioner?address-city=den', matches: where('Practitioner', (p) => startsWith(arr(p.address).map((a: Json) => a.city), 'den')) },
  { query: 'Organization?name=burgers', matches: where('Organization', (o) => startsWith([o.name, ...arr(o.alias)], 'burgers')) },

  // ---- reference --------------------------------------------------------------------------------
  { query: 'Observation?subject=Patient/example', matches: where('Observation', (o) => ref(o.subject) === 'Patient/example') },
  { query: 'Observation?subject:Group=herd1', matches: where('Observation', (o) => ref(o.subject) === 'Group/herd1') },
  { query: 'Observation?patient=f001', matches: where('Observation', (o) => ref(o.subject) === 'Patient/f001') },
  { query: 'Organization?partof=Organization/f001', matches: where('Organization', (o) => ref(o.partOf) === 'Organization/f001') },
  { query: 'Encounter?participant=Practitioner/f201', matches: where('Encounter', (e) => arr(e.participant).some((p: Json) => ref(p.individual) === 'Practitioner/f201')) },
  { query: 'Patient?general-practitioner=Practitioner/example', matches: where('Patient', (p) => arr(p.generalPractitioner).some((g: Json) => ref(g) === 'Practitioner/example')) },

  // ---- date -------------------------------------------------------------------------------------
  { query: 'Patient?birthdate=lt1950', matches: where('Patient', (p) => !!p.birthDate && p.birthDate < '1950') },
  { query: 'Patient?birthdate=1974-12-25', matches: where('Patient', (p) => p.birthDate === '1974-12-25') },
  { query: 'Patient?birthdate:missing=true', matches: where('Patient', (p) => p.birthDate === undefined) },
  // lt: the resource's range starts before the parameter's range (2000-01-01T00:00Z).
  { query: 'Observation?date=lt2000-01-01', matches: where('Observation', (o) => (effectiveRange(o)?.[0] ?? Infinity) < Date.UTC(2000, 0, 1)) },
  // gt: the resource's range ends after the parameter's range; a Period without an end is ongoing, so it matches.
  { query: 'Observation?date=gt2018-01-01', matches: where('Observation', (o) => (effectiveRange(o)?.[1] ?? -Infinity) > Date.UTC(2018, 0, 2)) },
  {
    query: 'Condition?onset-date=lt2012',
    matches: where('Condition', (c) => (c.onsetDateTime ? dateRange(c.onsetDateTime)[0] : c.onsetPeriod ? -Infinity : Infinity) < Date.UTC(2012, 0, 1)),
  },

  // ---- number -----------------------------------------------------------------------------------
  { query: 'RiskAssessment?probability=gt0.01', matches: where('RiskAssessment', (r) => arr(r.prediction).some((p: Json) => p.probabilityDecimal > 0.01)) },
  { query: 'RiskAssessment?probability=lt0.001', matches: where('RiskAssessment', (r) => arr(r.prediction).some((p: Json) => p.probabilityDecimal < 0.001)) },

  // ---- quantity ---------------------------------------------------------------------------------
  { query: 'Observation?value-quantity=gt100', matches: where('Observation', (o) => o.valueQuantity?.value > 100) },
  // With a UCUM unit, R4 lets a server also match commensurable units (Qiao does); the expectation converts
  // with ucum-lhc's own convertUnitTo, which (rightly) will not turn a count per litre into mmol/L.
  { query: `Observation?value-quantity=lt10|${UCUM}|mmol/L`, matches: where('Observation', (o) => (inUnit(o.valueQuantity, 'mmol/L') ?? Infinity) < 10) },
  { query: `Observation?value-quantity=gt80|${UCUM}|kg`, matches: where('Observation', (o) => (inUnit(o.valueQuantity, 'kg') ?? -Infinity) > 80) },
  { query: `Observation?value-quantity=lt9|${UCUM}|kPa`, matches: where('Observation', (o) => (inUnit(o.valueQuantity, 'kPa') ?? Infinity) < 9) },
  { query: 'Encounter?length=gt100', matches: where('Encounter', (e) => e.length?.value > 100) },

  // ---- composite --------------------------------------------------------------------------------
  { query: `Observation?code-value-quantity=${LOINC}|8867-4$gt40`, matches: where('Observation', (o) => hasCode(o.code, LOINC, '8867-4') && o.valueQuantity?.value > 40) },
  {
    query: `Observation?component-code-value-quantity=${LOINC}|8480-6$gt100`,
    matches: where('Observation', (o) => arr(o.component).some((c: Json) => hasCode(c.code, LOINC, '8480-6') && c.valueQuantity?.value > 100)),
  },

  // ---- uri --------------------------------------------------------------------------------------
  { query: 'Questionnaire?url=http://hl7.org/fhir/Questionnaire/bb', matches: where('Questionnaire', (q) => q.url === 'http://hl7.org/fhir/Questionnaire/bb') },
  { query: 'Questionnaire?url:below=http://hl7.org/fhir/Questionnaire', matches: where('Questionnaire', (q) => String(q.url ?? '').startsWith('http://hl7.org/fhir/Questionnaire/')) },

  // ---- _id, _lastUpdated (the server stamps meta.lastUpdated at write time, so: now) -----------------
  { query: 'Patient?_id=example,f001,does-not-exist', matches: where('Patient', (p) => p.id === 'example' || p.id === 'f001') },
  { query: 'Patient?_lastUpdated=gt2000', matches: where('Patient', () => true) },
  { query: 'Patient?_lastUpdated=lt2000', matches: () => [], empty: true },

  // ---- _include / _revinclude ---------------------------------------------------------------------
  {
    query: 'MedicationRequest?_id=medrx002&_include=MedicationRequest:medication',
    matches: where('MedicationRequest', (m) => m.id === 'medrx002'),
    included: (ex) => referenced(ex, byId(ex, 'MedicationRequest', ['medrx002']), (m) => [m.medicationReference]),
  },
  {
    query: 'MedicationRequest?_id=medrx0301,medrx0302&_include=MedicationRequest:patient&_include:iterate=Patient:organization',
    matches: where('MedicationRequest', (m) => ['medrx0301', 'medrx0302'].includes(m.id)),
    included: (ex) => {
      const patients = referenced(ex, byId(ex, 'MedicationRequest', ['medrx0301', 'medrx0302']), (m) => [m.subject]);
      return [...patients, ...referenced(ex, patients.map((p) => ex.get(p)!), (p) => [p.managingOrganization])];
    },
  },
  {
    query: `Observation?code=${LOINC}|15074-8&_include=Observation:performer`,
    matches: where('Observation', (o) => hasCode(o.code, LOINC, '15074-8')),
    included: (ex) => referenced(ex, ex.of('Observation').filter((o) => hasCode(o.code, LOINC, '15074-8')), (o) => arr(o.performer)),
  },
  {
    query: 'Patient?_id=f001&_revinclude=Condition:subject&_revinclude=Encounter:subject',
    matches: where('Patient', (p) => p.id === 'f001'),
    included: (ex) => ids([...ex.of('Condition'), ...ex.of('Encounter')].filter((r) => ref(r.subject) === 'Patient/f001')),
  },

  // ---- _has and chains ----------------------------------------------------------------------------
  {
    query: `Patient?_has:Observation:patient:code=${LOINC}|8867-4`,
    matches: (ex) => referenced(ex, ex.of('Observation').filter((o) => hasCode(o.code, LOINC, '8867-4') && ref(o.subject)?.startsWith('Patient/')), (o) => [o.subject]),
  },
  {
    query: 'Patient?_has:Condition:subject:clinical-status=resolved',
    matches: (ex) => referenced(ex, ex.of('Condition').filter((c) => hasCode(c.clinicalStatus, undefined, 'resolved') && ref(c.subject)?.startsWith('Patient/')), (c) => [c.subject]),
  },
  { query: 'Observation?subject:Patient.family=chalmers', matches: (ex) => obsOfPatient(ex, (p) => startsWith(arr(p.name).map((n: Json) => n.family), 'chalmers')) },
  {
    query: 'Condition?patient.birthdate=lt1950',
    matches: (ex) =>
      ids(ex.of('Condition').filter((c) => ref(c.subject)?.startsWith('Patient/') && (ex.get(ref(c.subject))?.birthDate ?? '9999') < '1950')),
  },
  {
    query: 'Observation?patient.organization.name=burgers',
    matches: (ex) => obsOfPatient(ex, (p) => startsWith([ex.get(ref(p.managingOrganization))?.name, ...arr(ex.get(ref(p.managingOrganization))?.alias)], 'burgers')),
  },

  // ---- system search with _type -------------------------------------------------------------------
  { query: '?_type=Patient,Practitioner&_id=example', matches: (ex) => ids([...ex.of('Patient'), ...ex.of('Practitioner')].filter((r) => r.id === 'example')) },
];
