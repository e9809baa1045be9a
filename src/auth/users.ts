/**
 * People who log in at the authorization server's login page: a username, a scrypt password hash
 * (password.ts) and the FHIR resource that represents them (fhirUser: Patient/ID, Practitioner/ID,
 * PractitionerRole/ID, RelatedPerson/ID or Person/ID, SMART App Launch "fhirUser"). Kept in the
 * database so every server process knows them.
 */
import type { AuthRecords } from '../store/auth-records.js';

const KIND = 'user';
const FHIR_USER = /^(Patient|Practitioner|PractitionerRole|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64}$/;
const USERNAME = /^[\p{L}\p{N}._@-]{1,128}$/u;

/** Roles a user may hold. `auditor`: may be granted scopes on AuditEvent (the audit trail); no one else is. */
export const ROLES = ['auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  username: string;
  passwordHash: string;
  fhirUser: string;
  roles?: Role[];
}

/** Why a user cannot be registered, or undefined. */
export function userProblem(user: User): string | undefined {
  if (!USERNAME.test(user.username)) return 'username: 1 to 128 letters, digits or . _ @ -';
  if (!FHIR_USER.test(user.fhirUser)) return 'fhirUser: Patient/ID, Practitioner/ID, PractitionerRole/ID, RelatedPerson/ID or Person/ID';
  if (!user.passwordHash.startsWith('scrypt$')) return 'passwordHash: a scrypt hash (auth/password.ts)';
  const unknown = (user.roles ?? []).find((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown !== undefined) return `roles: '${unknown}' is not a role (roles: ${ROLES.join(', ')})`;
  return undefined;
}

export class Users {
  constructor(private readonly records: AuthRecords) {}

  /** Creates or replaces a user; throws a plain Error naming the problem (callers: CLI, admin API). */
  async put(user: User): Promise<void> {
    const problem = userProblem(user);
    if (problem) throw new RangeError(problem);
    await this.records.put(KIND, user.username, JSON.stringify(user));
  }

  async get(username: string): Promise<User | undefined> {
    const value = await this.records.get(KIND, username);
    return value === undefined ? undefined : (JSON.parse(value) as User);
  }

  async remove(username: string): Promise<boolean> {
    return this.records.delete(KIND, username);
  }

  /** Usernames, fhirUsers and roles, never hashes (administration listings). */
  async list(): Promise<{ username: string; fhirUser: string; roles?: Role[] }[]> {
    return (await this.records.list(KIND)).map((r) => {
      const u = JSON.parse(r.value) as User;
      return { username: u.username, fhirUser: u.fhirUser, ...(u.roles?.length ? { roles: u.roles } : {}) };
    });
  }
}

/** Whether a scope string names AuditEvent (e.g. user/AuditEvent.rs): granted to auditors only. */
export function namesAuditEvent(scope: string): boolean {
  return /^(patient|user|system)\/AuditEvent\./.test(scope);
}
