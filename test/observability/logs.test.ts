/**
 * No patient data in logs (issue 6 item 5): a server logging at trace level into memory gets patients
 * and Observations with distinctive names, identifiers, ids and values, then every interaction (errors
 * included) with those values in paths, queries, headers and bodies. None of them may appear anywhere
 * in the log, while each request has its JSON line (request id, interaction, status, duration).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '../../src/auth/access-token.js';
import { authUrls } from '../../src/auth/auth-server.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { safeError } from '../../src/observability/logger.js';

const PATIENT_ID = 'zqxPatientId7731';
const OBS_ID = 'zqxObsId5512';
const FAMILY = 'Quetzalbrook';
const GIVEN = 'Ysoldewyn';
const MRN_SYSTEM = 'urn:oid:9.9.9.4242';
const MRN = 'MRN-88442211-QX';
const PHONE = '+86-555-0199-7788';
const BIRTH = '1931-07-19';
const OBS_VALUE = '987.654';
const OBS_TEXT = 'Zyxomarker';
const NOTE = 'Vexillary remark';
/** Everything that must never reach the log. */
const SECRETS = [PATIENT_ID, OBS_ID, FAMILY, GIVEN, MRN_SYSTEM, MRN, '88442211', PHONE, BIRTH, OBS_VALUE, OBS_TEXT, NOTE, 'zqxMissing', 'zqxTx'];

const JSON_TYPE = 'application/fhir+json';
const patientResource = (id = PATIENT_ID, family = FAMILY) => ({
  resourceType: 'Patient',
  id,
  name: [{ family, given: [GIVEN] }],
  identifier: [{ system: MRN_SYSTEM, value: MRN }],
  telecom: [{ system: 'phone', value: PHONE }],
  birthDate: BIRTH,
});
const observation = (id?: string) => ({
  resourceType: 'Observation',
  ...(id ? { id } : {}),
  status: 'final',
  code: { text: OBS_TEXT },
  subject: { reference: `Patient/${PATIENT_ID}` },
  valueQuantity: { value: Number(OBS_VALUE), unit: 'mmol/L' },
  note: [{ text: NOTE }],
});

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  method?: string;
  interaction?: string;
  resourceType?: string;
  status?: number;
  durationMs?: number;
  clientId?: string;
}

describe('logs carry no patient data', () => {
  const chunks: string[] = [];
  let server: RunningServer;
  let keysDir: string;
  let admin: string;
  let narrow: string;
  const statuses = new Map<string, number>();

  /** One request with a request id of our own, so its log line can be found. */
  async function call(name: string, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('X-Request-Id', `logtest-${name}`);
    const token = init.token === undefined ? admin : init.token;
    if (token !== null) headers.set('Authorization', `Bearer ${token}`);
    if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', JSON_TYPE);
    const url = path.startsWith('/') ? `${server.url}${path}` : `${server.fhirBase}/${path}`;
    const res = await fetch(url, { ...init, headers });
    await res.arrayBuffer();
    statuses.set(name, res.status);
    return res;
  }
  const post = (name: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(name, path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  const put = (name: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(name, path, { method: 'PUT', body: JSON.stringify(body), headers });

  beforeAll(async () => {
    keysDir = mkdtempSync(join(tmpdir(), 'qiao-logs-'));
    const logger = pino({ level: 'trace' }, { write: (chunk: string) => void chunks.push(chunk) });
    server = await startServer({ port: 0, host: '127.0.0.1', db: 'sqlite::memory:', auth: 'smart', keysDir }, logger);
    const mint = async (scope: string) =>
      (
        await mintAccessToken(server.auth.server!.keys, {
          issuer: authUrls(server.fhirBase).issuer,
          audience: server.fhirBase,
          subject: 'log-test',
          clientId: 'log-test-client',
          scope,
          expiresIn: 600,
        })
      ).token;
    admin = await mint('system/*.*');
    narrow = await mint('system/Observation.rs');

    const mrn = encodeURIComponent(`${MRN_SYSTEM}|${MRN}`);
    // Load, and every write interaction.
    await put('update-create', `Patient/${PATIENT_ID}`, patientResource());
    await put('update-create-obs', `Observation/${OBS_ID}`, observation(OBS_ID));
    await post('create', 'Observation', observation());
    await put('update', `Patient/${PATIENT_ID}`, { ...patientResource(), gender: 'female' }, { 'If-Match': 'W/"1"' });
    await call('patch', `Patient/${PATIENT_ID}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'add', path: '/name/-', value: { family: `${FAMILY}-Alias`, given: [GIVEN] } }]),
    });
    await post('conditional-create', 'Patient', patientResource('ignored'), { 'If-None-Exist': `identifier=${MRN_SYSTEM}|${MRN}` });
    await put('conditional-update', `Patient?identifier=${mrn}`, { ...patientResource(), gender: 'other' });
    await put('precondition-failed', `Patient/${PATIENT_ID}`, patientResource(), { 'If-Match': 'W/"1"' });
    // Reads and searches, with the values in paths and queries.
    await call('read', `Patient/${PATIENT_ID}`);
    await call('vread', `Patient/${PATIENT_ID}/_history/1`);
    await call('search', `Patient?family=${FAMILY}&given=${GIVEN}&identifier=${mrn}&birthdate=${BIRTH}&phone=${encodeURIComponent(PHONE)}`);
    await call('search-obs', `Observation?subject=Patient/${PATIENT_ID}&value-quantity=${OBS_VALUE}&code:text=${OBS_TEXT}`);
    await call('search-chain', `Observation?subject:Patient.name=${FAMILY}&_include=Observation:subject`);
    await post('search-post', 'Patient/_search', `name=${FAMILY}&identifier=${mrn}`, { 'Content-Type': 'application/x-www-form-urlencoded' });
    await call('search-system', `?_type=Patient&_id=${PATIENT_ID}`);
    await call('compartment', `Patient/${PATIENT_ID}/Observation?code:text=${OBS_TEXT}`);
    await call('history-instance', `Patient/${PATIENT_ID}/_history`);
    await call('history-type', 'Patient/_history');
    await call('history-system', '_history');
    await call('everything', `Patient/${PATIENT_ID}/$everything`);
    await call('capabilities', 'metadata', { token: null });
    // Bundles.
    await post('batch', '', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: `Patient/${PATIENT_ID}` } },
        { request: { method: 'GET', url: `Patient?name=${FAMILY}` } },
        { request: { method: 'GET', url: 'Patient/zqxMissingInBatch' } },
        { resource: { resourceType: 'Patient', birthDate: `${FAMILY}-not-a-date` }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    await post('transaction', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:7f1f0c3e-0000-4000-8000-00000000a001', resource: patientResource('zqxTxIgnored', `${FAMILY}-Tx`), request: { method: 'POST', url: 'Patient' } },
        { resource: { ...observation(), subject: { reference: 'urn:uuid:7f1f0c3e-0000-4000-8000-00000000a001' } }, request: { method: 'POST', url: 'Observation' } },
      ],
    });
    await post('transaction-failed', '', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patientResource('zqxTxFailed'), request: { method: 'PUT', url: 'Patient/zqxTxFailed' } },
        { resource: { resourceType: 'Patient', gender: `${FAMILY}-gender` }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    // Errors that could echo input.
    await post('validate-invalid', 'Patient/$validate', { resourceType: 'Patient', id: PATIENT_ID, gender: `${FAMILY}-gender`, birthDate: `${BIRTH}-${GIVEN}` });
    await post('create-invalid', 'Patient', { resourceType: 'Patient', birthDate: `${FAMILY}-not-a-date`, name: [{ family: FAMILY }] });
    await post('malformed-json', 'Patient', `{"resourceType":"Patient","name":[{"family":"${FAMILY}","given":["${GIVEN}"]`);
    await post('wrong-type', `Patient`, { resourceType: 'Observation', id: OBS_ID, code: { text: OBS_TEXT } });
    await call('bad-search-value', `Patient?birthdate=${FAMILY}`);
    await call('strict-unknown-param', `Patient?${GIVEN}=${FAMILY}`, { headers: { Prefer: 'handling=strict' } });
    await call('not-found', 'Patient/zqxMissingPatient');
    await call('unknown-type', `${FAMILY}/${PATIENT_ID}`);
    await call('unknown-operation', `Patient/${PATIENT_ID}/$${GIVEN}`, { method: 'POST' });
    await call('outside-fhir', `/${FAMILY}/${PATIENT_ID}?mrn=${MRN}`);
    await call('unauthenticated', `Patient/${PATIENT_ID}?name=${FAMILY}`, { token: null });
    await call('bad-token', `Patient/${PATIENT_ID}`, { token: `${FAMILY}.${GIVEN}.${MRN}` });
    await call('forbidden', `Patient/${PATIENT_ID}`, { token: narrow });
    await post('token-error', '/auth/token', `grant_type=password&username=${FAMILY}&password=${MRN}`, { 'Content-Type': 'application/x-www-form-urlencoded' });
    // Deletes, then reads of the deleted.
    await call('delete', `Observation/${OBS_ID}`, { method: 'DELETE' });
    await call('conditional-delete', `Patient?identifier=${mrn}&family=${FAMILY}-Tx`, { method: 'DELETE' });
    await call('delete-patient', `Patient/${PATIENT_ID}`, { method: 'DELETE' });
    await call('read-deleted', `Patient/${PATIENT_ID}`);
    await call('readyz', '/readyz', { token: null });
    await call('metrics', '/metrics', { token: null });
    // Whatever an observer logs after answering has been written by now.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterAll(async () => {
    await server.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const lines = () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
  const lineOf = (name: string) => lines().find((l) => l.msg === 'request' && l.requestId === `logtest-${name}`);

  it('exercised every interaction, errors included', () => {
    const expected: Record<string, number> = {
      'update-create': 201,
      create: 201,
      update: 200,
      patch: 200,
      'conditional-create': 200,
      'precondition-failed': 412,
      read: 200,
      vread: 200,
      search: 200,
      'search-post': 200,
      'history-instance': 200,
      everything: 200,
      batch: 200,
      transaction: 200,
      'validate-invalid': 200,
      'malformed-json': 400,
      'bad-search-value': 400,
      'not-found': 404,
      'unknown-type': 404,
      'outside-fhir': 404,
      unauthenticated: 401,
      'bad-token': 401,
      forbidden: 403,
      delete: 200,
      'conditional-delete': 200,
      'delete-patient': 200,
      'read-deleted': 410,
    };
    for (const [name, status] of Object.entries(expected)) expect([name, statuses.get(name)]).toEqual([name, status]);
    expect(statuses.get('create-invalid')).toBeGreaterThanOrEqual(400);
    expect(statuses.get('transaction-failed')).toBeGreaterThanOrEqual(400);
    expect(statuses.get('token-error')).toBe(400);
  });

  it('never contains the patients’ names, identifiers, ids or values', () => {
    const log = chunks.join('');
    expect(log.length).toBeGreaterThan(1000);
    for (const secret of SECRETS) expect(log.toLowerCase(), `the log contains '${secret}'`).not.toContain(secret.toLowerCase());
    // Nor any part of a URL's query, or a token.
    expect(log).not.toMatch(/[?&](name|identifier|family)=/);
    expect(log).not.toContain(admin.slice(0, 40));
  });

  it('has one JSON line per FHIR request: request id, method, interaction, type, status, duration, client', () => {
    expect(lineOf('read')).toMatchObject({ method: 'GET', interaction: 'read', resourceType: 'Patient', status: 200, clientId: 'log-test-client' });
    expect(lineOf('read')!.durationMs).toBeGreaterThan(0);
    const interactions: Record<string, string> = {
      vread: 'vread',
      search: 'search-type',
      'search-system': 'search-system',
      'history-instance': 'history-instance',
      'history-type': 'history-type',
      'history-system': 'history-system',
      create: 'create',
      update: 'update',
      patch: 'patch',
      delete: 'delete',
      batch: 'batch',
      transaction: 'transaction',
      everything: 'operation',
      capabilities: 'capabilities',
      // A body that does not parse leaves the request unclassified.
      'malformed-json': 'unknown',
    };
    for (const [name, interaction] of Object.entries(interactions)) {
      const line = lineOf(name);
      expect(line, name).toMatchObject({ interaction, status: statuses.get(name) });
      expect(typeof line!.durationMs).toBe('number');
    }
    expect(lineOf('unauthenticated')).toMatchObject({ interaction: 'read', status: 401 });
    expect(lineOf('unauthenticated')!.clientId).toBeUndefined();
    expect(lineOf('forbidden')).toMatchObject({ status: 403, clientId: 'log-test-client' });
    // A path segment that is no resource type is not logged as one.
    expect(lineOf('unknown-type')).toMatchObject({ status: 404, resourceType: 'other' });
  });

  it('reduces a logged error to its kind, code, frames and a message with quoted values blanked', () => {
    let thrown: unknown;
    try {
      JSON.parse(`{"family":"${FAMILY}", "mrn": ${MRN}`);
    } catch (err) {
      thrown = err;
    }
    const pgLike = Object.assign(new Error(`duplicate key value violates unique constraint "resource_pkey" Key (id)=(${PATIENT_ID})`), { code: '23505' });
    const pgValue = new Error(`invalid input syntax for type integer: "${MRN}"`);
    for (const err of [thrown, pgLike, pgValue, { name: 'Error', message: `'${GIVEN}' is not valid`, stack: `Error: '${GIVEN}' is not valid\n    at f (x.js:1:1)` }]) {
      const out = JSON.stringify(safeError(err));
      for (const secret of SECRETS) expect(out).not.toContain(secret);
    }
    expect(safeError(pgLike)).toMatchObject({ type: 'Error', code: '23505', message: expect.stringContaining('duplicate key value violates unique constraint') });
    expect((safeError(pgValue) as { stack: string }).stack).toMatch(/^at /);
  });
});
