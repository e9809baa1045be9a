/**
 * Error behaviour of the FHIR HTTP API (http.html#return): every bad input gets the right status and an
 * OperationOutcome naming the problem; nothing is ever a 500 or a stack trace.
 */
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main.js';
import { expectNoStackTrace, expectOutcome, FHIR_JSON, patient, startTestServer } from '../helpers/server.js';

let server: RunningServer;
let api: ReturnType<typeof request>;

beforeAll(async () => {
  server = await startTestServer();
  api = request(server.url);
});
afterAll(() => server.close());

/** PUTs a Patient with a known id and returns its id. */
async function putPatient(id: string): Promise<string> {
  const res = await api.put(`/fhir/Patient/${id}`).set('Content-Type', FHIR_JSON).send({ ...patient(), id });
  expect([200, 201]).toContain(res.status);
  return id;
}

describe('400 Bad Request', () => {
  it('malformed JSON body', async () => {
    const res = await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send('{"resourceType": "Patient", "name": [');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /not valid JSON/ });
  });

  it('a body that is JSON but not a resource object', async () => {
    const res = await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send('[1, 2, 3]');
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /resource/ });
  });

  it('a create without a body', async () => {
    const res = await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON);
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /needs a request body/ });
  });

  it.each([
    ['/fhir/Patient?_count=abc', '_count', /'_count'.*not a non-negative integer/],
    ['/fhir/Patient/_history?_count=-1', '_count', /_count/],
    ['/fhir/_history?_since=yesterday', '_since', /_since must be an instant/],
    ['/fhir/Patient/_history?_since=2024-01-01', '_since', /_since must be an instant/],
    ['/fhir/_history?_cursor=x1', '_cursor', /_cursor/],
  ])('bad parameter: GET %s', async (url, expression, diagnostics) => {
    const res = await api.get(url);
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics, expression });
  });

  it.each(['abc', '0', '1.5', '-1'])('bad version id in vread: _history/%s', async (vid) => {
    await putPatient('err-vid');
    const res = await api.get(`/fhir/Patient/err-vid/_history/${vid}`);
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /Invalid version id/ });
  });

  it('bad resource id in the URL', async () => {
    const res = await api.get(`/fhir/Patient/${'x'.repeat(65)}`);
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /Invalid resource id/ });
    const bad = await api.get('/fhir/Patient/a_b');
    expect(bad.status).toBe(400);
    expectOutcome(bad.body, { code: 'invalid', diagnostics: /Invalid resource id/ });
  });

  it('a URL that is not validly percent-encoded', async () => {
    const res = await api.get('/fhir/Patient/%E0%A4%A');
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /percent-encoded/ });
  });

  it('a malformed If-Match', async () => {
    await putPatient('err-ifmatch');
    const res = await api
      .put('/fhir/Patient/err-ifmatch')
      .set('Content-Type', FHIR_JSON)
      .set('If-Match', 'version-one')
      .send({ ...patient(), id: 'err-ifmatch' });
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /If-Match/, expression: 'If-Match' });
  });

  describe('update body disagreeing with the URL', () => {
    it("the body's id differs from the URL's", async () => {
      const res = await api.put('/fhir/Patient/upd-a').set('Content-Type', FHIR_JSON).send({ ...patient(), id: 'upd-b' });
      expect(res.status).toBe(400);
      expectOutcome(res.body, { code: 'invalid', diagnostics: /'upd-b' does not match the URL's id 'upd-a'/, expression: 'Patient.id' });
      expect((await api.get('/fhir/Patient/upd-a')).status).toBe(404);
      expect((await api.get('/fhir/Patient/upd-b')).status).toBe(404);
    });

    it("the body's resourceType differs from the URL's", async () => {
      const res = await api.put('/fhir/Patient/upd-c').set('Content-Type', FHIR_JSON).send({ resourceType: 'Observation', id: 'upd-c', status: 'final' });
      expect(res.status).toBe(400);
      expectOutcome(res.body, { code: 'invalid', diagnostics: /resourceType 'Observation' does not match the URL's type 'Patient'/, expression: 'resourceType' });
    });

    it('the body has no id', async () => {
      const res = await api.put('/fhir/Patient/upd-d').set('Content-Type', FHIR_JSON).send(patient());
      expect(res.status).toBe(400);
      expectOutcome(res.body, { code: 'invalid', diagnostics: /no id/, expression: 'Patient.id' });
      expect((await api.get('/fhir/Patient/upd-d')).status).toBe(404);
    });

    it('a create whose body is of another type', async () => {
      const res = await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Observation', status: 'final' });
      expect(res.status).toBe(400);
      expectOutcome(res.body, { code: 'invalid', expression: 'resourceType' });
    });

    it('a body with an unknown resourceType is a 400, not a 422', async () => {
      const res = await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Pateint', name: [{ family: 'Li' }] });
      expect(res.status).toBe(400);
      expectOutcome(res.body, { code: 'invalid', diagnostics: /Pateint/, expression: 'resourceType' });
    });
  });
});

describe('404 Not Found', () => {
  it.each([
    ['GET', '/fhir/Pateint/1'],
    ['GET', '/fhir/Pateint'],
    ['POST', '/fhir/Pateint'],
    ['DELETE', '/fhir/Pateint/1'],
    ['GET', '/fhir/Pateint/_history'],
  ])('unknown resource type: %s %s', async (method, url) => {
    let req = api[method.toLowerCase() as 'get'](url);
    if (method === 'POST') req = req.set('Content-Type', FHIR_JSON).send({ resourceType: 'Pateint' });
    const res = await req;
    expect(res.status).toBe(404);
    expectOutcome(res.body, { code: 'not-found', diagnostics: /Unknown resource type 'Pateint'/ });
  });

  it('unknown id: read, vread, history, delete', async () => {
    for (const url of ['/fhir/Patient/nobody', '/fhir/Patient/nobody/_history/1', '/fhir/Patient/nobody/_history']) {
      const res = await api.get(url);
      expect(res.status, url).toBe(404);
      expectOutcome(res.body, { code: 'not-found', diagnostics: /Patient\/nobody/ });
    }
    const del = await api.delete('/fhir/Patient/nobody');
    expect(del.status).toBe(404);
    expectOutcome(del.body, { code: 'not-found', diagnostics: /Patient\/nobody/ });
  });

  it('an unknown version of a known resource', async () => {
    await putPatient('err-v');
    const res = await api.get('/fhir/Patient/err-v/_history/9');
    expect(res.status).toBe(404);
    expectOutcome(res.body, { code: 'not-found', diagnostics: /no version 9/ });
  });

  it('paths outside the FHIR API and unknown operations', async () => {
    const outside = await api.get('/nothing-here');
    expect(outside.status).toBe(404);
    expectOutcome(outside.body, { code: 'not-found', diagnostics: /\/fhir/ });
    const deep = await api.get('/fhir/Patient/1/_history/1/extra');
    expect(deep.status).toBe(404);
    expectOutcome(deep.body, { code: 'not-found' });
    const op = await api.get('/fhir/Patient/$no-such-operation');
    expect(op.status).toBe(404);
    expectOutcome(op.body, { code: 'not-found', diagnostics: /\$no-such-operation/ });
  });
});

describe('405 Method Not Allowed (with Allow)', () => {
  it.each([
    ['post', '/fhir/Patient/_history', ['GET']],
    ['post', '/fhir/Patient/abc/_history/1', ['GET']],
    ['post', '/fhir/Patient/abc', ['GET', 'PUT', 'PATCH', 'DELETE']],
    ['delete', '/fhir/Patient/abc/_history', ['GET']],
    ['put', '/fhir/Patient/abc/_history/1', ['GET']],
    ['post', '/fhir/_history', ['GET']],
    ['delete', '/fhir/metadata', ['GET']],
    ['delete', '/fhir', ['GET', 'POST']],
  ] as const)('%s %s', async (method, url, allow) => {
    let req = api[method](url);
    if (method === 'put' || method === 'post') req = req.set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', id: 'abc' });
    const res = await req;
    expect(res.status).toBe(405);
    const allowed = String(res.headers.allow).split(/,\s*/);
    for (const m of allow) expect(allowed).toContain(m);
    expectOutcome(res.body, { code: 'not-supported' });
  });

  it('$validate changes nothing, so GET and POST are both allowed; other methods are not', async () => {
    const res = await api.delete('/fhir/Patient/$validate');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toMatch(/GET/);
    expect(res.headers.allow).toMatch(/POST/);
    expectOutcome(res.body, { code: 'not-supported', diagnostics: /\$validate/ });
  });
});

describe('412 Precondition Failed (version conflicts)', () => {
  it('If-Match with a stale version on update, patch and delete', async () => {
    await putPatient('conflict-1');
    await putPatient('conflict-1'); // now at version 2
    const upd = await api
      .put('/fhir/Patient/conflict-1')
      .set('Content-Type', FHIR_JSON)
      .set('If-Match', 'W/"1"')
      .send({ ...patient('Stale'), id: 'conflict-1' });
    expect(upd.status).toBe(412);
    expectOutcome(upd.body, { code: 'conflict', diagnostics: /If-Match.*current version of Patient\/conflict-1 is 2/ });

    const pat = await api
      .patch('/fhir/Patient/conflict-1')
      .set('Content-Type', 'application/json-patch+json')
      .set('If-Match', 'W/"1"')
      .send(JSON.stringify([{ op: 'replace', path: '/name/0/family', value: 'Stale' }]));
    expect(pat.status).toBe(412);
    expectOutcome(pat.body, { code: 'conflict', diagnostics: /If-Match/ });

    const del = await api.delete('/fhir/Patient/conflict-1').set('If-Match', 'W/"1"');
    expect(del.status).toBe(412);
    expectOutcome(del.body, { code: 'conflict', diagnostics: /If-Match/ });

    // Nothing changed.
    const now = await api.get('/fhir/Patient/conflict-1');
    expect(now.status).toBe(200);
    expect(now.headers.etag).toBe('W/"2"');
    expect(now.body.name[0].family).toBe('Li');
  });

  it('If-Match on an update of a resource that does not exist yet', async () => {
    const res = await api
      .put('/fhir/Patient/conflict-new')
      .set('Content-Type', FHIR_JSON)
      .set('If-Match', 'W/"1"')
      .send({ ...patient(), id: 'conflict-new' });
    expect(res.status).toBe(412);
    expectOutcome(res.body, { code: 'conflict' });
    expect((await api.get('/fhir/Patient/conflict-new')).status).toBe(404);
  });
});

describe('410 Gone', () => {
  it('read and vread of a deleted resource', async () => {
    await putPatient('gone-1');
    expect((await api.delete('/fhir/Patient/gone-1')).status).toBe(200);
    const res = await api.get('/fhir/Patient/gone-1');
    expect(res.status).toBe(410);
    expectOutcome(res.body, { code: 'deleted', diagnostics: /Patient\/gone-1 was deleted/ });
    const v = await api.get('/fhir/Patient/gone-1/_history/2');
    expect(v.status).toBe(410);
    expectOutcome(v.body, { code: 'deleted' });
    // The version before the deletion is still readable.
    expect((await api.get('/fhir/Patient/gone-1/_history/1')).status).toBe(200);
  });

  it('patching a deleted resource', async () => {
    await putPatient('gone-2');
    await api.delete('/fhir/Patient/gone-2');
    const res = await api
      .patch('/fhir/Patient/gone-2')
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'add', path: '/active', value: true }]));
    expect(res.status).toBe(410);
    expectOutcome(res.body, { code: 'deleted' });
  });
});

describe('413 Payload Too Large', () => {
  let small: RunningServer;
  beforeAll(async () => {
    small = await startTestServer({ bodyLimit: 1000 });
  });
  afterAll(() => small.close());

  it('a body over the configured limit', async () => {
    const body = JSON.stringify({ ...patient(), text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(2000)}</div>` } });
    const res = await request(small.url).post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(body);
    expect(res.status).toBe(413);
    expectOutcome(res.body, { code: 'too-costly', diagnostics: /larger than the limit of 1000 bytes/ });
    expect((await request(small.url).get('/fhir/Patient/_history')).body.total).toBe(0);
  });

  it('a body under the limit is accepted', async () => {
    const res = await request(small.url).post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(patient());
    expect(res.status).toBe(201);
  });
});

describe('415 Unsupported Media Type', () => {
  it.each([
    ['application/fhir+xml', '<Patient xmlns="http://hl7.org/fhir"><name><family value="Li"/></name></Patient>'],
    ['application/xml', '<Patient xmlns="http://hl7.org/fhir"/>'],
    ['text/plain', '{"resourceType":"Patient"}'],
  ])('a %s body', async (type, body) => {
    const res = await api.post('/fhir/Patient').set('Content-Type', type).send(body);
    expect(res.status).toBe(415);
    expectOutcome(res.body, { code: 'not-supported', diagnostics: new RegExp(`'${type.replace('+', '\\+')}' is not supported`) });
  });

  it('a body without a Content-Type', async () => {
    const res = await api.post('/fhir/Patient').set('Content-Type', '').send(Buffer.from('{"resourceType":"Patient"}'));
    expect(res.status).toBe(415);
    expectOutcome(res.body, { code: 'not-supported', diagnostics: /Content-Type/ });
  });

  it('a JSON Patch content type on a non-PATCH request', async () => {
    const res = await api.post('/fhir/Patient').set('Content-Type', 'application/json-patch+json').send('[]');
    expect(res.status).toBe(415);
    expectOutcome(res.body, { code: 'not-supported', diagnostics: /only with PATCH/ });
  });
});

describe('406 Not Acceptable', () => {
  it.each(['application/fhir+xml', 'application/xml', 'text/html'])('Accept: %s', async (accept) => {
    await putPatient('accept-1');
    const res = await api.get('/fhir/Patient/accept-1').set('Accept', accept);
    expect(res.status).toBe(406);
    expectOutcome(res.body, { code: 'not-supported', diagnostics: /Accept/ });
  });

  it.each(['xml', 'application/fhir+xml', 'turtle'])('_format=%s', async (format) => {
    const res = await api.get(`/fhir/metadata?_format=${encodeURIComponent(format)}`);
    expect(res.status).toBe(406);
    expectOutcome(res.body, { code: 'not-supported', diagnostics: /_format/ });
  });

  it('a write with Accept: XML changes nothing', async () => {
    const res = await api.put('/fhir/Patient/accept-2').set('Content-Type', FHIR_JSON).set('Accept', 'application/fhir+xml').send({ ...patient(), id: 'accept-2' });
    expect(res.status).toBe(406);
    expect((await api.get('/fhir/Patient/accept-2')).status).toBe(404);
  });
});

describe('422 Unprocessable Entity', () => {
  it.each([
    ['a code outside a required value set', { gender: 'x' }, 'code-invalid', 'Patient.gender', /not in the required value set/],
    ['an unknown element', { shoeSize: 44 }, 'structure', 'Patient.shoeSize', /Unrecognized element 'shoeSize'/],
    ['a malformed primitive', { birthDate: 'yesterday' }, 'value', 'Patient.birthDate', /Invalid date value 'yesterday'/],
  ])('create with %s: 422, the issue located, nothing stored', async (_what, extra, code, expression, diagnostics) => {
    const before = (await api.get('/fhir/Patient/_history?_count=0')).body.total as number;
    const res = await api.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ ...patient(), ...extra });
    expect(res.status).toBe(422);
    expectOutcome(res.body, { code, expression, diagnostics });
    expect((await api.get('/fhir/Patient/_history?_count=0')).body.total).toBe(before);
  });

  it('update with an invalid resource: 422 and the current version is unchanged', async () => {
    await putPatient('invalid-upd');
    const res = await api.put('/fhir/Patient/invalid-upd').set('Content-Type', FHIR_JSON).send({ ...patient(), id: 'invalid-upd', gender: 'x' });
    expect(res.status).toBe(422);
    expectOutcome(res.body, { code: 'code-invalid', expression: 'Patient.gender' });
    const now = await api.get('/fhir/Patient/invalid-upd');
    expect(now.headers.etag).toBe('W/"1"');
    expect(now.body.gender).toBeUndefined();
  });

  it('a patch whose result is invalid: 422 and nothing changes', async () => {
    await putPatient('invalid-patch');
    const res = await api
      .patch('/fhir/Patient/invalid-patch')
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'add', path: '/gender', value: 'x' }]));
    expect(res.status).toBe(422);
    expectOutcome(res.body, { code: 'code-invalid', expression: 'Patient.gender' });
    expect((await api.get('/fhir/Patient/invalid-patch')).headers.etag).toBe('W/"1"');
  });
});

describe('never a 500, never a stack trace', () => {
  // QIAO_FUZZ_SCALE=20 runs twenty times as many cases (for a longer hunt than CI's).
  const scale = Number(process.env.QIAO_FUZZ_SCALE ?? 1);
  const endpoints: { method: 'post' | 'put' | 'patch'; url: string }[] = [
    { method: 'post', url: '/fhir/Patient' },
    { method: 'put', url: '/fhir/Patient/fuzz' },
    { method: 'patch', url: '/fhir/Patient/fuzz' },
    { method: 'post', url: '/fhir' },
    { method: 'post', url: '/fhir/Observation/$validate' },
  ];
  const contentTypes = ['application/fhir+json', 'application/json', 'application/json-patch+json', 'text/plain', 'application/fhir+xml', 'application/x-www-form-urlencoded'];

  async function check(res: request.Response): Promise<void> {
    expect(res.status, res.text).toBeLessThan(500);
    expectNoStackTrace(res.text);
    if (res.status >= 400) expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: expect.any(Array) });
  }

  beforeAll(async () => {
    await putPatient('fuzz');
  });

  it('random bytes with random content types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), fc.constantFrom(...contentTypes), fc.uint8Array({ maxLength: 300 }), async (ep, type, bytes) => {
        await check(await api[ep.method](ep.url).set('Content-Type', type).send(Buffer.from(bytes)));
      }),
      { numRuns: 60 * scale },
    );
  });

  it('random JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), fc.jsonValue({ maxDepth: 4 }), async (ep, value) => {
        const type = ep.method === 'patch' && Array.isArray(value) ? 'application/json-patch+json' : FHIR_JSON;
        await check(await api[ep.method](ep.url).set('Content-Type', type).send(JSON.stringify(value)));
      }),
      { numRuns: 80 * scale },
    );
  });

  it('resource-shaped JSON with random members', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const resource = fc.record(
      {
        resourceType: fc.constantFrom('Patient', 'Observation', 'Bundle', 'Parameters', 'Binary', 'Nope', 7),
        id: fc.oneof(fc.constant('fuzz'), fc.string({ maxLength: 70 }), anyJson),
        meta: anyJson,
        name: anyJson,
        identifier: fc.oneof(anyJson, fc.array(fc.record({ system: fc.oneof(fc.webUrl(), anyJson), value: fc.oneof(fc.string(), anyJson) }, { requiredKeys: [] }))),
        reference: fc.oneof(fc.constantFrom('Patient/fuzz', 'urn:uuid:1', 'Patient?identifier=a|b'), anyJson),
      },
      { requiredKeys: ['resourceType'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), resource, async (ep, body) => {
        await check(await api[ep.method](ep.url).set('Content-Type', FHIR_JSON).send(JSON.stringify(body)));
      }),
      { numRuns: 80 * scale },
    );
  });

  it('Bundle-shaped JSON with random entries', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const entry = fc.oneof(
      anyJson,
      fc.record(
        {
          fullUrl: fc.oneof(fc.constantFrom('urn:uuid:0d0b2a49-0000-4000-8000-000000000001', 'urn:uuid:x'), anyJson),
          request: fc.oneof(
            anyJson,
            fc.record(
              {
                method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'get'), anyJson),
                url: fc.oneof(fc.constantFrom('Patient', 'Patient/fuzz', 'Patient/fuzz/_history', '', '/', 'metadata', 'Patient?identifier=a|b', 'http://elsewhere/Patient'), fc.string(), anyJson),
                ifMatch: fc.oneof(fc.constant('W/"1"'), anyJson),
                ifNoneExist: fc.oneof(fc.constant('identifier=a|b'), anyJson),
              },
              { requiredKeys: ['method', 'url'] },
            ),
          ),
          resource: fc.oneof(
            anyJson,
            fc.constant({ resourceType: 'Patient', id: 'fuzz', managingOrganization: { reference: 'urn:uuid:0d0b2a49-0000-4000-8000-000000000001' } }),
            fc.constant({ resourceType: 'Binary', contentType: 'application/json-patch+json', data: 'W10=' }),
            fc.constant({ resourceType: 'Parameters', parameter: [] }),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    const bundle = fc.record({ resourceType: fc.constant('Bundle'), type: fc.constantFrom('transaction', 'batch', 'collection'), entry: fc.oneof(fc.array(entry, { maxLength: 4 }), anyJson) });
    await fc.assert(
      fc.asyncProperty(bundle, async (body) => {
        await check(await api.post('/fhir').set('Content-Type', FHIR_JSON).send(JSON.stringify(body)));
      }),
      { numRuns: 120 * scale },
    );
  });

  it('PATCH with random FHIRPath Patch Parameters and random JSON Patch documents', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 2 });
    const part = fc.record(
      {
        name: fc.constantFrom('type', 'path', 'name', 'value', 'index', 'source', 'destination', 'other'),
        valueCode: fc.constantFrom('add', 'insert', 'delete', 'replace', 'move', 'nope'),
        valueString: fc.constantFrom('Patient', 'Patient.name', 'Patient.name[0]', 'Patient.name.given', 'family', 'given', "Patient.name.where(family='Li')", '(', 'Patient.id', 'Patient.meta', 'Patient.nope', 'Patient.name[5]'),
        valueInteger: fc.integer({ min: -3, max: 5 }),
        valueBoolean: anyJson,
      },
      { requiredKeys: ['name'] },
    );
    const fhirPathPatch = fc.record({
      resourceType: fc.constant('Parameters'),
      parameter: fc.oneof(fc.array(fc.record({ name: fc.constantFrom('operation', 'other'), part: fc.oneof(fc.array(part, { maxLength: 5 }), anyJson) }, { requiredKeys: ['name'] }), { maxLength: 3 }), anyJson),
    });
    const jsonPatch = fc.array(
      fc.record(
        {
          op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'x'), anyJson),
          path: fc.oneof(fc.constantFrom('/name/0/family', '/name/-', '/id', '/resourceType', '/meta', '', '/', '/name/9', '/~1', '/name/0/given/1'), anyJson),
          from: fc.constantFrom('/name/0', '/identifier', '/x'),
          value: anyJson,
        },
        { requiredKeys: ['op'] },
      ),
      { maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fhirPathPatch.map((b) => [FHIR_JSON, b] as const), jsonPatch.map((b) => ['application/json-patch+json', b] as const)), async ([type, body]) => {
        await check(await api.patch('/fhir/Patient/fuzz').set('Content-Type', type).send(JSON.stringify(body)));
      }),
      { numRuns: 150 * scale },
    );
  });

  it('random paths, queries and headers on GET', async () => {
    const segment = fc.oneof(fc.constantFrom('Patient', 'fuzz', '_history', '1', '$validate', 'metadata', '_search', 'Pateint'), fc.string({ maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 5 }),
        fc.array(fc.tuple(fc.constantFrom('_count', '_since', '_cursor', '_format', '_pretty', 'identifier', '_id', 'mode', 'profile'), fc.string({ maxLength: 20 })), { maxLength: 4 }),
        fc.record({ 'If-None-Match': fc.string({ maxLength: 10 }), 'If-Modified-Since': fc.string({ maxLength: 30 }), Accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'application/fhir+json;q=0.1, */*') }, { requiredKeys: [] }),
        async (segments, query, headers) => {
          const path = '/fhir/' + segments.map(encodeURIComponent).join('/');
          const qs = new URLSearchParams(query).toString();
          let req = api.get(qs ? `${path}?${qs}` : path);
          for (const [k, v] of Object.entries(headers)) req = req.set(k, v.replace(/[^\x20-\x7e]/g, ''));
          await check(await req);
        },
      ),
      { numRuns: 120 * scale },
    );
  });

  it('POST [type]/$validate with a Parameters whose parameter is not an array is a 400', async () => {
    const res = await api.post('/fhir/Patient/$validate').set('Content-Type', FHIR_JSON).send(JSON.stringify({ resourceType: 'Parameters', parameter: 0 }));
    expect(res.status).toBe(400);
    expectOutcome(res.body, { code: 'invalid', diagnostics: /must be an array/, expression: 'Parameters.parameter' });
  });
});
