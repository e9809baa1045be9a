/**
 * Qiao's own conformance resources (conformance/ at the package root): OperationDefinitions of the
 * operations FHIR does not define, and later profiles and schemas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';
import type { Resource } from './types.js';

/** Reads conformance/<file> (JSON). */
export function conformanceResource<T extends Resource>(file: string): T {
  return JSON.parse(readFileSync(join(packageRoot(), 'conformance', file), 'utf8')) as T;
}
