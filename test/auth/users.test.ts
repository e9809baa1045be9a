/** Users of the login page, kept in the database. */
import { afterEach, describe, expect, it } from 'vitest';
import { userProblem, Users } from '../../src/auth/users.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';

const stores: ResourceStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const HASH = 'scrypt$32768$8$1$c2FsdA$aGFzaA';

describe('users', () => {
  it('are stored, read, listed without their hashes, and removed', async () => {
    const store = await openStore('sqlite::memory:');
    stores.push(store);
    const users = new Users(store.auth);
    await users.put({ username: 'dr.wang', passwordHash: HASH, fhirUser: 'Practitioner/wang' });
    await users.put({ username: 'li.na', passwordHash: HASH, fhirUser: 'Patient/p1' });
    expect(await users.get('dr.wang')).toEqual({ username: 'dr.wang', passwordHash: HASH, fhirUser: 'Practitioner/wang' });
    expect(await users.list()).toEqual([
      { username: 'dr.wang', fhirUser: 'Practitioner/wang' },
      { username: 'li.na', fhirUser: 'Patient/p1' },
    ]);
    expect(await users.remove('li.na')).toBe(true);
    expect(await users.get('li.na')).toBeUndefined();
  });

  it.each([
    [{ username: '', passwordHash: HASH, fhirUser: 'Patient/p1' }, /username/],
    [{ username: 'a b', passwordHash: HASH, fhirUser: 'Patient/p1' }, /username/],
    [{ username: 'ok', passwordHash: HASH, fhirUser: 'Observation/o1' }, /fhirUser/],
    [{ username: 'ok', passwordHash: HASH, fhirUser: 'Patient/' }, /fhirUser/],
    [{ username: 'ok', passwordHash: 'plaintext', fhirUser: 'Patient/p1' }, /scrypt/],
  ])('refuses %j', async (user, problem) => {
    expect(userProblem(user)).toMatch(problem);
    const store = await openStore('sqlite::memory:');
    stores.push(store);
    await expect(new Users(store.auth).put(user)).rejects.toThrow(problem);
    expect(await store.auth.list('user')).toEqual([]);
  });
});
