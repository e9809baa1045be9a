/**
 * Paging and totals over HTTP (search.html#count, #total, #paging, #selflink): _count default 20 and
 * at most 1000, next/previous/self links that stay correct while data changes between page fetches,
 * _total none/estimate/accurate, search.mode, and a self link listing only the applied parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { startTestServer } from '../../helpers/server.js';
import { fhir, link, linkParams, load, searchBundle, type Json } from './helpers.js';

let server: RunningServer;

const tagged = (tag: string, id: string, family: string): Json => ({
  resourceType: 'Patient',
  id,
  meta: { tag: [{ system: 'urn:t', code: tag }] },
  name: [{ family }],
});
const pad = (n: number) => String(n).padStart(2, '0');
const idsOf = (bundle: Json) => ((bundle.entry ?? []) as Json[]).map((e) => e.resource.id as string);

beforeAll(async () => {
  server = await startTestServer();
  await load(server, Array.from({ length: 25 }, (_, i) => tagged('page', `pg${pad(i + 1)}`, `P${pad(i + 1)}`)));
  await load(server, Array.from({ length: 12 }, (_, i) => tagged('live', `lv${pad(i + 1)}`, `L${pad(i + 1)}`)));
  await load(server, Array.from({ length: 7 }, (_, i) => tagged('rid', `rd${pad(i + 1)}`, `R${pad(i + 1)}`)));
});
afterAll(() => server.close());

describe('_count', () => {
  it('defaults to 20, with next and previous links that walk the whole result', async () => {
    const first = await searchBundle(server, 'Patient?_tag=page');
    expect(first.entry).toHaveLength(20);
    expect(link(first, 'self')).toBe(`${server.fhirBase}/Patient?_tag=page`);
    expect(link(first, 'previous')).toBeUndefined();
    const second = await searchBundle(server, link(first, 'next')!);
    expect(second.entry).toHaveLength(5);
    expect(link(second, 'next')).toBeUndefined();
    expect(new Set([...idsOf(first), ...idsOf(second)]).size).toBe(25);
    const back = await searchBundle(server, link(second, 'previous')!);
    expect(idsOf(back)).toEqual(idsOf(first));
  });

  it('is at most 1000: larger values are clamped, and the self link says so', async () => {
    const all = await searchBundle(server, 'Patient?_tag=page&_count=5000');
    expect(all.entry).toHaveLength(25);
    expect(linkParams(link(all, 'self')!)).toEqual([['_tag', 'page'], ['_count', '1000']]);
    expect(link(all, 'next')).toBeUndefined();
    expect((await searchBundle(server, 'Patient?_tag=page&_count=1000')).entry).toHaveLength(25);
  });

  it('_count=0 returns no entries', async () => {
    const none = await searchBundle(server, 'Patient?_tag=page&_count=0');
    expect(none.entry).toBeUndefined();
  });

  it('every page entry is a match', async () => {
    const bundle = await searchBundle(server, 'Patient?_tag=page&_count=7');
    expect((bundle.entry as Json[]).map((e) => e.search.mode)).toEqual(Array(7).fill('match'));
  });
});

describe('_total', () => {
  it('accurate and estimate give the number of matches; none gives none', async () => {
    expect((await searchBundle(server, 'Patient?_tag=page&_count=5&_total=accurate')).total).toBe(25);
    const estimate = (await searchBundle(server, 'Patient?_tag=page&_count=5&_total=estimate')).total;
    expect(typeof estimate).toBe('number');
    expect((await searchBundle(server, 'Patient?_tag=page&_count=5&_total=none')).total).toBeUndefined();
    expect((await searchBundle(server, 'Patient?_tag=page&_count=0&_total=accurate')).total).toBe(25);
  });
});

describe('links while data changes', () => {
  it('a sorted next page continues after the last resource seen: inserts before it stay out, inserts after it come in, deletes go', async () => {
    const first = await searchBundle(server, 'Patient?_tag=live&_sort=family&_count=5');
    expect(idsOf(first)).toEqual(['lv01', 'lv02', 'lv03', 'lv04', 'lv05']);
    await load(server, [tagged('live', 'lv035', 'L035'), tagged('live', 'lv055', 'L055')]);
    expect((await fhir(server, 'Patient/lv07', { method: 'DELETE' })).status).toBeLessThan(300);
    const second = await searchBundle(server, link(first, 'next')!);
    expect(idsOf(second)).toEqual(['lv055', 'lv06', 'lv08', 'lv09', 'lv10']);
    expect(linkParams(link(second, 'next')!)).toEqual([['_tag', 'live'], ['_sort', 'family'], ['_count', '5']]);
    const third = await searchBundle(server, link(second, 'next')!);
    expect(idsOf(third)).toEqual(['lv11', 'lv12']);
    expect(link(third, 'next')).toBeUndefined();
    // Previous: the five resources before the second page's first, as the data now stands.
    const previous = await searchBundle(server, link(second, 'previous')!);
    expect(idsOf(previous)).toEqual(['lv02', 'lv03', 'lv035', 'lv04', 'lv05']);
    expect(link(previous, 'next')).toBeDefined();
  });

  it('unsorted pages keep their order when resources on them are updated, and new ones come last', async () => {
    const first = await searchBundle(server, 'Patient?_tag=rid&_count=3');
    const firstIds = idsOf(first);
    expect(firstIds).toHaveLength(3);
    // Updating a resource already seen must not bring it back; a new one appears at the end.
    await load(server, [{ ...tagged('rid', firstIds[0], 'Changed') }, tagged('rid', 'rd00', 'R00')]);
    const seen = [...firstIds];
    let url = link(first, 'next');
    while (url) {
      const page = await searchBundle(server, url);
      seen.push(...idsOf(page));
      url = link(page, 'next');
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen[7]).toBe('rd00');
  });
});

describe('the self link shows only the applied parameters', () => {
  it('unknown parameters and unknown sort keys are left out; known ones stay as written', async () => {
    const bundle = await searchBundle(server, 'Patient?_tag=page&no-such-param=1&family=p0&_sort=family,no-such-key&_count=5');
    expect(linkParams(link(bundle, 'self')!)).toEqual([
      ['_tag', 'page'],
      ['family', 'p0'],
      ['_sort', 'family'],
      ['_count', '5'],
    ]);
    expect(linkParams(link(bundle, 'next')!)).toEqual(linkParams(link(bundle, 'self')!));
    expect(idsOf(bundle)).toEqual(['pg01', 'pg02', 'pg03', 'pg04', 'pg05']);
  });

  it('POST _search answers as GET does', async () => {
    const res = await fhir(server, 'Patient/_search', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '_tag=page&family=p1&_count=100',
    });
    expect(res.status).toBe(200);
    expect(idsOf(res.body).sort()).toEqual(['pg10', 'pg11', 'pg12', 'pg13', 'pg14', 'pg15', 'pg16', 'pg17', 'pg18', 'pg19']);
  });
});
