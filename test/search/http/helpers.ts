/**
 * Shared helpers for the HTTP search suite: fixtures loaded with PUT (fixed ids, so expected answers
 * are known), searches over real HTTP, and the ids a searchset Bundle returns.
 */
import { expect } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { expectNoStackTrace, FHIR_JSON } from '../../helpers/server.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Response {
  status: number;
  body: Json;
  text: string;
}

/** GET (or any method) on a path under the FHIR base, e.g. `Patient?name=x`. */
export async function fhir(server: RunningServer, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: FHIR_JSON, ...init.headers };
  if (init.body !== undefined && typeof init.body !== 'string') headers['content-type'] = FHIR_JSON;
  const res = await fetch(path.startsWith('http') ? path : `${server.fhirBase}/${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: Json = {};
  try {
    body = text ? (JSON.parse(text) as Json) : {};
  } catch {
    // not JSON: left empty, the status tells
  }
  return { status: res.status, body, text };
}

/** PUTs each resource at Type/id; fails the test unless every write is a 200 or 201. */
export async function load(server: RunningServer, resources: Json[]): Promise<void> {
  for (const r of resources) {
    const res = await fhir(server, `${r.resourceType}/${r.id}`, { method: 'PUT', body: r });
    expect(res.status, `PUT ${r.resourceType}/${r.id}: ${res.text}`).toBeLessThan(300);
  }
}

/** The ids of the `match` entries of a searchset, sorted (`Type/id` when `typed`). */
export function ids(bundle: Json, typed = false): string[] {
  return ((bundle.entry ?? []) as Json[])
    .filter((e) => e.search?.mode === 'match')
    .map((e) => (typed ? `${e.resource.resourceType}/${e.resource.id}` : (e.resource.id as string)))
    .sort();
}

/** The ids of the `include` entries, as `Type/id`, sorted. */
export function includedIds(bundle: Json): string[] {
  return ((bundle.entry ?? []) as Json[])
    .filter((e) => e.search?.mode === 'include')
    .map((e) => `${e.resource.resourceType}/${e.resource.id}`)
    .sort();
}

/** Runs a search that must succeed (200, a searchset) and returns the bundle. */
export async function searchBundle(server: RunningServer, query: string, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fhir(server, query, { headers });
  expect(res.status, `${query}: ${res.text.slice(0, 500)}`).toBe(200);
  expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
  return res.body;
}

/** The sorted ids of the matches of `query` (e.g. `Observation?code=1234-5`). Page size raised so none are cut. */
export async function searchIds(server: RunningServer, query: string, typed = false): Promise<string[]> {
  const q = /[?&]_count=/.test(query) ? query : `${query}${query.includes('?') ? '&' : '?'}_count=1000`;
  return ids(await searchBundle(server, q), typed);
}

/** The ids in page order (not sorted), for _sort checks. */
export async function orderedIds(server: RunningServer, query: string): Promise<string[]> {
  const bundle = await searchBundle(server, query);
  return ((bundle.entry ?? []) as Json[]).filter((e) => e.search?.mode === 'match').map((e) => e.resource.id as string);
}

/** Asserts a 4xx OperationOutcome whose issue names `param` (expression or diagnostics), with no stack trace. */
export async function expectRejected(server: RunningServer, query: string, param: string, status = 400, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fhir(server, query, { headers });
  expectNoStackTrace(res.text);
  expect(res.status, `${query}: ${res.text.slice(0, 500)}`).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  const issues = (res.body.issue ?? []) as Json[];
  const named = issues.some((i) => (i.expression ?? []).includes(param) || String(i.diagnostics ?? '').includes(param));
  expect(named, `no issue names '${param}': ${JSON.stringify(issues)}`).toBe(true);
  return res.body;
}

/** The `relation` link of a bundle, as a URL. */
export function link(bundle: Json, relation: string): string | undefined {
  return ((bundle.link ?? []) as Json[]).find((l) => l.relation === relation)?.url as string | undefined;
}

/** A link's query parameters, without the paging cursor. */
export function linkParams(url: string): [string, string][] {
  return [...new URL(url).searchParams.entries()].filter(([k]) => k !== '_cursor' && k !== '_page');
}

/** A table row: the query and the ids it must return. */
export type Case = [query: string, expected: string[]];
