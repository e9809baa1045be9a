/** Qiao's version, from its package.json (works from src/ under vitest and from dist/). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './fhir/package-root.js';

export const QIAO_VERSION = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
