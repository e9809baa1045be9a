/** Qiao's version, from the nearest package.json (works from src/ under vitest and from dist/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'package.json');
}

export const QIAO_VERSION = (JSON.parse(readFileSync(findPackageJson(), 'utf8')) as { version: string }).version;
