/**
 * Native evaluations of invariants that Synthea (and most clinical content) hits on every resource of
 * a type and that fhirpath.js makes expensive (20-60 µs each: it wraps the whole resource, and
 * `%resource`, in its node model): the status rules of Condition (con-3/4/5) and AllergyIntolerance
 * (ait-1/2), Organization's org-1/2/3 and Timing's tim-4/5/9.
 *
 * Each is keyed by its exact 4.0.1 expression and handles only well-formed JSON (the shapes the
 * schema allows: objects where FHIR has complex types, strings for codes). For anything else it
 * returns `undefined`, and the caller evaluates the expression with fhirpath.js, so odd content keeps
 * exactly the outcome fhirpath.js gives it. test/validation/native-status.test.ts checks each against
 * fhirpath.js on generated content.
 */
type Obj = Record<string, unknown>;
/** true/false: the invariant holds or not; undefined: not decided here, ask fhirpath.js. */
export type MaybeNative = (focus: Obj) => boolean | undefined;

const UNDECIDED = 2;
type Tri = boolean | typeof UNDECIDED;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether an optional complex singleton (`clinicalStatus`) exists: absent → false, an object → true,
 * anything else (null, arrays, primitives) → undecided.
 */
function complexExists(v: unknown): Tri {
  if (v === undefined) return false;
  return isObj(v) ? true : UNDECIDED;
}

/**
 * FHIRPath `cc.coding.where(system = S and code in CODES).exists()` on a CodeableConcept in JSON:
 * `=` on an absent (or extension-only) system or code is empty, which `where` treats as false.
 */
function hasCoding(cc: unknown, system: string, codes: readonly string[]): Tri {
  if (cc === undefined) return false;
  if (!isObj(cc)) return UNDECIDED;
  const list = cc.coding;
  if (list === undefined) return false;
  if (!Array.isArray(list)) return UNDECIDED;
  let found = false;
  for (const c of list) {
    if (!isObj(c)) return UNDECIDED;
    const s = c.system;
    const k = c.code;
    if ((s !== undefined && typeof s !== 'string') || (k !== undefined && typeof k !== 'string')) return UNDECIDED;
    if (s === system && typeof k === 'string' && codes.includes(k)) found = true;
  }
  return found;
}

/**
 * A choice element (`abatement[x]`) exists: some `abatementXxx` / `_abatementXxx` key of one of its
 * types with a non-null value. A variant of another type (invalid) is left to fhirpath.js.
 */
function choiceExists(focus: Obj, stem: string, types: readonly string[]): Tri {
  let found: Tri = false;
  for (const k in focus) {
    const s = k.charCodeAt(0) === 95 ? k.slice(1) : k;
    if (s.length <= stem.length || !s.startsWith(stem)) continue;
    const c = s.charCodeAt(stem.length);
    if (c < 65 || c > 90) continue;
    if (!types.includes(s.slice(stem.length)) || focus[k] === null || Array.isArray(focus[k])) return UNDECIDED;
    found = true;
  }
  return found;
}

/** `a or b or ...` over three-valued terms: true wins, else undecided taints, else false. */
function or(...terms: (() => Tri)[]): boolean | undefined {
  let undecided = false;
  for (const t of terms) {
    const r = t();
    if (r === true) return true;
    if (r === UNDECIDED) undecided = true;
  }
  return undecided ? undefined : false;
}
const not = (t: Tri): Tri => (t === UNDECIDED ? t : !t);

const CONDITION_VER = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const ALLERGY_VER = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const ERROR = ['entered-in-error'] as const;
const RESOLVED = ['resolved', 'remission', 'inactive'] as const;
const ABATEMENT = ['DateTime', 'Age', 'Period', 'Range', 'String'] as const;

/** A 0..1 decimal compared `>= 0` when present (tim-4, tim-5); only the passing case is native. */
const nonNegative = (name: string): MaybeNative => (f) => {
  const v = f[name];
  if (v === undefined && f['_' + name] === undefined) return true;
  // negatives go to fhirpath.js too: it compares decimals with its own precision rules
  return typeof v === 'number' && v >= 0 ? true : undefined;
};

/** `where(use = 'home').empty()` on an Address or ContactPoint (org-2, org-3). */
const notHome: MaybeNative = (f) => (f.use === undefined || typeof f.use === 'string' ? f.use !== 'home' : undefined);

export const NATIVE_STATUS: Record<string, MaybeNative> = {
  // con-3 (warning). `category.select($this='problem-list-item')` compares CodeableConcepts with a
  // string, which is false (not empty) for each, so the term is true only when category is absent.
  "clinicalStatus.exists() or verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code = 'entered-in-error').exists() or category.select($this='problem-list-item').empty()":
    (f) =>
      or(
        () => complexExists(f.clinicalStatus),
        () => hasCoding(f.verificationStatus, CONDITION_VER, ERROR),
        () => (f.category === undefined ? true : Array.isArray(f.category) && f.category.length > 0 && f.category.every(isObj) ? false : UNDECIDED),
      ),
  // con-4
  "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()":
    (f) => or(() => not(choiceExists(f, 'abatement', ABATEMENT)), () => hasCoding(f.clinicalStatus, CONDITION_CLINICAL, RESOLVED)),
  // con-5
  "verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code='entered-in-error').empty() or clinicalStatus.empty()":
    (f) => or(() => not(hasCoding(f.verificationStatus, CONDITION_VER, ERROR)), () => not(complexExists(f.clinicalStatus))),
  // ait-1
  "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').exists() or clinicalStatus.exists()":
    (f) => or(() => hasCoding(f.verificationStatus, ALLERGY_VER, ERROR), () => complexExists(f.clinicalStatus)),
  // ait-2
  "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').empty() or clinicalStatus.empty()":
    (f) => or(() => not(hasCoding(f.verificationStatus, ALLERGY_VER, ERROR)), () => not(complexExists(f.clinicalStatus))),
  // org-1: an identifier or a name (a name with only extensions counts, as in fhirpath.js)
  '(identifier.count() + name.count()) > 0': (f) => {
    const id = f.identifier;
    if (id !== undefined && !(Array.isArray(id) && id.every(isObj))) return undefined;
    if (id !== undefined && id.length > 0) return true;
    if (typeof f.name === 'string') return true;
    return f.name === undefined && f._name === undefined ? false : undefined;
  },
  "where(use = 'home').empty()": notHome,
  'duration.exists() implies duration >= 0': nonNegative('duration'),
  'period.exists() implies period >= 0': nonNegative('period'),
  // tim-9: only the common case (no offset) natively
  "offset.empty() or (when.exists() and ((when in ('C' | 'CM' | 'CD' | 'CV')).not()))": (f) =>
    f.offset === undefined && f._offset === undefined ? true : undefined,
};
