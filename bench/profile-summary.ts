/**
 * Summarises a V8 CPU profile (.cpuprofile, as written by `node --cpu-prof` or the inspector's
 * Profiler.stop): self time by function and by area (Qiao module, dependency, or V8/native bucket), and
 * inclusive time of the functions that matter for ingest. Usable as a CLI:
 * `node dist/bench/profile-summary.js file.cpuprofile`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the system a frame belongs to. */
export function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8: garbage collector';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8: (program)';
    if (/^(parse|stringify)$/.test(functionName)) return `JSON.${functionName} (native)`;
    return `native: ${functionName || '(anonymous)'}`;
  }
  const src = /\/dist\/(src|bench)\/(.*)\.js$/.exec(url);
  if (src) {
    const parts = src[2].split('/');
    return `qiao: ${src[1]}/${parts.slice(0, parts.length > 2 ? 2 : parts.length).join('/')}`;
  }
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return `dep: ${mod[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  return url;
}

export interface Summary {
  totalMs: number;
  idleMs: number;
  byArea: [string, number][];
  bySelf: [string, number][];
  inclusive: [string, number][];
}

/** Functions whose inclusive time is reported (stack contains a frame with this name). */
export const INCLUSIVE = [
  'transaction', 'assignIdentities', 'rewriteReferences', 'runEntry', 'create', 'validateForWrite', 'validateResource',
  'write', 'extractIdentifierTokens', 'responseEntry', 'sendResult', 'toFhirRequest', 'parse', 'stringify',
  'jsonParser', 'rawParser', 'read', 'compression', 'dispatch', 'randomUUID',
];

export function summarise(profile: CpuProfile, top = 25): Summary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const f = node.callFrame;
    total += ms;
    if (f.functionName === '(idle)') idle += ms;
    add(areas, area(f), ms);
    const file = f.url ? f.url.replace(/^.*\/(dist|node_modules)\//, '') : '';
    add(fns, `${f.functionName || '(anonymous)'} ${file}${file ? ':' + (f.lineNumber + 1) : ''}`, ms);
    // Inclusive: each listed name counted once per sample stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)!.callFrame.functionName;
      if (INCLUSIVE.includes(name) && !seen.has(name)) {
        seen.add(name);
        add(incl, name, ms);
      }
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, idleMs: idle, byArea: sorted(areas).slice(0, top), bySelf: sorted(fns).slice(0, top), inclusive: sorted(incl) };
}

function add(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

export function formatSummary(s: Summary, label: string): string {
  const busy = s.totalMs - s.idleMs;
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const lines = [`profile ${label}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (percentages of busy time)`];
  lines.push('  self time by area:');
  for (const [k, ms] of s.byArea) if (k !== '(idle)') lines.push(`    ${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`);
  lines.push('  self time by function:');
  for (const [k, ms] of s.bySelf) if (!k.startsWith('(idle)')) lines.push(`    ${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`);
  lines.push('  inclusive time of selected functions:');
  for (const [k, ms] of s.inclusive) lines.push(`    ${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of process.argv.slice(2)) {
    console.log(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 30), file));
  }
}
