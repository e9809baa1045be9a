/** Runs `qiao serve` as a child process and waits for it to listen. */
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureBuilt, ROOT } from './build.js';

export interface ServerProcess {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:41234/fhir */
  fhirBase: string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

/**
 * Starts `qiao serve --port 0 --host 127.0.0.1 --db DB` and resolves once it logs its base URL. DB is a
 * connection string (sqlite:..., postgres://...) or a bare SQLite file path.
 */
export async function spawnServer(db: string, extraArgs: string[] = []): Promise<ServerProcess> {
  const cli = ensureBuilt();
  const connection = /^(sqlite:|postgres(ql)?:\/\/)/.test(db) ? db : `sqlite:${db}`;
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', connection, '--log-level', 'info', ...(extraArgs.includes('--auth') ? [] : ['--auth', 'off']), ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QIAO_PORT: '', QIAO_DB: '', QIAO_BASE_URL: '', QIAO_AUTH: '' },
  });
  let out = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const fhirBase = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qiao serve did not start in 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening at (http:\/\/\S+?)["\s]/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`qiao serve exited (${code}) before listening:\n${out}`));
    });
  });
  return { child, fhirBase, exited, output: () => out };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a `qiao` command to completion (e.g. `migrate --db ...`), with `input` on its standard input. */
export function runCli(args: string[], input?: string): Promise<CliResult> {
  const cli = ensureBuilt();
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: ROOT,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, QIAO_DB: '' },
  });
  if (input !== undefined) child.stdin!.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}
