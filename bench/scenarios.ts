/**
 * The benchmark's engine-independent scenarios, used by bench/run.ts for SQLite and by bench/postgres.ts
 * for PostgreSQL, so both engines get the same data, connection counts and measurements: the server child
 * process (Child), ingest through the HTTP API, the $validate warm-up, read-by-id with autocannon, CPU
 * profiles, and the output helpers.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './generate.js';
import { formatSummary, summarise, type CpuProfile } from './profile-summary.js';
import { authHeaders, rememberToken } from './bearer.js';
import type { FromChild, ToChild } from './server-process.js';
import type { PreparedBundle } from './synthea.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** What the scenarios need from run.ts's environment knobs. */
export interface Knobs {
  readSeconds: number;
  /** Write CPU profiles of the Qiao child here (BENCH_PROFILE). */
  profileDir?: string;
}

// ---------------------------------------------------------------------------------------------------
// Output helpers

export const out = (line: string) => console.log(line);
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).replace(/,/g, '');
export const pct = (r: number) => `${(100 * r).toFixed(1)}%`;

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---------------------------------------------------------------------------------------------------
// Child processes

export class Child {
  private constructor(
    readonly proc: ChildProcess,
    readonly url: string,
    readonly fhirBase: string,
  ) {}

  /** `['qiao', <sqlite file or postgres:// URL>]` or `['bare']` (see bench/server-process.ts). */
  static start(args: string[]): Promise<Child> {
    const proc = fork(path.join(here, 'server-process.js'), args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`server child exited early (${code})`));
      proc.once('exit', onExit);
      proc.once('message', (m: FromChild) => {
        proc.off('exit', onExit);
        if (m.type === 'ready') {
          if (m.token !== undefined) rememberToken(m.url, m.token);
          resolve(new Child(proc, m.url, m.fhirBase));
        }
        else reject(new Error(`unexpected message from child: ${JSON.stringify(m)}`));
      });
    });
  }

  /** Sends a message and waits for the reply of the given type. */
  ask<T extends FromChild['type']>(msg: ToChild, reply: T): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      const on = (m: FromChild) => {
        if (m.type === reply) {
          this.proc.off('message', on);
          resolve(m as Extract<FromChild, { type: T }>);
        } else if (m.type === 'error') {
          this.proc.off('message', on);
          reject(new Error(m.message));
        }
      };
      this.proc.on('message', on);
      this.proc.send(msg);
    });
  }

  /** The child's CPU time so far (user + system), ms. */
  async cpuMs(): Promise<number> {
    const s = await this.ask({ type: 'stats' }, 'stats');
    return s.userCpuMs + s.systemCpuMs;
  }

  /** Runs `fn` and reports the server CPU time it cost, ms. */
  async measured<T>(fn: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
    const before = await this.cpuMs();
    const result = await fn();
    return { result, cpuMs: (await this.cpuMs()) - before };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return resolve();
      this.proc.once('exit', () => resolve());
      this.proc.send({ type: 'close' } satisfies ToChild);
    });
  }

  /** Stops the child without asking it (on Ctrl-C, when its IPC channel may already be gone). */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return resolve();
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Ingest through the HTTP API

export interface IngestResult {
  resources: number;
  bundles: number;
  failed: number;
  firstError?: string;
  seconds: number;
  latencies: number[];
  /** Per Bundle (in input order), the `Type/id` each entry got, from the response `location`s. */
  locations: (string | undefined)[][];
}

/** An ingest line's figures: resources/s, server CPU µs per resource, Bundle latency percentiles. */
export interface IngestFigures {
  rate: number;
  cpuUs: number;
  p50: number;
  p99: number;
}

function post(agent: Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', 'content-length': Buffer.byteLength(body), ...authHeaders(url) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `Patient/123/_history/1` or an absolute URL -> `Patient/123`. */
function typeAndId(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const m = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(location);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export async function ingest(fhirBase: string, bundles: PreparedBundle[], connections: number): Promise<IngestResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const result: IngestResult = { resources: 0, bundles: 0, failed: 0, seconds: 0, latencies: [], locations: new Array(bundles.length) };
  const one = async (i: number) => {
    const b = bundles[i];
    const start = performance.now();
    const res = await post(agent, fhirBase, b.json);
    result.latencies.push(performance.now() - start);
    if (res.status !== 200) {
      result.failed++;
      result.firstError ??= `${b.name}: HTTP ${res.status} ${res.text.slice(0, 400)}`;
      result.locations[i] = [];
      return;
    }
    const entries = (JSON.parse(res.text) as { entry?: { response?: { location?: string } }[] }).entry ?? [];
    result.locations[i] = entries.map((e) => typeAndId(e.response?.location));
    result.resources += entries.length;
    result.bundles++;
  };
  const t0 = performance.now();
  // Shared Bundles (Organizations, Practitioners) must exist before any patient refers to them.
  let next = 0;
  while (next < bundles.length && bundles[next].kind === 'shared') await one(next++);
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < bundles.length) await one(next++);
    }),
  );
  result.seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return result;
}

/**
 * Warm-up before a steady-state ingest: one resource of each type in the data through `$validate`
 * (nothing is written), so that compiling each type's validator on first use — a one-time cost of a
 * fresh process — is measured on its own line instead of inside the ingest throughput.
 */
export async function warmUp(fhirBase: string, bundles: PreparedBundle[]): Promise<{ types: number; ms: number }> {
  const byType = new Map<string, unknown>();
  for (const b of bundles) {
    for (const e of (JSON.parse(b.json) as { entry: { resource: { resourceType: string } }[] }).entry) {
      if (!byType.has(e.resource.resourceType)) byType.set(e.resource.resourceType, e.resource);
    }
    if (byType.size > 40) break;
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const t0 = performance.now();
  for (const [type, resource] of byType) {
    const res = await post(agent, `${fhirBase}/${type}/$validate`, JSON.stringify(resource));
    if (res.status !== 200) throw new Error(`warm-up: $validate of a ${type} answered ${res.status}`);
  }
  agent.destroy();
  return { types: byType.size, ms: performance.now() - t0 };
}

/** Prints an ingest line; returns its figures. */
export function printIngest(label: string, r: { resources: number; seconds: number; latencies: number[] }, cpuMs: number): IngestFigures {
  const rate = r.resources / r.seconds;
  const cpuUs = (1000 * cpuMs) / r.resources;
  const [p50, p99] = [percentile(r.latencies, 50), percentile(r.latencies, 99)];
  out(
    `ingest  ${label.padEnd(24)} ${r.resources} resources in ${r.seconds.toFixed(1)} s = ${fmt(rate)} resources/s  ` +
      `p50 ${fmt(p50)} ms  p99 ${fmt(p99)} ms (bundles)  cpu ${fmt(cpuUs)} us/resource`,
  );
  return { rate, cpuUs, p50, p99 };
}

// ---------------------------------------------------------------------------------------------------
// Reads with autocannon

export interface ReadResult {
  requests: number;
  /** Server CPU µs per request (filled in by the caller). */
  cpuUs?: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function readById(base: string, paths: string[], connections: number, seconds: number, seed: number): Promise<ReadResult> {
  const random = rng(seed);
  const origin = new URL(base);
  const prefix = origin.pathname.replace(/\/$/, '');
  // autocannon's own latency histogram has whole-millisecond resolution; record the exact times.
  const times: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin.origin,
        connections,
        duration: seconds,
        headers: { accept: 'application/fhir+json', ...authHeaders(base) },
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({ ...req, path: `${prefix}/${paths[Math.floor(random() * paths.length)]}` }),
          },
        ],
      },
      (err: unknown, result: autocannon.Result) => (err ? reject(err as Error) : resolve(result)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
  return { requests: r['2xx'], rps: r['2xx'] / r.duration, p50: percentile(times, 50), p99: percentile(times, 99), non2xx: r.non2xx, errors: r.errors };
}

function printRead(label: string, connections: number, r: ReadResult): void {
  const bad = r.non2xx || r.errors ? `  (non-2xx ${r.non2xx}, errors ${r.errors})` : '';
  out(`read    ${label.padEnd(6)} ${String(connections).padStart(2)} conn  ${fmt(r.rps)} requests/s  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms  server cpu ${fmt(r.cpuUs ?? NaN)} us/request${bad}`);
}

/** Runs `fn` under the child's CPU profiler when BENCH_PROFILE is set, and prints where the time went. */
export async function profiled<T>(knobs: Knobs, child: Child, name: string, fn: () => Promise<T>): Promise<T> {
  if (!knobs.profileDir) return fn();
  await child.ask({ type: 'profile-start' }, 'profile-started');
  const result = await fn();
  const file = path.join(knobs.profileDir, `${name.replace(/[^A-Za-z0-9.-]+/g, '-')}.cpuprofile`);
  await child.ask({ type: 'profile-stop', file }, 'profile-stopped');
  out(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), `${name} (${file})`));
  return result;
}

/** GET-by-id measurements at 1 and 32 connections, with the server's CPU cost per request. */
export async function readPhase(knobs: Knobs, label: string, server: Child, paths: string[]): Promise<Map<number, ReadResult>> {
  const results = new Map<number, ReadResult>();
  await readById(server.fhirBase, paths, 32, 2, 1); // warm-up
  for (const c of [1, 32]) {
    const { result, cpuMs } = await server.measured(() => profiled(knobs, server, `read-${label}-${c}conn`, () => readById(server.fhirBase, paths, c, knobs.readSeconds, c)));
    result.cpuUs = (1000 * cpuMs) / result.requests;
    results.set(c, result);
    printRead(label, c, result);
  }
  return results;
}
