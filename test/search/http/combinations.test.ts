/**
 * Combining parameters over HTTP (search.html#combining, #escaping, #chaining, #has): OR with
 * commas, AND by repetition, escaped `\,` `\$` `\|` `\\`, chains several links deep (with and
 * without a :Type), and reverse chains (_has), nested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { fhir, load, searchIds, type Case, type Json } from './helpers.js';

let server: RunningServer;

const code = (c: string): Json => ({ coding: [{ system: 'urn:codes', code: c }] });
const obs = (id: string, c: string, extra: Json = {}): Json => ({ resourceType: 'Observation', id, status: 'final', code: code(c), ...extra });
const ref = (reference: string) => ({ reference });
const AMB = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' };

beforeAll(async () => {
  server = await startTestServer();
  await load(server, [
    { resourceType: 'Organization', id: 'org1', name: 'Acme Clinic' },
    { resourceType: 'Organization', id: 'org2', name: 'Beta, Inc' },
    { resourceType: 'Practitioner', id: 'gp1', name: [{ family: 'Grey' }] },
    { resourceType: 'Practitioner', id: 'gp2', name: [{ family: 'House' }] },
    { resourceType: 'Practitioner', id: 'gp3', name: [{ family: 'Gone' }] },
    { resourceType: 'PractitionerRole', id: 'role1', practitioner: ref('Practitioner/gp1'), organization: ref('Organization/org1') },
    { resourceType: 'PractitionerRole', id: 'role2', practitioner: ref('Practitioner/gp2'), organization: ref('Organization/org2') },
    { resourceType: 'Patient', id: 'pc1', name: [{ family: 'Chen' }], generalPractitioner: [ref('PractitionerRole/role1')], managingOrganization: ref('Organization/org1') },
    { resourceType: 'Patient', id: 'pc2', name: [{ family: 'Dupont' }], generalPractitioner: [ref('PractitionerRole/role2')] },
    { resourceType: 'Patient', id: 'pc3', name: [{ family: 'Chen-Li' }], generalPractitioner: [ref('Practitioner/gp1')] },
    { resourceType: 'Patient', id: 'pc5', name: [{ family: 'Orphan' }], generalPractitioner: [ref('Practitioner/gp3')] },
    {
      resourceType: 'Patient',
      id: 'pc4',
      identifier: [
        { system: 'urn:x', value: 'a|b' },
        { system: 'urn:x', value: 'c$d' },
        { system: 'urn:x', value: 'e,f' },
        { system: 'urn:x', value: 'g\\h' },
      ],
    },
    obs('o1', 'A', { subject: ref('Patient/pc1') }),
    obs('o2', 'B', { subject: ref('Patient/pc2') }),
    obs('o3', 'A', { subject: ref('Patient/pc3') }),
    obs('o4', 'S', { valueString: 'x$y,z' }),
    { resourceType: 'Encounter', id: 'e1', status: 'finished', class: AMB, subject: ref('Patient/pc1') },
    { resourceType: 'Encounter', id: 'e2', status: 'finished', class: AMB, subject: ref('Patient/pc2') },
    obs('ox1', 'X', { encounter: ref('Encounter/e1') }),
    obs('ox2', 'Y', { encounter: ref('Encounter/e2') }),
  ]);
  // A deleted target no longer satisfies a chain.
  expect((await fhir(server, 'Practitioner/gp3', { method: 'DELETE' })).status).toBeLessThan(300);
});
afterAll(() => server.close());

describe('OR with commas, AND by repetition', () => {
  const cases: Case[] = [
    ['Patient?family=chen,dupont', ['pc1', 'pc2', 'pc3']],
    ['Patient?family=chen&family=chen-li', ['pc3']],
    ['Patient?family=chen&family=dupont', []],
    ['Observation?code=A,B&subject=Patient/pc1,Patient/pc2', ['o1', 'o2']],
    ['Observation?code=A&code=B', []],
    ['Patient?_id=pc1,pc2&family=dupont,orphan', ['pc2']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('escaping', () => {
  const cases: Case[] = [
    ['Organization?name=beta%5C,%20inc', ['org2']],
    ['Organization?name=beta%5C,', ['org2']],
    ['Organization?name=beta,acme', ['org1', 'org2']],
    ['Organization?name=beta,%20inc', ['org2']],
    ['Patient?identifier=urn:x|a%5C|b', ['pc4']],
    ['Patient?identifier=a%5C|b', ['pc4']],
    ['Patient?identifier=urn:x|c%5C$d', ['pc4']],
    ['Patient?identifier=urn:x|c$d', ['pc4']],
    ['Patient?identifier=urn:x|e%5C,f', ['pc4']],
    ['Patient?identifier=urn:x|e,f', []],
    ['Patient?identifier=urn:x|g%5C%5Ch', ['pc4']],
    ['Observation?code-value-string=urn:codes|S$x%5C$y%5C,z', ['o4']],
    ['Observation?code-value-string=S$x%5C$', ['o4']],
    ['Observation?value-string=x$y%5C,', ['o4']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('chains', () => {
  const cases: Case[] = [
    ['Observation?subject:Patient.name=chen', ['o1', 'o3']],
    ['Observation?subject.name=chen', ['o1', 'o3']],
    ['Observation?patient.family=dupont', ['o2']],
    ['Observation?subject:Patient.name=chen&code=A', ['o1', 'o3']],
    ['Observation?subject:Patient.name=chen,dupont&code=B', ['o2']],
    ['Patient?general-practitioner.organization.name=acme', ['pc1']],
    ['Patient?general-practitioner.organization.name=beta', ['pc2']],
    ['Patient?general-practitioner:PractitionerRole.practitioner.name=grey', ['pc1']],
    ['Patient?general-practitioner:Practitioner.name=grey', ['pc3']],
    ['Patient?general-practitioner.name=grey', ['pc3']],
    ['Patient?general-practitioner:Practitioner.name=gone', []],
    ['Patient?organization.name=acme', ['pc1']],
    ['Observation?subject:Patient.general-practitioner.organization.name=acme', ['o1']],
    ['Observation?subject:Patient.general-practitioner.organization=org2', ['o2']],
    ['Observation?encounter.subject:Patient.name=dupont', ['ox2']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});

describe('_has, nested', () => {
  const cases: Case[] = [
    ['Patient?_has:Observation:patient:code=A', ['pc1', 'pc3']],
    ['Patient?_has:Observation:subject:code=B', ['pc2']],
    ['Patient?_has:Observation:patient:code=A,B', ['pc1', 'pc2', 'pc3']],
    ['Patient?_has:Observation:patient:code=A&_has:Observation:patient:code=B', []],
    ['Patient?_has:Observation:patient:code=A&family=chen-li', ['pc3']],
    ['Patient?_has:Encounter:patient:_has:Observation:encounter:code=X', ['pc1']],
    ['Patient?_has:Encounter:patient:_has:Observation:encounter:code=X,Y', ['pc1', 'pc2']],
    ['Practitioner?_has:PractitionerRole:practitioner:organization=org1', ['gp1']],
    ['Practitioner?_has:PractitionerRole:practitioner:_has:Patient:general-practitioner:family=dupont', ['gp2']],
    ['Organization?_has:PractitionerRole:organization:practitioner.name=house', ['org2']],
  ];
  it.each(cases)('%s', async (query, expected) => {
    expect(await searchIds(server, query)).toEqual(expected);
  });
});
