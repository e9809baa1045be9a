/**
 * The shared fixture of the access-control suites: a secured server seeded (with a system/*.cruds
 * token) with two patients and their data, and a request helper that sends a token with the scopes asked for.
 *
 * Data: Patient p1 (launch patient) and p2; Practitioner pr1; Observations o1-lab (p1, laboratory,
 * performer pr1), o1-vital (p1, vital-signs), o2-lab (p2, laboratory); Condition c1 (p1), c2 (p2).
 */
import { expect } from 'vitest';
import { startSecuredServer, type SecuredServer } from '../../helpers/auth.js';
import { FHIR_JSON } from '../../helpers/server.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  status: number;
  body: Json;
}

export interface Fixture {
  secured: SecuredServer;
  /** A request with a token of `scope` (launch patient p1 unless `patient` says otherwise). */
  as(scope: string, patient?: string): Client;
  /** Everything, as an unrestricted system client: for seeding and for checking what was stored. */
  admin: Client;
  close(): Promise<void>;
}

export interface Client {
  get(path: string): Promise<Reply>;
  send(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<Reply>;
}

const LAB = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] };
const VITAL = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] };

export function observation(id: string | undefined, patient: string, category: 'laboratory' | 'vital-signs', extra: Json = {}): Json {
  return {
    resourceType: 'Observation',
    ...(id ? { id } : {}),
    status: 'final',
    category: [category === 'laboratory' ? LAB : VITAL],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patient}` },
    ...extra,
  };
}

export function condition(id: string | undefined, patient: string): Json {
  return { resourceType: 'Condition', ...(id ? { id } : {}), code: { text: 'x' }, subject: { reference: `Patient/${patient}` } };
}

/** Type/id of each entry of a Bundle, sorted; `mode` keeps only entries of that search mode. */
export function keys(bundle: Json, mode?: 'match' | 'include'): string[] {
  return (bundle.entry ?? [])
    .filter((e: Json) => mode === undefined || e.search?.mode === mode)
    .map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`)
    .sort();
}

export function expectForbidden(reply: Reply, mentions?: RegExp): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(403);
  expect(reply.body.resourceType).toBe('OperationOutcome');
  expect(reply.body.issue[0].code).toBe('forbidden');
  if (mentions) expect(reply.body.issue[0].diagnostics).toMatch(mentions);
}

export async function startFixture(): Promise<Fixture> {
  const secured = await startSecuredServer();
  const base = secured.server.fhirBase;
  const client = (scope: string, patient?: string): Client => {
    let token: Promise<string> | undefined;
    const call = async (method: string, path: string, body?: unknown, contentType = FHIR_JSON): Promise<Reply> => {
      token ??= secured.token(scope, patient === undefined ? {} : { patient });
      const headers: Record<string, string> = { Authorization: `Bearer ${await token}`, Accept: FHIR_JSON };
      if (body !== undefined) headers['Content-Type'] = contentType;
      const res = await fetch(`${base}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
    };
    return { get: (path) => call('GET', path), send: (method, path, body, contentType) => call(method, path, body, contentType) };
  };
  const admin = client('system/*.cruds');
  const put = async (r: Json) => {
    const reply = await admin.send('PUT', `${r.resourceType}/${r.id}`, r);
    expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(300);
  };
  await put({ resourceType: 'Patient', id: 'p1', name: [{ family: 'One' }] });
  await put({ resourceType: 'Patient', id: 'p2', name: [{ family: 'Two' }] });
  await put({ resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Doc' }] });
  await put(observation('o1-lab', 'p1', 'laboratory', { performer: [{ reference: 'Practitioner/pr1' }] }));
  await put(observation('o1-vital', 'p1', 'vital-signs'));
  await put(observation('o2-lab', 'p2', 'laboratory', { performer: [{ reference: 'Practitioner/pr1' }] }));
  await put(condition('c1', 'p1'));
  await put(condition('c2', 'p2'));
  return {
    secured,
    as: (scope, patient = 'p1') => client(scope, patient),
    admin,
    close: () => secured.close(),
  };
}
