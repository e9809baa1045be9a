/**
 * The RESTful interactions over HTTP (http.html): read, vread, create, update, delete, history, their
 * headers and preconditions, Prefer, formats, compression, CORS, the CapabilityStatement and $validate.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { expectOutcome, FHIR_JSON, patient, startTestServer } from '../helpers/server.js';

let server: RunningServer;
let api: ReturnType<typeof request>;

beforeAll(async () => {
  server = await startTestServer();
  api = request(server.url);
});
afterAll(() => server.close());

interface Entry {
  fullUrl?: string;
  resource?: { resourceType: string; id: string; meta: { versionId: string; lastUpdated: string }; [k: string]: unknown };
  request?: { method: string; url: string };
  response?: { status: string; etag?: string; lastModified?: string };
}
interface HistoryBundle {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: Entry[];
}

const create = (body: object, headers: Record<string, string> = {}) => {
  let req = api.post(`/fhir/${(body as { resourceType: string }).resourceType}`).set('Content-Type', FHIR_JSON);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req.send(body);
};
const put = (type: string, id: string, body: object, headers: Record<string, string> = {}) => {
  let req = api.put(`/fhir/${type}/${id}`).set('Content-Type', FHIR_JSON);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req.send({ ...body, id });
};
/** The path and query of an absolute link on our server, for supertest. */
const local = (url: string) => {
  const u = new URL(url);
  expect(`${u.protocol}//${u.host}`).toBe(server.url);
  return u.pathname + u.search;
};

describe('create', () => {
  it('assigns a server id, ignores a client id, and returns ETag, Last-Modified and a versioned Location', async () => {
    const res = await create({ ...patient('Create'), id: 'client-chosen' });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(id).not.toBe('client-chosen');
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers.location).toBe(`${server.fhirBase}/Patient/${id}/_history/1`);
    expect(new Date(res.headers['last-modified']).toUTCString()).toBe(res.headers['last-modified']);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({ resourceType: 'Patient', name: [{ family: 'Create' }], meta: { versionId: '1' } });
    expect(Date.parse(res.body.meta.lastUpdated)).not.toBeNaN();
    expect((await api.get('/fhir/Patient/client-chosen')).status).toBe(404);
  });

  it('ignores client-supplied meta.versionId and meta.lastUpdated', async () => {
    const res = await create({ ...patient(), meta: { versionId: '42', lastUpdated: '2001-01-01T00:00:00Z' } });
    expect(res.status).toBe(201);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.body.meta.lastUpdated).not.toBe('2001-01-01T00:00:00Z');
  });
});

describe('read and vread', () => {
  let id: string;
  let v1: { etag: string; lastModified: string };
  beforeAll(async () => {
    const c = await create(patient('Read'));
    id = c.body.id;
    v1 = { etag: c.headers.etag, lastModified: c.headers['last-modified'] };
    expect((await put('Patient', id, patient('Read2'))).status).toBe(200);
  });

  it('read returns the current version with ETag, Last-Modified and Content-Location', async () => {
    const res = await api.get(`/fhir/Patient/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Patient', id, name: [{ family: 'Read2' }], meta: { versionId: '2' } });
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.headers['last-modified']).toBe(new Date(res.body.meta.lastUpdated).toUTCString());
    expect(res.headers['content-location']).toBe(`${server.fhirBase}/Patient/${id}/_history/2`);
  });

  it('vread returns each version', async () => {
    const one = await api.get(`/fhir/Patient/${id}/_history/1`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, name: [{ family: 'Read' }], meta: { versionId: '1' } });
    expect(one.headers.etag).toBe(v1.etag);
    expect(one.headers['last-modified']).toBe(v1.lastModified);
    const two = await api.get(`/fhir/Patient/${id}/_history/2`);
    expect(two.body).toMatchObject({ name: [{ family: 'Read2' }], meta: { versionId: '2' } });
  });

  it('HEAD has the headers of a read and no body', async () => {
    const res = await api.head(`/fhir/Patient/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.text ?? '').toBe('');
  });

  it('If-None-Match with the current ETag is 304; with an old one 200', async () => {
    const same = await api.get(`/fhir/Patient/${id}`).set('If-None-Match', 'W/"2"');
    expect(same.status).toBe(304);
    expect(same.headers.etag).toBe('W/"2"');
    expect(same.text ?? '').toBe('');
    const old = await api.get(`/fhir/Patient/${id}`).set('If-None-Match', 'W/"1"');
    expect(old.status).toBe(200);
    expect(old.body.meta.versionId).toBe('2');
  });

  it('If-Modified-Since at or after Last-Modified is 304; before it 200', async () => {
    const current = await api.get(`/fhir/Patient/${id}`);
    const lm = current.headers['last-modified'];
    expect((await api.get(`/fhir/Patient/${id}`).set('If-Modified-Since', lm)).status).toBe(304);
    const later = new Date(Date.parse(lm) + 60_000).toUTCString();
    expect((await api.get(`/fhir/Patient/${id}`).set('If-Modified-Since', later)).status).toBe(304);
    const earlier = new Date(Date.parse(lm) - 60_000).toUTCString();
    const res = await api.get(`/fhir/Patient/${id}`).set('If-Modified-Since', earlier);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(id);
  });
});

describe('update', () => {
  it('creates on update (201), then updates (200), each a new version', async () => {
    const first = await put('Patient', 'upd-1', patient('One'));
    expect(first.status).toBe(201);
    expect(first.headers.etag).toBe('W/"1"');
    expect(first.headers.location).toBe(`${server.fhirBase}/Patient/upd-1/_history/1`);
    const second = await put('Patient', 'upd-1', patient('Two'));
    expect(second.status).toBe(200);
    expect(second.headers.etag).toBe('W/"2"');
    expect(second.headers.location).toBe(`${server.fhirBase}/Patient/upd-1/_history/2`);
    expect(second.body).toMatchObject({ id: 'upd-1', name: [{ family: 'Two' }], meta: { versionId: '2' } });
    expect((await api.get('/fhir/Patient/upd-1')).body.name[0].family).toBe('Two');
  });

  it('If-Match with the current version lets the update through', async () => {
    await put('Patient', 'upd-2', patient('One'));
    const res = await put('Patient', 'upd-2', patient('Two'), { 'If-Match': 'W/"1"' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    // A strong ETag naming the same version is accepted too.
    expect((await put('Patient', 'upd-2', patient('Three'), { 'If-Match': '"2"' })).status).toBe(200);
  });
});

describe('patch', () => {
  it('JSON Patch with If-Match applies to the current version', async () => {
    await put('Patient', 'patch-1', patient('Patch'));
    const res = await api
      .patch('/fhir/Patient/patch-1')
      .set('Content-Type', 'application/json-patch+json')
      .set('If-Match', 'W/"1"')
      .send(JSON.stringify([{ op: 'add', path: '/active', value: true }]));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.body).toMatchObject({ id: 'patch-1', active: true, name: [{ family: 'Patch' }], meta: { versionId: '2' } });
    expect((await api.get('/fhir/Patient/patch-1')).body.active).toBe(true);
  });
});

describe('delete', () => {
  it('writes a tombstone: read is 410, history shows the deletion, deleting again changes nothing', async () => {
    await put('Patient', 'del-1', patient('Del'));
    const del = await api.delete('/fhir/Patient/del-1');
    expect(del.status).toBe(200);
    expect(del.headers.etag).toBe('W/"2"');
    expectOutcome(del.body, { severity: 'information' });

    expect((await api.get('/fhir/Patient/del-1')).status).toBe(410);

    const hist = (await api.get('/fhir/Patient/del-1/_history')).body as HistoryBundle;
    expect(hist.total).toBe(2);
    expect(hist.entry![0]).toMatchObject({ request: { method: 'DELETE', url: 'Patient/del-1' }, response: { etag: 'W/"2"' } });
    expect(hist.entry![0].resource).toBeUndefined();
    expect(hist.entry![1]).toMatchObject({ resource: { id: 'del-1', meta: { versionId: '1' } }, response: { etag: 'W/"1"' } });

    const again = await api.delete('/fhir/Patient/del-1');
    expect(again.status).toBe(200);
    expect(again.headers.etag).toBe('W/"2"');
    expect(((await api.get('/fhir/Patient/del-1/_history')).body as HistoryBundle).total).toBe(2);

    // Update after delete re-creates the resource at the next version.
    const back = await put('Patient', 'del-1', patient('Back'));
    expect(back.status).toBe(201);
    expect(back.headers.etag).toBe('W/"3"');
  });

  it('If-Match with the current version lets the delete through', async () => {
    await put('Patient', 'del-2', patient());
    expect((await api.delete('/fhir/Patient/del-2').set('If-Match', 'W/"1"')).status).toBe(200);
    expect((await api.get('/fhir/Patient/del-2')).status).toBe(410);
  });
});

describe('Prefer: return=', () => {
  it('minimal: no body, but the headers', async () => {
    const res = await create(patient(), { Prefer: 'return=minimal' });
    expect(res.status).toBe(201);
    expect(res.text ?? '').toBe('');
    expect(res.headers.location).toMatch(/\/Patient\/[^/]+\/_history\/1$/);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers['preference-applied']).toBe('return=minimal');
    const upd = await put('Patient', 'prefer-1', patient(), { Prefer: 'return=minimal' });
    expect(upd.status).toBe(201);
    expect(upd.text ?? '').toBe('');
  });

  it('representation: the resource', async () => {
    const res = await create(patient('Rep'), { Prefer: 'return=representation' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ resourceType: 'Patient', name: [{ family: 'Rep' }] });
    expect(res.headers['preference-applied']).toBe('return=representation');
  });

  it('OperationOutcome: an OperationOutcome instead of the resource', async () => {
    const res = await create(patient(), { Prefer: 'return=OperationOutcome' });
    expect(res.status).toBe(201);
    expectOutcome(res.body, { severity: 'information' });
    expect(res.headers.location).toMatch(/\/Patient\/[^/]+\/_history\/1$/);
    const upd = await put('Patient', 'prefer-2', patient(), { Prefer: 'return=OperationOutcome' });
    expect(upd.status).toBe(201);
    expect(upd.body.resourceType).toBe('OperationOutcome');
  });

  it('without Prefer the resource is returned', async () => {
    const res = await create(patient('Default'));
    expect(res.body.resourceType).toBe('Patient');
  });
});

describe('formats', () => {
  let id: string;
  beforeAll(async () => {
    id = (await create(patient('Fmt'))).body.id;
  });

  it('_format=json gives application/fhir+json', async () => {
    const res = await api.get(`/fhir/Patient/${id}?_format=json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body.id).toBe(id);
  });

  it.each([
    ['application/json', /^application\/json/],
    ['application/fhir+json', /^application\/fhir\+json/],
    ['*/*', /^application\/fhir\+json/],
    ['application/fhir+xml;q=0.9, application/json;q=0.5', /^application\/json/],
  ])('Accept: %s', async (accept, type) => {
    const res = await api.get(`/fhir/Patient/${id}`).set('Accept', accept);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
    expect(JSON.parse(res.text).id).toBe(id);
  });

  it('_format wins over Accept', async () => {
    const res = await api.get(`/fhir/Patient/${id}?_format=application/fhir%2Bjson`).set('Accept', 'application/fhir+xml');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  });

  it('_pretty=true indents; without it the body is compact', async () => {
    const pretty = await api.get(`/fhir/Patient/${id}?_pretty=true`);
    expect(pretty.text).toContain('\n  "resourceType": "Patient"');
    expect(JSON.parse(pretty.text).id).toBe(id);
    const compact = await api.get(`/fhir/Patient/${id}`);
    expect(compact.text).not.toContain('\n');
    const prettyError = await api.get('/fhir/Patient/nobody?_pretty=true');
    expect(prettyError.status).toBe(404);
    expect(prettyError.text).toContain('\n');
  });

  it('gzip when the client accepts it and the body is over 1 KB', async () => {
    const big = await create({ ...patient('Gzip'), address: Array.from({ length: 40 }, (_, i) => ({ line: [`${i} Long Street`], city: 'Hangzhou' })) });
    const res = await api.get(`/fhir/Patient/${big.body.id}`).set('Accept-Encoding', 'gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.address).toHaveLength(40); // supertest inflates it
    const plain = await api.get(`/fhir/Patient/${big.body.id}`).set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const small = await api.get(`/fhir/Patient/${id}`).set('Accept-Encoding', 'gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});

describe('CORS', () => {
  it('answers a preflight', async () => {
    const res = await api
      .options('/fhir/Patient/abc')
      .set('Origin', 'https://app.example.org')
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'content-type, if-match, authorization');
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toMatch(/PUT/);
    expect(res.headers['access-control-allow-methods']).toMatch(/PATCH/);
    expect(res.headers['access-control-allow-headers']).toMatch(/if-match/i);
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
  });

  it('exposes ETag, Location and Last-Modified to scripts', async () => {
    const res = await create(patient()).set('Origin', 'https://app.example.org');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const exposed = String(res.headers['access-control-expose-headers']).split(/,\s*/).map((h) => h.toLowerCase());
    for (const h of ['etag', 'location', 'last-modified', 'content-location']) expect(exposed).toContain(h);
  });

  it('errors carry CORS headers too', async () => {
    const res = await api.get('/fhir/Patient/nobody').set('Origin', 'https://app.example.org');
    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('history', () => {
  it('instance history, newest first, with _count and _since', async () => {
    const versions: { lastUpdated: string }[] = [];
    for (const family of ['H1', 'H2', 'H3', 'H4']) versions.push((await put('Patient', 'hist-1', patient(family))).body.meta);
    const all = (await api.get('/fhir/Patient/hist-1/_history')).body as HistoryBundle;
    expect(all).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 4 });
    expect(all.entry!.map((e) => e.resource!.meta.versionId)).toEqual(['4', '3', '2', '1']);
    expect(all.entry![3]).toMatchObject({
      fullUrl: `${server.fhirBase}/Patient/hist-1`,
      request: { method: 'PUT', url: 'Patient/hist-1' },
      response: { status: '201', etag: 'W/"1"' },
    });
    expect(all.entry![0].response).toMatchObject({ status: '200', etag: 'W/"4"' });

    const since = (await api.get(`/fhir/Patient/hist-1/_history?_since=${encodeURIComponent(versions[2].lastUpdated)}`)).body as HistoryBundle;
    expect(since.entry!.map((e) => e.resource!.meta.versionId)).toEqual(['4', '3']);

    const page = (await api.get('/fhir/Patient/hist-1/_history?_count=3')).body as HistoryBundle;
    expect(page.entry!.map((e) => e.resource!.meta.versionId)).toEqual(['4', '3', '2']);
    const next = page.link.find((l) => l.relation === 'next')!;
    const rest = (await api.get(local(next.url))).body as HistoryBundle;
    expect(rest.entry!.map((e) => e.resource!.meta.versionId)).toEqual(['1']);
    expect(rest.link.find((l) => l.relation === 'next')).toBeUndefined();
  });

  it('type history holds only that type; system history holds every type', async () => {
    const org = await create({ resourceType: 'Organization', name: 'Hist Org' });
    const pat = await create(patient('HistType'));
    const type = (await api.get('/fhir/Organization/_history')).body as HistoryBundle;
    expect(type.entry!.every((e) => e.resource?.resourceType === 'Organization')).toBe(true);
    expect(type.entry!.map((e) => e.resource!.id)).toContain(org.body.id);
    const system = (await api.get('/fhir/_history?_count=5')).body as HistoryBundle;
    const ids = system.entry!.map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
    expect(ids.slice(0, 2)).toEqual([`Patient/${pat.body.id}`, `Organization/${org.body.id}`]);
    expect(system.link.find((l) => l.relation === 'self')!.url).toMatch(/\/fhir\/_history\?/);
  });

  it('paging with next links has no duplicates and no gaps while writes happen between page fetches', async () => {
    // Practitioner is used only here: the type history is ours alone.
    const written: string[] = [];
    for (let i = 0; i < 23; i++) {
      const id = `pager-${i % 9}`;
      const res = await put('Practitioner', id, { resourceType: 'Practitioner', name: [{ family: `P${i}` }] });
      written.push(`${id}@${res.body.meta.versionId}`);
    }
    const deleted = await api.delete('/fhir/Practitioner/pager-0');
    written.push(`pager-0@${/W\/"(\d+)"/.exec(deleted.headers.etag)![1]}`);

    const seen: string[] = [];
    let url: string | undefined = '/fhir/Practitioner/_history?_count=5';
    let pages = 0;
    while (url) {
      const res = await api.get(url);
      expect(res.status).toBe(200);
      const bundle = res.body as HistoryBundle;
      pages++;
      for (const e of bundle.entry ?? []) {
        const [, type, id] = /\/(\w+)\/([^/]+)$/.exec(e.fullUrl!)!;
        expect(type).toBe('Practitioner');
        seen.push(`${id}@${/W\/"(\d+)"/.exec(e.response!.etag!)![1]}`);
      }
      // Writes between page fetches: new versions of resources already paged, and new resources.
      await put('Practitioner', `pager-${pages % 9}`, { resourceType: 'Practitioner', name: [{ family: `Late${pages}` }] });
      await create({ resourceType: 'Practitioner', name: [{ family: `New${pages}` }] });
      const next = bundle.link.find((l) => l.relation === 'next');
      url = next ? local(next.url) : undefined;
      expect(pages).toBeLessThan(20);
    }
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...written].reverse());
  });

  it('_since on the system history', async () => {
    const before = await create(patient('SinceBefore'));
    const after = await create(patient('SinceAfter'));
    const res = (await api.get(`/fhir/_history?_since=${encodeURIComponent(after.body.meta.lastUpdated)}`)).body as HistoryBundle;
    const ids = res.entry!.map((e) => e.resource?.id);
    expect(ids).toContain(after.body.id);
    expect(ids).not.toContain(before.body.id);
  });
});

describe('CapabilityStatement', () => {
  it('GET /fhir/metadata lists the interactions and $validate', async () => {
    const res = await api.get('/fhir/metadata');
    expect(res.status).toBe(200);
    const cs = res.body;
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance', status: 'active' });
    expect(cs.format).toContain('application/fhir+json');
    const rest = cs.rest[0];
    const system = rest.interaction.map((i: { code: string }) => i.code);
    for (const code of ['transaction', 'batch', 'history-system']) expect(system).toContain(code);
    const pat = rest.resource.find((r: { type: string }) => r.type === 'Patient');
    const codes = pat.interaction.map((i: { code: string }) => i.code);
    for (const code of ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type']) expect(codes).toContain(code);
    expect(pat).toMatchObject({ versioning: 'versioned', readHistory: true, updateCreate: true, conditionalCreate: true });
    expect(pat.operation).toContainEqual({ name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' });
  });
});

describe('$validate', () => {
  beforeAll(async () => {
    await put('Patient', 'val-1', patient('Valid'));
  });

  const isOutcome = (res: request.Response) => {
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.length).toBeGreaterThan(0);
  };

  it('type level with the resource as the body', async () => {
    const res = await api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send(patient());
    isOutcome(res);
    expect(res.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
  });

  it('type level with Parameters (resource, mode=create, profile)', async () => {
    const res = await api
      .post('/fhir/Patient/$validate')
      .set('Content-Type', FHIR_JSON)
      .send({
        resourceType: 'Parameters',
        parameter: [
          { name: 'resource', resource: patient() },
          { name: 'mode', valueCode: 'create' },
          { name: 'profile', valueUri: 'http://hl7.org/fhir/StructureDefinition/Patient' },
        ],
      });
    isOutcome(res);
    expect(res.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
  });

  it('type level: a resource of another type is reported in the outcome, still 200', async () => {
    const res = await api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send({ resourceType: 'Organization', name: 'x' });
    isOutcome(res);
    expectOutcome(res.body, { diagnostics: /not a Patient/ });
  });

  it('instance level on the stored resource (GET) with profile', async () => {
    const res = await api.get(`/fhir/Patient/val-1/$validate?profile=${encodeURIComponent('http://hl7.org/fhir/StructureDefinition/Patient')}`);
    isOutcome(res);
  });

  it('instance level mode=update checks the id against the URL', async () => {
    const ok = await api.post('/fhir/Patient/val-1/$validate?mode=update').set('Content-Type', FHIR_JSON).send({ ...patient(), id: 'val-1' });
    isOutcome(ok);
    expect(ok.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    const bad = await api.post('/fhir/Patient/val-1/$validate?mode=update').set('Content-Type', FHIR_JSON).send({ ...patient(), id: 'other' });
    isOutcome(bad);
    expectOutcome(bad.body, { diagnostics: /'other' does not match 'val-1'/ });
  });

  it('instance level mode=delete', async () => {
    const res = await api.get('/fhir/Patient/val-1/$validate?mode=delete');
    isOutcome(res);
    expectOutcome(res.body, { severity: 'information' });
  });

  it('a bad mode is a 400', async () => {
    const res = await api.get('/fhir/Patient/val-1/$validate?mode=sideways');
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', expression: 'mode' });
  });

  it('$validate writes nothing', async () => {
    const before = ((await api.get('/fhir/Patient/_history?_count=0')).body as HistoryBundle).total;
    await api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send(patient());
    expect(((await api.get('/fhir/Patient/_history?_count=0')).body as HistoryBundle).total).toBe(before);
  });
});
