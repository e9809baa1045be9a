/**
 * The code systems and codings of IHE Basic Audit Log Patterns (BALP, profiles.ihe.net/ITI/BALP) and
 * the FHIR R4 AuditEvent, in one place, so that every AuditEvent Qiao writes uses the same ones.
 */
import type { Coding } from './record.js';

export const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
export const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
export const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
export const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
export const BALP_ENTITY_TYPE = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType';
export const BALP_AGENT_TYPE = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/UserAgentTypes';
export const IHE_EVENT_TYPE = 'urn:ihe:event-type-code';
/** Qiao's own subtypes, for authorization events no IHE profile names (revocation, EHR launch) and operation names. */
export const QIAO_SUBTYPE = 'urn:qiao:audit-event-subtype';

/** Event types: a RESTful operation (BALP BasicAudit*), or a user authentication (DCM 110114; IUA ITI-71/102 and logins). */
export const REST: Coding = { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' };
export const USER_AUTHENTICATION: Coding = { system: DCM, code: '110114', display: 'User Authentication' };

/** Subtypes of authorization events. */
export const AUTH_SUBTYPES = {
  login: { system: DCM, code: '110122', display: 'Login' },
  token: { system: IHE_EVENT_TYPE, code: 'ITI-71', display: 'Get Access Token' },
  introspect: { system: IHE_EVENT_TYPE, code: 'ITI-102', display: 'Introspect Token' },
  revoke: { system: QIAO_SUBTYPE, code: 'token-revocation', display: 'Token revocation (RFC 7009)' },
  launch: { system: QIAO_SUBTYPE, code: 'ehr-launch', display: 'EHR launch context created' },
} as const satisfies Record<string, Coding>;

/** Agent types: BALP's client (DCM 110153 Source Role ID) and server (DCM 110152 Destination Role ID) of a RESTful request. */
export const CLIENT_AGENT: Coding = { system: DCM, code: '110153', display: 'Source Role ID' };
export const SERVER_AGENT: Coding = { system: DCM, code: '110152', display: 'Destination Role ID' };
/** IUA ITI-71's client (DCM 110150 Application) and authorization server. */
export const APPLICATION_AGENT: Coding = { system: DCM, code: '110150', display: 'Application' };
export const AUTH_SERVER_AGENT: Coding = { system: BALP_AGENT_TYPE, code: 'AuthzOauthService', display: 'OAuth Authorization Server' };
/** The user: information recipient; UserOauthAgent marks `policy` as the OAuth token's id (jti). */
export const USER_AGENT: Coding = { system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' };
export const OAUTH_USER_AGENT: Coding = { system: BALP_AGENT_TYPE, code: 'UserOauthAgent', display: 'User OAuth Agent participant' };

export const SYSTEM_OBJECT: Coding = { system: ENTITY_TYPE, code: '2', display: 'System Object' };
export const PERSON: Coding = { system: ENTITY_TYPE, code: '1', display: 'Person' };
export const DOMAIN_RESOURCE_ROLE: Coding = { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' };
export const PATIENT_ROLE: Coding = { system: OBJECT_ROLE, code: '1', display: 'Patient' };
export const QUERY_ROLE: Coding = { system: OBJECT_ROLE, code: '24', display: 'Query' };
export const REQUEST_ID: Coding = { system: BALP_ENTITY_TYPE, code: 'XrequestId', display: 'X-Request-Id' };
export const APPLICATION_SERVER: Coding = { system: SOURCE_TYPE, code: '4', display: 'Application Server' };

/** AuditEvent.action for each restful interaction (BALP: reads R, searches and operations E). */
export function actionOf(interaction: string): 'C' | 'R' | 'U' | 'D' | 'E' {
  switch (interaction) {
    case 'create':
      return 'C';
    case 'read':
    case 'vread':
    case 'history':
    case 'history-instance':
    case 'history-type':
    case 'history-system':
    case 'capabilities':
      return 'R';
    case 'update':
    case 'patch':
      return 'U';
    case 'delete':
      return 'D';
    default:
      return 'E';
  }
}

/** AuditEvent.outcome: 0 success, 4 minor failure (the client's: 4xx), 8 serious failure (the server's: 5xx). */
export function outcomeOf(status: number): '0' | '4' | '8' {
  return status < 400 ? '0' : status < 500 ? '4' : '8';
}
