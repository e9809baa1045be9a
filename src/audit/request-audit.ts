/**
 * The audit of every answered FHIR request that the write audit did not already record in its
 * transaction: reads, vreads, searches, histories, operations, failures (a failed write rolled back, so
 * its AuditEvent cannot have committed with it), writes that wrote nothing (a conditional create that
 * matched), and each such entry of a batch or transaction. Records go to the queue (audit-queue.ts);
 * the AuditEvent is built there, off the request path. Capabilities and the SMART configuration are
 * public documents about the server, not access to data, and are not audited (load balancers poll them).
 */
import type { OperationOutcome } from '../fhir/types.js';
import { whoOf, type AccessIdentity, type AuditRecord } from './record.js';
import type { WrittenMarks } from './write-audit.js';

/** The parts of http/request-event.ts RequestEvent audit reads. */
export interface AuditedRequest {
  requestId: string;
  peer?: string;
  access?: AccessIdentity;
  baseUrl: string;
  method: string;
  request?: { path: string[]; query: [string, string][]; body?: unknown };
  interaction: string;
  resourceType?: string;
  id?: string;
  operation?: string;
  status: number;
  result?: { resource?: object; json?: string; headers?: { etag?: string; location?: string; contentLocation?: string } };
  outcome?: OperationOutcome;
}

type Push = (record: AuditRecord) => Promise<void> | undefined;

const UNAUDITED = new Set(['capabilities', 'smart-configuration']);
const WRITES = new Set(['create', 'update', 'patch', 'delete']);
const QUERIES = new Set(['search-type', 'search-system', 'history-instance', 'history-type', 'history-system']);

export function requestAuditor(marks: WrittenMarks, push: Push) {
  return (e: AuditedRequest): Promise<void> | undefined => {
    if (UNAUDITED.has(e.interaction)) return undefined;
    const marked = marks.get(e);
    if (e.interaction === 'batch' || e.interaction === 'transaction') return pushAll(push, bundleRecords(e, marked));
    if (WRITES.has(e.interaction) && e.status < 400 && marked?.size) return undefined;
    return push(requestRecord(e));
  };
}

function base(e: AuditedRequest): AuditRecord {
  return { at: Date.now(), category: 'rest', status: e.status, requestId: e.requestId, peer: e.peer, baseUrl: e.baseUrl, who: whoOf(e.access) };
}

function requestRecord(e: AuditedRequest): AuditRecord {
  const r = base(e);
  if (e.interaction !== 'unknown') r.interaction = e.interaction;
  if (e.operation) r.operation = e.operation;
  if (e.status >= 400) r.outcomeText = outcomeText(e.outcome);
  const path = e.request?.path ?? [];
  if (QUERIES.has(e.interaction)) {
    r.query = requestLine(e.method, path, e.request?.query ?? []);
    r.patient = queryPatient(path, e.request?.query ?? []) ?? e.access?.patient;
    if (e.interaction === 'history-instance') r.data = `${e.resourceType}/${e.id}`;
    return r;
  }
  if (e.interaction === 'vread') r.data = path.slice(0, 4).join('/');
  else if (e.resourceType && e.id) r.data = withVersion(`${e.resourceType}/${e.id}`, e.result?.headers?.etag);
  else if (e.status < 400 && e.result?.headers?.location) r.data = relative(e.result.headers.location, e.baseUrl);
  // What a read returned, to find its patient when the AuditEvent is built.
  if (e.status < 400 && (e.interaction === 'read' || e.interaction === 'vread')) r.resource = e.result?.json ?? e.result?.resource;
  return r;
}

interface EntryIn {
  request?: { method?: unknown; url?: unknown };
}
interface EntryOut {
  resource?: object;
  response?: { status?: string; location?: string; etag?: string; outcome?: OperationOutcome };
}

/** One record per entry not already audited in its transaction; the whole request when it has no entries. */
function bundleRecords(e: AuditedRequest, marked: Set<string> | undefined): AuditRecord[] {
  const entries = (e.request?.body as { entry?: unknown } | undefined)?.entry;
  if (!Array.isArray(entries) || entries.length === 0) {
    return [{ ...base(e), interaction: e.interaction, ...(e.status >= 400 ? { outcomeText: outcomeText(e.outcome) } : {}) }];
  }
  const responses = e.status < 400 ? ((e.result?.resource as { entry?: EntryOut[] } | undefined)?.entry ?? []) : [];
  const out: AuditRecord[] = [];
  entries.forEach((raw, i) => {
    const req = (raw as EntryIn | null)?.request ?? {};
    const method = typeof req.method === 'string' ? req.method : '';
    const url = typeof req.url === 'string' ? relative(req.url, e.baseUrl) : '';
    const answer = responses[i];
    // A failed transaction rolled every entry back: each is recorded with the transaction's failure.
    const status = e.status >= 400 ? e.status : Number.parseInt(answer?.response?.status ?? '', 10) || 500;
    const location = answer?.response?.location && relative(answer.response.location, e.baseUrl);
    const [path, search] = url.split('?', 2) as [string, string | undefined];
    if (status < 400 && marked && (location ? marked.has(location) : marked.has(path))) return;
    const interaction = entryInteraction(method, path, search !== undefined);
    const r: AuditRecord = { ...base(e), status, interaction };
    if (status >= 400) r.outcomeText = outcomeText(e.status >= 400 ? e.outcome : answer?.response?.outcome);
    if (QUERIES.has(interaction)) {
      r.query = `${method} ${url}`;
      r.patient = queryPatient(path.split('/'), [...new URLSearchParams(search ?? '')]) ?? e.access?.patient;
    } else {
      const target = location ?? (/^[A-Z][A-Za-z]+\/[^/?$]+(\/_history\/[^/?]+)?$/.test(path) ? path : undefined);
      if (target) r.data = withVersion(target, answer?.response?.etag);
      if (status < 400 && method === 'GET') r.resource = answer?.resource;
    }
    out.push(r);
  });
  return out;
}

function pushAll(push: Push, records: AuditRecord[]): Promise<void> | undefined {
  let waits: Promise<void>[] | undefined;
  for (const r of records) {
    const w = push(r);
    if (w) (waits ??= []).push(w);
  }
  return waits && Promise.all(waits).then(() => undefined);
}

/** The restful interaction of a Bundle entry's request, as the server routes it. */
export function entryInteraction(method: string, path: string, hasQuery: boolean): string {
  const p = path.split('/').filter(Boolean);
  if (p.length && p[p.length - 1].startsWith('$')) return 'operation';
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (p.length === 0) return 'search-system';
      if (p.length === 1) return p[0] === '_history' ? 'history-system' : 'search-type';
      if (p.length === 2) return p[1] === '_history' ? 'history-type' : p[1] === '_search' ? 'search-type' : 'read';
      if (p.length === 3) return p[2] === '_history' ? 'history-instance' : 'search-type';
      return 'vread';
    case 'POST':
      return p[p.length - 1] === '_search' ? 'search-type' : 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return hasQuery ? 'search-type' : 'unknown';
  }
}

/** The patient a search or history is about: a compartment (Patient/x/...), or a patient or subject parameter. */
function queryPatient(path: string[], query: [string, string][]): string | undefined {
  if (path[0] === 'Patient' && path.length >= 2 && path[1] && !path[1].startsWith('_') && !path[1].startsWith('$')) return `Patient/${path[1]}`;
  for (const [name, value] of query) {
    const param = name.split(':', 1)[0];
    if (param !== 'patient' && param !== 'subject') continue;
    const first = value.split(',', 1)[0];
    if (/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(first)) return first;
    if (param === 'patient' && /^[A-Za-z0-9\-.]{1,64}$/.test(first)) return `Patient/${first}`;
  }
  return undefined;
}

function requestLine(method: string, path: string[], query: [string, string][]): string {
  const q = new URLSearchParams(query).toString();
  return `${method} ${path.join('/')}${q ? `?${q}` : ''}`;
}

/** `Type/id` with the version of a weak ETag (W/"3"), when there is one. */
function withVersion(ref: string, etag: string | undefined): string {
  const m = etag && /^W\/"([^"]+)"$/.exec(etag);
  return m && !ref.includes('/_history/') ? `${ref}/_history/${m[1]}` : ref;
}

function relative(url: string, baseUrl: string): string {
  return baseUrl && url.startsWith(baseUrl + '/') ? url.slice(baseUrl.length + 1) : url;
}

export function outcomeText(outcome: OperationOutcome | undefined): string | undefined {
  const issues = (outcome as { issue?: { diagnostics?: string; details?: { text?: string } }[] } | undefined)?.issue ?? [];
  const texts = issues.map((i) => i.diagnostics ?? i.details?.text).filter((t): t is string => !!t);
  return texts.length ? texts.join('; ') : undefined;
}
