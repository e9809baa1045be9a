import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpDate } from '../../src/interactions/resource-result.js';

describe('httpDate (Last-Modified)', () => {
  it('formats any UTC instant exactly as Date#toUTCString does', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        expect(httpDate(iso)).toBe(d.toUTCString());
      }),
      { numRuns: 5000 },
    );
  });

  it('formats instants with an offset by converting them to GMT', () => {
    expect(httpDate('2026-11-24T12:17:54+01:00')).toBe('Tue, 24 Nov 2026 11:17:54 GMT');
    expect(httpDate('1969-12-31T23:59:59.999Z')).toBe('Wed, 31 Dec 1969 23:59:59 GMT');
  });
});
