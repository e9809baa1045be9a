/**
 * Builds the FHIR R4 AuditEvent of an AuditRecord, following IHE BALP: BasicAudit Create/Read/Update/
 * Delete/Query for RESTful interactions (type rest, subtype the restful interaction), IUA ITI-71/ITI-102
 * for token requests and introspection, DCM 110114/110122 for logins. Agents: the client app (its
 * client_id and network address), the server, and the user (requestor, `who` = fhirUser, `policy` = the
 * token's jti, BALP UserOauthAgent). Entities: the data, the patient, the query (base64), the X-Request-Id.
 */
import type { Resource } from '../fhir/types.js';
import * as C from './codes.js';
import { patientOf } from './patient-of.js';
import type { AuditRecord, Coding } from './record.js';

type Json = Record<string, unknown>;

export function toAuditEvent(r: AuditRecord): Resource {
  return storable(build(r)) as Resource;
}

/**
 * Why: an AuditEvent quotes what the client sent (a path segment, an error text echoing a parameter), and
 * a NUL character in it is refused by PostgreSQL's jsonb, which would keep the whole batch from ever
 * being written. Control characters are replaced; everything else is kept as sent.
 */
// Built from code points: a regex literal of control characters is what no-control-regex forbids.
const CONTROL_CLASS = `[${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(11, 12)}${String.fromCharCode(14)}-${String.fromCharCode(31)}]`;
const HAS_CONTROL = new RegExp(CONTROL_CLASS);
const CONTROLS = new RegExp(CONTROL_CLASS, 'g');

/** Copies only what changes: almost every AuditEvent is already clean, and this runs for each one. */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return HAS_CONTROL.test(value) ? value.replace(CONTROLS, '\ufffd') : value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const clean = storable(v);
      if (clean !== v) (out ??= value.slice())[i] = clean;
    });
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const clean = storable(v);
      if (clean !== v) (out ??= { ...value })[k] = clean;
    }
    return out ?? value;
  }
  return value;
}

function build(r: AuditRecord): Resource {
  const rest = r.category === 'rest';
  const event: Resource = {
    resourceType: 'AuditEvent',
    type: rest ? C.REST : C.USER_AUTHENTICATION,
    subtype: subtypes(r),
    action: rest ? C.actionOf(r.interaction ?? '') : 'E',
    recorded: new Date(r.at).toISOString(),
    outcome: C.outcomeOf(r.status),
  };
  if (r.outcomeText) event.outcomeDesc = r.outcomeText.slice(0, 1000);
  event.agent = agents(r);
  event.source = { observer: serverReference(r.baseUrl), type: [C.APPLICATION_SERVER] };
  const entity = entities(r);
  if (entity.length) event.entity = entity;
  return event;
}

function subtypes(r: AuditRecord): Coding[] {
  if (r.category !== 'rest') return [C.AUTH_SUBTYPES[r.category]];
  const out: Coding[] = r.interaction ? [{ system: C.RESTFUL_INTERACTION, code: r.interaction }] : [];
  if (r.operation) out.push({ system: C.QIAO_SUBTYPE, code: r.operation, display: `$${r.operation}` });
  return out;
}

function serverReference(baseUrl: string): Json {
  return { identifier: { system: 'urn:ietf:rfc:3986', value: baseUrl || 'urn:qiao:server' }, display: 'Qiao FHIR server' };
}

function agents(r: AuditRecord): Json[] {
  const rest = r.category === 'rest';
  const who = r.who ?? {};
  // A user's token (fhirUser) has a user agent; a system token's subject is the client itself.
  const user = who.fhirUser ?? (who.subject !== undefined && who.subject !== who.clientId ? who.subject : undefined) ?? who.username;
  const policy = who.jti ? { policy: [who.jti] } : {};
  const client: Json = {
    type: { coding: [rest ? C.CLIENT_AGENT : C.APPLICATION_AGENT] },
    ...(who.clientId ? { who: { identifier: { value: who.clientId }, display: who.clientId } } : {}),
    requestor: user === undefined,
    ...(user === undefined ? policy : {}),
    ...(r.peer ? { network: { address: r.peer, type: '2' } } : {}),
  };
  const server: Json = { type: { coding: [rest ? C.SERVER_AGENT : C.AUTH_SERVER_AGENT] }, who: serverReference(r.baseUrl), requestor: false };
  const out = [client, server];
  if (user !== undefined) {
    const isReference = who.fhirUser !== undefined;
    out.push({
      type: { coding: who.jti ? [C.USER_AGENT, C.OAUTH_USER_AGENT] : [C.USER_AGENT] },
      who: isReference ? { reference: who.fhirUser } : { identifier: { value: user } },
      ...(who.subject !== undefined ? { altId: who.subject } : {}),
      requestor: true,
      ...policy,
    });
  }
  return out;
}

function entities(r: AuditRecord): Json[] {
  const out: Json[] = [];
  if (r.data) out.push({ what: { reference: r.data }, type: C.SYSTEM_OBJECT, role: C.DOMAIN_RESOURCE_ROLE });
  const [type, id] = r.data?.split('/') ?? [];
  const patient = r.patient ?? (type ? patientOf(type, id, r.resource) : undefined);
  if (patient) out.push({ what: { reference: patient }, type: C.PERSON, role: C.PATIENT_ROLE });
  if (r.query !== undefined) out.push({ type: C.SYSTEM_OBJECT, role: C.QUERY_ROLE, query: Buffer.from(r.query).toString('base64') });
  out.push({ what: { identifier: { value: r.requestId } }, type: C.REQUEST_ID });
  return out;
}
