/**
 * What a scope means in words, for the consent page: a user asked to allow `patient/Observation.rs`
 * deserves "Read and search observations of the patient" instead.
 */
import { parseScope, type Interaction, type Scope } from '../scopes.js';

const NAMED: Record<string, string> = {
  openid: 'Confirm your identity to the app',
  fhirUser: 'Tell the app which record represents you',
  profile: 'Tell the app which record represents you',
  launch: 'Receive the context the EHR opened it in (patient, encounter)',
  'launch/patient': 'Know which patient was chosen',
  'launch/encounter': 'Know which encounter was chosen',
  offline_access: 'Keep access after you sign out, until the access is revoked',
  online_access: 'Keep access while you stay signed in',
};

const VERBS: Record<Interaction, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

const WHOSE = { patient: 'of the chosen patient', user: 'that you may access', system: 'on the whole server' } as const;

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export function describeScope(token: string): string {
  const scope: Scope | { message: string } = parseScope(token);
  if (!('kind' in scope)) return token;
  if (scope.kind === 'named') return NAMED[scope.name] ?? token;
  const verbs = list(scope.interactions.map((i) => VERBS[i]));
  const what = scope.type === '*' ? 'all kinds of records' : `${scope.type} records`;
  const where = scope.restriction.length === 0 ? '' : ` where ${scope.restriction.map(([p, v]) => `${p} is ${v}`).join(' and ')}`;
  return `${verbs[0]!.toUpperCase()}${verbs.slice(1)} ${what} ${WHOSE[scope.level]}${where}`;
}
