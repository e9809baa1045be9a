/**
 * The benchmark's server child process, so the load generator (parent) never shares an event loop with
 * the server under test. Started with `child_process.fork(dist/bench/server-process.js, [mode, ...])`:
 *
 * - `qiao <sqlite-file | postgres://...>`: Qiao's own startServer on that database, logging silenced;
 * - `bare`: a bare node:http server answering `GET /fhir/Type/id` from a Map of JSON bodies that the
 *   parent sends (`{ type: 'bodies', bodies: [[path, json], ...] }`, acknowledged with `loaded`).
 *
 * Messages to the parent: `{ type: 'ready', url, fhirBase }`, then on request `{ type: 'stats', ... }`.
 * Messages from the parent: `stats`, `profile-start`, `profile-stop` (with `file`), `close`.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';

export type ToChild =
  | { type: 'stats' }
  | { type: 'close' }
  | { type: 'bodies'; bodies: [string, string][] }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string };

export type FromChild =
  /** token: a system/*.* access token for Qiao (absent for the bare server, or with BENCH_AUTH=off). */
  | { type: 'ready'; url: string; fhirBase: string; token?: string }
  | { type: 'loaded'; count: number }
  | { type: 'stats'; maxRssKiB: number; rssBytes: number; heapUsedBytes: number; userCpuMs: number; systemCpuMs: number }
  | { type: 'profile-started' }
  | { type: 'profile-stopped'; file: string }
  | { type: 'error'; message: string };

function send(msg: FromChild): void {
  process.send?.(msg);
}

async function startBare(bodies: Map<string, string>): Promise<{ url: string; fhirBase: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const body = req.method === 'GET' && req.url?.startsWith('/fhir/') ? bodies.get(req.url.slice('/fhir/'.length)) : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/fhir+json' });
      res.end('{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/fhir+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    fhirBase: `${url}/fhir`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  const bodies = new Map<string, string>();
  let running: { url: string; fhirBase: string; close(): Promise<void> };
  let token: string | undefined;
  if (mode === 'qiao') {
    const { startServer } = await import('../src/main.js');
    const db = /^postgres(ql)?:\/\//.test(file) ? file : `sqlite:${file}`;
    // Measured as it ships: auth on, every request with a bearer token (BENCH_AUTH=off measures without).
    const authOff = process.env.BENCH_AUTH === 'off';
    const keysDir = mkdtempSync(join(tmpdir(), 'qiao-bench-keys-'));
    const qiao = await startServer({ port: 0, host: '127.0.0.1', db, logLevel: 'silent', auth: authOff ? 'off' : 'smart', keysDir });
    if (qiao.auth.server) {
      const { mintAdminToken } = await import('../src/auth/admin-token.js');
      token = (await mintAdminToken(qiao.auth.server.keys, { fhirBase: qiao.fhirBase, scope: 'system/*.*', expiresIn: 3600 })).token;
    }
    running = {
      ...qiao,
      close: async () => {
        await qiao.close();
        rmSync(keysDir, { recursive: true, force: true });
      },
    };
  } else if (mode === 'bare') {
    running = await startBare(bodies);
  } else {
    throw new Error(`unknown mode '${mode}' (qiao <file | postgres-url> | bare)`);
  }
  let session: Session | undefined;
  process.on('message', (msg: ToChild) => {
    void (async () => {
      switch (msg.type) {
        case 'bodies':
          for (const [k, v] of msg.bodies) bodies.set(k, v);
          send({ type: 'loaded', count: bodies.size });
          break;
        case 'stats': {
          const u = process.resourceUsage();
          const m = process.memoryUsage();
          send({ type: 'stats', maxRssKiB: u.maxRSS, rssBytes: m.rss, heapUsedBytes: m.heapUsed, userCpuMs: u.userCPUTime / 1000, systemCpuMs: u.systemCPUTime / 1000 });
          break;
        }
        case 'profile-start':
          session = new Session();
          session.connect();
          await session.post('Profiler.setSamplingInterval', { interval: 200 });
          await session.post('Profiler.enable');
          await session.post('Profiler.start');
          send({ type: 'profile-started' });
          break;
        case 'profile-stop': {
          if (!session) break;
          const { profile } = await session.post('Profiler.stop');
          session.disconnect();
          session = undefined;
          await writeFile(msg.file, JSON.stringify(profile));
          send({ type: 'profile-stopped', file: msg.file });
          break;
        }
        case 'close':
          await running.close();
          process.exit(0);
      }
    })().catch((err: unknown) => send({ type: 'error', message: String((err as Error)?.stack ?? err) }));
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', url: running.url, fhirBase: running.fhirBase, token });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
