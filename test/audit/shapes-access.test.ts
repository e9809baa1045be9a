/**
 * BALP shapes of the AuditEvents (type, subtype, action, outcome, agents with client id, peer address,
 * user and the token's jti, source, entities for data, patient, query and X-Request-Id), who may read
 * them (only scopes naming AuditEvent), that reading them is itself audited, and search by the standard
 * AuditEvent parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';
import { FHIR_JSON, patient } from '../helpers/server.js';
import { allAuditEvents, auditEventsFor, requestIdOf, type AuditEventJson } from './helpers.js';

const USER = { fhirUser: 'Practitioner/doc-1', clientId: 'ward-app' };

describe('BALP AuditEvents and access to them', () => {
  let s: SecuredServer;
  let token: string;
  let jti: string;
  let patientId: string;
  const call = async (method: string, path: string, requestId: string, body?: unknown, bearer = token) => {
    const res = await fetch(`${s.server.fhirBase}/${path}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, 'X-Request-Id': requestId, ...(body === undefined ? {} : { 'Content-Type': FHIR_JSON }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json().catch(() => undefined)) as AuditEventJson };
  };
  const oneFor = async (requestId: string) => {
    const events = (await auditEventsFor(s.server.store, requestId)).filter((e) => requestIdOf(e) === requestId);
    expect(events).toHaveLength(1);
    return events[0];
  };

  beforeAll(async () => {
    s = await startSecuredServer();
    token = await s.token('user/*.cruds', USER);
    jti = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti;
    patientId = (await call('POST', 'Patient', 'shape-create', patient('Shape'))).json.id;
    await call('POST', 'Observation', 'shape-obs', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'pulse' },
      subject: { reference: `Patient/${patientId}` },
    });
  });
  afterAll(() => s.close());

  it('records a create per BALP: rest/create, C, agents, data, patient and request id', async () => {
    const e = await oneFor('shape-create');
    expect(e.type).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' });
    expect(e.subtype).toEqual([{ system: 'http://hl7.org/fhir/restful-interaction', code: 'create' }]);
    expect(e).toMatchObject({ action: 'C', outcome: '0' });
    expect(Date.parse(e.recorded)).toBeGreaterThan(Date.now() - 60_000);
    const client = e.agent.find((a: AuditEventJson) => a.type.coding[0].code === '110153');
    expect(client).toMatchObject({ who: { identifier: { value: 'ward-app' } }, requestor: false, network: { address: expect.stringMatching(/127\.0\.0\.1/), type: '2' } });
    expect(e.agent.find((a: AuditEventJson) => a.type.coding[0].code === '110152')).toMatchObject({ requestor: false });
    const user = e.agent.find((a: AuditEventJson) => a.requestor === true);
    expect(user).toMatchObject({ who: { reference: 'Practitioner/doc-1' }, policy: [jti] });
    expect(user.type.coding.map((c: AuditEventJson) => c.code)).toEqual(['IRCP', 'UserOauthAgent']);
    expect(e.source.observer.identifier.value).toBe(s.server.fhirBase);
    const roles = e.entity.map((x: AuditEventJson) => x.role?.code ?? x.type.code);
    expect(roles).toEqual(['4', '1', 'XrequestId']);
    expect(e.entity[0].what.reference).toBe(`Patient/${patientId}/_history/1`);
    expect(e.entity[1].what.reference).toBe(`Patient/${patientId}`);
  });

  it('records reads (R), searches (E, with the query) and the patient they are about', async () => {
    const obs = await call('GET', `Observation?patient=${patientId}`, 'shape-search');
    const obsId = obs.json.entry[0].resource.id;
    await call('GET', `Observation/${obsId}`, 'shape-read');
    const read = await oneFor('shape-read');
    expect(read).toMatchObject({ action: 'R', subtype: [{ code: 'read' }] });
    expect(read.entity[0].what.reference).toBe(`Observation/${obsId}/_history/1`);
    expect(read.entity[1]).toMatchObject({ what: { reference: `Patient/${patientId}` }, role: { code: '1' } });
    const search = await oneFor('shape-search');
    expect(search).toMatchObject({ action: 'E', subtype: [{ code: 'search-type' }] });
    const query = search.entity.find((x: AuditEventJson) => x.role?.code === '24');
    expect(Buffer.from(query.query, 'base64').toString()).toBe(`GET Observation?patient=${patientId}`);
    expect(search.entity.find((x: AuditEventJson) => x.role?.code === '1').what.reference).toBe(`Patient/${patientId}`);
  });

  it('records a refused request as a failure, with the OperationOutcome text', async () => {
    const narrow = await s.token('user/Observation.rs', USER);
    expect((await call('GET', `Patient/${patientId}`, 'shape-forbidden', undefined, narrow)).status).toBe(403);
    expect((await call('GET', `Patient/${patientId}`, 'shape-no-token', undefined, 'not-a-token')).status).toBe(401);
    const forbidden = await oneFor('shape-forbidden');
    expect(forbidden).toMatchObject({ outcome: '4', subtype: [{ code: 'read' }] });
    expect(forbidden.outcomeDesc).toMatch(/does not allow read of Patient/);
    expect((await oneFor('shape-no-token')).outcome).toBe('4');
  });

  it('keeps AuditEvents from wildcard scopes; system/AuditEvent.rs reads them, and that reading is audited', async () => {
    const admin = await s.token('system/*.*', { clientId: 'admin' });
    expect((await call('GET', 'AuditEvent', 'access-wild', undefined, admin)).status).toBe(403);
    const anyId = (await allAuditEvents(s.server.store))[0].id;
    expect((await call('GET', `AuditEvent/${anyId}`, 'access-wild-read', undefined, admin)).status).toBe(403);
    expect((await call('GET', 'AuditEvent', 'access-user-wild')).status).toBe(403);
    // System history is everything but the audit trail, so a wildcard may still read it.
    const everything = await call('GET', '_history?_count=1000', 'access-history', undefined, admin);
    expect(everything.status).toBe(200);
    expect(everything.json.entry.some((x: AuditEventJson) => x.resource?.resourceType === 'AuditEvent')).toBe(false);
    const auditor = await s.token('system/AuditEvent.rs', { clientId: 'siem' });
    const found = await call('GET', 'AuditEvent?_count=5', 'access-auditor', undefined, auditor);
    expect(found.status).toBe(200);
    expect(found.json.entry.length).toBeGreaterThan(0);
    expect((await call('GET', `AuditEvent/${anyId}`, 'access-auditor-read', undefined, auditor)).status).toBe(200);
    const audited = await oneFor('access-auditor');
    expect(audited).toMatchObject({ subtype: [{ code: 'search-type' }], outcome: '0' });
    expect(Buffer.from(audited.entity.find((x: AuditEventJson) => x.role?.code === '24').query, 'base64').toString()).toMatch(/^GET AuditEvent/);
    expect((await oneFor('access-wild')).outcome).toBe('4');
  });

  it('searches AuditEvents by date, patient, agent, entity, type, subtype, action, outcome and source', async () => {
    const auditor = await s.token('system/AuditEvent.rs', { clientId: 'siem' });
    await call('GET', `Patient/${patientId}`, 'search-seed');
    await auditEventsFor(s.server.store, 'search-seed');
    const ids = async (query: string) => {
      const res = await call('GET', `AuditEvent?${query}&_count=1000`, `q-${Math.random()}`, undefined, auditor);
      expect(res.status, `${query}: ${JSON.stringify(res.json).slice(0, 300)}`).toBe(200);
      return (res.json.entry ?? []).map((x: AuditEventJson) => x.resource as AuditEventJson);
    };
    const today = new Date().toISOString().slice(0, 10);
    expect((await ids(`date=ge${today}`)).length).toBeGreaterThan(3);
    expect(await ids('date=lt2000-01-01')).toHaveLength(0);
    const byPatient = await ids(`patient=Patient/${patientId}`);
    expect(byPatient.length).toBeGreaterThan(2);
    expect(byPatient.every((e: AuditEventJson) => JSON.stringify(e.entity).includes(`Patient/${patientId}`))).toBe(true);
    expect((await ids('agent=Practitioner/doc-1')).length).toBeGreaterThan(2);
    expect((await ids(`entity=Patient/${patientId}`)).length).toBeGreaterThan(2);
    expect((await ids('type=rest')).length).toBeGreaterThan(3);
    const creates = await ids('subtype=create');
    expect(creates.length).toBeGreaterThanOrEqual(2);
    expect(creates.every((e: AuditEventJson) => e.subtype[0].code === 'create')).toBe(true);
    expect((await ids('action=C')).length).toBe(creates.length);
    const failures = await ids('outcome=4');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.every((e: AuditEventJson) => e.outcome === '4')).toBe(true);
    expect((await ids(`source:identifier=${encodeURIComponent(s.server.fhirBase)}`)).length).toBeGreaterThan(3);
    expect(await ids('source:identifier=elsewhere')).toHaveLength(0);
  });

  it('never records an access token', async () => {
    const text = JSON.stringify(await allAuditEvents(s.server.store));
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
  });
});
