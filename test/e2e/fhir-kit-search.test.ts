/**
 * Search paging with a real client (fhir-kit-client): 57 Observations of one patient, searched 10 at a
 * time and walked with nextPage/prevPage; sort order across pages, links that stay correct when a
 * resource is created between page fetches, and POST [type]/_search (form body) answering like GET.
 */
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { startTestServer } from '../helpers/server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type PageBundle = Parameters<Client['nextPage']>[0]['bundle'];

const N = 57;
const PAGE = 10;

let server: RunningServer;
let client: Client;
/** The seeded Observations of the main patient: id -> effectiveDateTime. */
const dates = new Map<string, string>();
let patientId: string;

/** An instant `minutes` after 2020-01-01T00:00Z, as a FHIR dateTime. */
const at = (minutes: number) => new Date(Date.UTC(2020, 0, 1) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

async function createPatient(family: string): Promise<string> {
  const p = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family }] } })) as Json;
  return p.id as string;
}

async function createObservation(patient: string, effectiveDateTime: string, code = '8867-4'): Promise<string> {
  const body = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime,
    valueQuantity: { value: 60, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
  return ((await client.create({ resourceType: 'Observation', body })) as Json).id as string;
}

/** Creates `n` Observations for `patient`, in a scrambled order of their dates (so creation order is not date order). */
async function seed(patient: string, n: number, into: Map<string, string>): Promise<void> {
  for (let i = 0; i < n; i++) {
    const date = at(((i * 23) % n) * 90 + 7); // 23 is prime to 57 and 30: every slot once
    into.set(await createObservation(patient, date), date);
  }
}

const matchIds = (bundle: Json) => ((bundle.entry ?? []) as Json[]).filter((e) => e.search?.mode !== 'include').map((e) => e.resource.id as string);
const relations = (bundle: Json) => ((bundle.link ?? []) as Json[]).map((l) => l.relation as string);

/** Follows nextPage from `first` until there is no next link; returns every page. */
async function walk(first: Json): Promise<Json[]> {
  const pages = [first];
  for (;;) {
    const next = client.nextPage({ bundle: pages[pages.length - 1] as PageBundle });
    if (!next || pages.length > 50) return pages;
    pages.push((await next) as Json);
  }
}

/** Ids sorted by their date (ties by id), ascending or descending. */
function byDate(map: Map<string, string>, descending = false): string[] {
  const ids = [...map.keys()].sort((a, b) => Date.parse(map.get(a)!) - Date.parse(map.get(b)!) || (a < b ? -1 : 1));
  return descending ? ids.reverse() : ids;
}

function expectEachOnce(ids: string[], expected: string[]): void {
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  expect(dupes, 'resources returned more than once').toEqual([]);
  expect([...ids].sort()).toEqual([...expected].sort());
}

const search = (searchParams: Record<string, string | number>, postSearch = false) =>
  client.search({ resourceType: 'Observation', searchParams, options: postSearch ? { postSearch: true } : {} }) as Promise<Json>;

beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.fhirBase });
  patientId = await createPatient('Pager');
  await seed(patientId, N, dates);
  // Noise: another patient's Observations must never appear.
  const other = await createPatient('Other');
  for (let i = 0; i < 5; i++) await createObservation(other, at(i * 90 + 7));
}, 120_000);
afterAll(() => server?.close());

describe('fhir-kit-client search paging', () => {
  it('_sort=date: every Observation once, ascending by date across all pages', async () => {
    const first = await search({ subject: `Patient/${patientId}`, _sort: 'date', _count: PAGE, _total: 'accurate' });
    expect(first.total).toBe(N);
    const pages = await walk(first);
    expect(pages.map((p) => matchIds(p).length)).toEqual([10, 10, 10, 10, 10, 7]);
    const ids = pages.flatMap(matchIds);
    expectEachOnce(ids, [...dates.keys()]);
    expect(ids).toEqual(byDate(dates));
    expect(relations(pages[pages.length - 1])).not.toContain('next');
    expect(relations(first)).not.toContain('previous');
  });

  it('_sort=-date: every Observation once, descending by date across all pages', async () => {
    const pages = await walk(await search({ subject: `Patient/${patientId}`, _sort: '-date', _count: PAGE }));
    const ids = pages.flatMap(matchIds);
    expectEachOnce(ids, [...dates.keys()]);
    expect(ids).toEqual(byDate(dates, true));
  });

  it('no _sort: every Observation once', async () => {
    const pages = await walk(await search({ patient: patientId, _count: PAGE }));
    expect(pages).toHaveLength(Math.ceil(N / PAGE));
    expectEachOnce(pages.flatMap(matchIds), [...dates.keys()]);
  });

  it('prevPage from the last page goes back page by page to the first', async () => {
    const pages = await walk(await search({ subject: `Patient/${patientId}`, _sort: 'date', _count: PAGE }));
    let page = pages[pages.length - 1];
    for (let i = pages.length - 2; i >= 0; i--) {
      const prev = client.prevPage({ bundle: page as PageBundle });
      expect(prev, `page ${i + 2} has a previous link`).toBeDefined();
      page = (await prev) as Json;
      expect(matchIds(page), `previous of page ${i + 2}`).toEqual(matchIds(pages[i]));
    }
    // Back on the first page, there is nothing before it, but a next link again.
    expect(client.prevPage({ bundle: page as PageBundle })).toBeUndefined();
    const again = (await client.nextPage({ bundle: page as PageBundle })) as Json;
    expect(matchIds(again)).toEqual(matchIds(pages[1]));
  });

  it('links stay correct when Observations are created between page fetches', async () => {
    const own = new Map<string, string>();
    const patient = await createPatient('Moving');
    await seed(patient, 30, own);
    const first = await search({ subject: `Patient/${patient}`, _sort: 'date', _count: PAGE });
    const second = (await client.nextPage({ bundle: first as PageBundle })) as Json;
    // One dated before everything already seen (an offset-based pager would now repeat a resource),
    // one in the middle of the part not yet fetched, and one after everything.
    const early = await createObservation(patient, at(-1000));
    const middle = await createObservation(patient, at(25 * 90 + 7 + 45));
    const late = await createObservation(patient, at(100_000));
    const rest = await walk(second);
    const ids = [...matchIds(first), ...rest.flatMap(matchIds)];
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes, 'resources returned more than once').toEqual([]);
    const original = ids.filter((id) => own.has(id));
    expect(original, 'every resource that existed at the start, in date order').toEqual(byDate(own));
    expect(ids.filter((id) => !own.has(id) && ![early, middle, late].includes(id))).toEqual([]);
    // Whatever was created appears in its place in the order, if at all; the early one was already passed.
    const allDates = new Map([...own, [early, at(-1000)], [middle, at(25 * 90 + 7 + 45)], [late, at(100_000)]]);
    expect(ids).toEqual(byDate(allDates).filter((id) => ids.includes(id)));
    expect(ids).not.toContain(early);
  });

  it('POST Observation/_search with a form body answers like GET, and its next links walk the same pages', async () => {
    const params = { subject: `Patient/${patientId}`, _sort: '-date', _count: PAGE, _total: 'accurate' };
    const viaGet = await search(params);
    const viaPost = await search(params, true);
    expect(viaPost).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: N });
    expect(matchIds(viaPost)).toEqual(matchIds(viaGet));
    const postPages = await walk(viaPost);
    expect(postPages.flatMap(matchIds)).toEqual(byDate(dates, true));
  });

  it('POST _search with a narrower form body (code and date range) matches GET', async () => {
    const ordered = byDate(dates);
    const from = dates.get(ordered[10])!;
    const to = dates.get(ordered[29])!;
    const params = { patient: patientId, code: 'http://loinc.org|8867-4', date: [`ge${from}`, `le${to}`], _sort: 'date', _count: 100 } as unknown as Record<string, string>;
    const viaGet = (await client.search({ resourceType: 'Observation', searchParams: params })) as Json;
    const viaPost = (await client.search({ resourceType: 'Observation', searchParams: params, options: { postSearch: true } })) as Json;
    expect(matchIds(viaGet)).toEqual(ordered.slice(10, 30));
    expect(matchIds(viaPost)).toEqual(matchIds(viaGet));
  });
});
