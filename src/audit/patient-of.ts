/**
 * The patient a resource is about, for the AuditEvent's patient entity (BALP: "the Patient the data is
 * about"). Why not the search indexer: running every patient-compartment expression over every resource
 * read would cost more than the read; the compartment's reference parameters are, in the great majority,
 * top-level elements of the same name (subject, patient, beneficiary...), which are checked here.
 */
import { compartmentMembership } from '../search/compartment.js';

const PATIENT_REF = /^(?:.*\/)?(Patient\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const FALLBACK = ['subject', 'patient'];

export function patientOf(type: string, id: string | undefined, resource: string | object | undefined): string | undefined {
  if (type === 'Patient') return id && `Patient/${id}`;
  if (resource === undefined) return undefined;
  const members = compartmentMembership('Patient');
  const params = members.get(type);
  if (!params) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = (typeof resource === 'string' ? JSON.parse(resource) : resource) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const name of [...params, ...FALLBACK]) {
    const found = patientIn(parsed[name]);
    if (found) return found;
  }
  return undefined;
}

function patientIn(value: unknown): string | undefined {
  for (const item of Array.isArray(value) ? value : [value]) {
    const ref = (item as { reference?: unknown } | undefined)?.reference;
    if (typeof ref === 'string') {
      const m = PATIENT_REF.exec(ref);
      if (m) return m[1];
    }
  }
  return undefined;
}
