/**
 * Compiles Qiao once for the suites that run `qiao serve` as a separate process. The output goes to
 * dist/e2e (git- and lint-ignored, like dist/), so it never races a developer's `npm run build`. It is
 * rebuilt only when a file under src/ (or package.json) is newer than the last build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT_DIR = join(ROOT, 'dist/e2e');
/** The compiled CLI: `node QIAO_CLI serve ...`. */
export const QIAO_CLI = join(OUT_DIR, 'src/cli/qiao.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/e2e when it is missing or stale; returns the CLI's path. */
export function ensureBuilt(): string {
  const sources = Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'package.json')).mtimeMs);
  if (existsSync(QIAO_CLI) && statSync(QIAO_CLI).mtimeMs >= sources) return QIAO_CLI;
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', OUT_DIR], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    // Type errors still emit JavaScript (other work in progress may have some); a missing CLI is fatal.
    if (!existsSync(QIAO_CLI)) throw err;
  }
  return QIAO_CLI;
}
