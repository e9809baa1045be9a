/**
 * Qiao's own conformance resources (conformance/ at the package root): OperationDefinitions of the
 * operations FHIR does not define, and later profiles and schemas. Found from the nearest package.json,
 * so the same code works from src/ (under vitest) and from dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource } from './types.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** Reads conformance/<file> (JSON). */
export function conformanceResource<T extends Resource>(file: string): T {
  return JSON.parse(readFileSync(join(packageRoot(), 'conformance', file), 'utf8')) as T;
}
