/** Where the official FHIR test cases are: `../shared` beside the repository root (absent on some machines). */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedDir = resolve(repoRoot, '../shared');
export const patchCasesDir = resolve(sharedDir, 'data/fhir-test-cases/r4/patch');
export const haveSharedCases = existsSync(patchCasesDir);
