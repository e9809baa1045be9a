/**
 * Which patients a user may open an app for in a standalone launch with `launch/patient`, and the list the
 * patient picker shows. A patient logging in is their own context; a related person is the context of the
 * patient they relate to; a Person of the patients it links to; clinicians (Practitioner,
 * PractitionerRole) choose from every patient. Finer rules (care teams, consent) belong to the access
 * policy, not to this picker.
 */
import { parseSearch } from '../search/parse/parse-query.js';
import type { StoreReader } from '../store/store.js';

/** Patients a user may pick: exactly one (no picker), some ids, or any Patient on the server. */
export type PatientChoice = { kind: 'none' } | { kind: 'one'; id: string } | { kind: 'some'; ids: string[] } | { kind: 'any' };

export interface PatientSummary {
  id: string;
  name: string;
  birthDate?: string;
  gender?: string;
}

/** The picker shows this many matches; a longer list means the user should narrow the name. */
export const PICKER_LIMIT = 50;

interface HumanName {
  text?: string;
  family?: string;
  given?: string[];
  use?: string;
}

async function readJson(reader: StoreReader, type: string, id: string): Promise<Record<string, unknown> | undefined> {
  const v = await reader.read(type, id);
  return v && !v.deleted && v.json !== undefined ? (JSON.parse(v.json) as Record<string, unknown>) : undefined;
}

function patientId(reference: unknown): string | undefined {
  const m = typeof reference === 'string' ? /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference) : null;
  return m ? m[1] : undefined;
}

export async function patientChoice(fhirUser: string, reader: StoreReader): Promise<PatientChoice> {
  const [type, id] = fhirUser.split('/') as [string, string];
  switch (type) {
    case 'Patient':
      return { kind: 'one', id };
    case 'RelatedPerson': {
      const related = await readJson(reader, 'RelatedPerson', id);
      const patient = patientId((related?.patient as { reference?: string } | undefined)?.reference);
      return patient === undefined ? { kind: 'none' } : { kind: 'one', id: patient };
    }
    case 'Person': {
      const person = await readJson(reader, 'Person', id);
      const links = Array.isArray(person?.link) ? (person.link as { target?: { reference?: string } }[]) : [];
      const ids = [...new Set(links.map((l) => patientId(l.target?.reference)).filter((p): p is string => p !== undefined))];
      if (ids.length === 0) return { kind: 'none' };
      return ids.length === 1 ? { kind: 'one', id: ids[0]! } : { kind: 'some', ids };
    }
    case 'Practitioner':
    case 'PractitionerRole':
      return { kind: 'any' };
    default:
      return { kind: 'none' };
  }
}

/** Whether the picker may hand this patient to the app: one the user may choose, and one that exists. */
export async function mayChoose(choice: PatientChoice, id: string, reader: StoreReader): Promise<boolean> {
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) return false;
  if (choice.kind === 'none') return false;
  if (choice.kind === 'one' && choice.id !== id) return false;
  if (choice.kind === 'some' && !choice.ids.includes(id)) return false;
  return (await readJson(reader, 'Patient', id)) !== undefined;
}

export function displayName(patient: Record<string, unknown>): string {
  const names = Array.isArray(patient.name) ? (patient.name as HumanName[]) : [];
  const name = names.find((n) => n.use === 'official') ?? names.find((n) => n.use !== 'old') ?? names[0];
  if (!name) return '(no name)';
  if (name.text) return name.text;
  const given = (name.given ?? []).join(' ');
  return [name.family, given].filter((s) => s).join(', ') || '(no name)';
}

/**
 * Up to PICKER_LIMIT patients the user may choose whose name matches `name` (FHIR string search: prefix,
 * any part of the name, case- and accent-insensitive), sorted by the name shown.
 */
export async function listPatients(choice: PatientChoice, name: string, reader: StoreReader, baseUrl: string): Promise<PatientSummary[]> {
  if (choice.kind === 'none') return [];
  const query: [string, string][] = [['_count', String(PICKER_LIMIT)]];
  if (name.trim() !== '') query.push(['name', name.trim().slice(0, 200)]);
  if (choice.kind === 'one') query.push(['_id', choice.id]);
  if (choice.kind === 'some') query.push(['_id', choice.ids.join(',')]);
  let page;
  try {
    page = await reader.search({ query: parseSearch(['Patient'], query), baseUrl });
  } catch {
    // A name the search parser refuses matches nobody; the picker says so instead of failing.
    return [];
  }
  const out = page.matches.flatMap((m) => {
    if (m.json === undefined) return [];
    const p = JSON.parse(m.json) as Record<string, unknown>;
    const summary: PatientSummary = { id: m.id, name: displayName(p) };
    if (typeof p.birthDate === 'string') summary.birthDate = p.birthDate;
    if (typeof p.gender === 'string') summary.gender = p.gender;
    return [summary];
  });
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
