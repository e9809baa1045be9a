/** Identifier types for :of-type: each typed coding of an identifier with a value, as a row of its own. */
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../../src/fhir/types.js';
import { extract } from './helpers.js';

const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

describe('identifier:of-type rows', () => {
  it('one row per type coding, the value in code, the type system in system and its code in text', () => {
    const patient = {
      resourceType: 'Patient',
      identifier: [
        { system: 'urn:mrn', value: '12345', type: { coding: [{ system: V2, code: 'MR' }, { code: 'LOCAL' }], text: 'MRN' } },
        { system: 'urn:ssn', value: '999' },
        { type: { coding: [{ system: V2, code: 'SS' }] } },
      ],
    } as Resource;
    expect(extract(patient, 'identifier:of-type')).toEqual([
      { system: V2, code: '12345', text: 'MR' },
      { system: null, code: '12345', text: 'LOCAL' },
    ]);
    expect(extract(patient, 'identifier')).toEqual([
      { system: 'urn:mrn', code: '12345', text: 'mrn' },
      { system: 'urn:ssn', code: '999', text: null },
    ]);
  });
});
