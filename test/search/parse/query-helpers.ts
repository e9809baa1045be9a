/** Helpers for one-parameter parseSearch tests. */
import { expect } from 'vitest';
import { parseSearch } from '../../../src/search/parse/parse-query.js';
import type { Condition, SearchValue } from '../../../src/search/types.js';
import { thrown } from '../../helpers/thrown.js';

/** The one condition a one-parameter query gives. */
export function one(type: string, name: string, value: string): Condition {
  const q = parseSearch([type], [[name, value]]);
  expect(q.conditions).toHaveLength(1);
  return q.conditions[0];
}

export function values(type: string, name: string, value: string): SearchValue[] {
  return one(type, name, value).values;
}

/** Asserts a 400 whose issue names the parameter (diagnostics) and points at it (expression). */
export function rejects(type: string, name: string, value: string, code = 'invalid') {
  const err = thrown(() => parseSearch([type], [[name, value]]));
  expect(err.status).toBe(400);
  expect(err.outcome.issue).toHaveLength(1);
  expect(err.outcome.issue[0].code).toBe(code);
  expect(err.outcome.issue[0].diagnostics).toContain(`'${name}'`);
  expect(err.outcome.issue[0].expression).toEqual([name]);
}
