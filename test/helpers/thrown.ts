/** Runs fn and returns the OperationOutcomeError it throws; fails the test when it throws nothing else. */
import { expect } from 'vitest';
import { OperationOutcomeError } from '../../src/fhir/errors.js';

export function thrown(fn: () => unknown): OperationOutcomeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OperationOutcomeError);
    return err as OperationOutcomeError;
  }
  throw new Error('expected an OperationOutcomeError, nothing was thrown');
}
