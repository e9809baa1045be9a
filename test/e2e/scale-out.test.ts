/**
 * Scale-out on PostgreSQL: two `qiao serve` processes on one database serve a mixed workload as one
 * server would. A write through one is readable through the other at once; paging links made by one
 * work on the other (cursors are self-contained positions, not state in the process that made them);
 * custom SearchParameters, and the CapabilityStatement that lists them, follow the other process's
 * commits (LISTEN/NOTIFY), so nothing that matters lives only in one process's memory.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../helpers/process.js';
import { dropPgSchema, freshPgDatabase, PG_SKIP_REASON, PG_URL } from '../helpers/postgres.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Json;
}

/** How long another process may take to act on a NOTIFY: generous, it is normally milliseconds. */
const PROPAGATION_MS = 5000;
const SYSTEM = 'http://qiao.test/scale-out';

if (!PG_URL) console.warn(PG_SKIP_REASON);

/**
 * One HTTP request to a node. `target` is a path under the node's FHIR base or an absolute URL (a link
 * made by either node), which is sent to this node whatever host it names. node:http rather than fetch,
 * so that a test can set the Host header as a load balancer in front of both nodes would pass it on.
 */
function call(node: ServerProcess, method: string, target: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const base = new URL(node.fhirBase);
  const url = new URL(/^https?:/.test(target) ? target : target ? `${node.fhirBase}/${target}` : node.fhirBase);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: url.pathname + url.search,
        headers: { Accept: 'application/fhir+json', ...(payload ? { 'Content-Type': 'application/fhir+json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like call(), but the answer must have this status; the failure message shows the body. */
async function expectStatus(status: number, node: ServerProcess, method: string, target: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
  const reply = await call(node, method, target, body, headers);
  expect(reply.status, `${method} ${target} -> ${reply.status}: ${JSON.stringify(reply.body).slice(0, 500)}`).toBe(status);
  return reply;
}

const linkOf = (bundle: Json, relation: string): string | undefined => (bundle.link as Json[] | undefined)?.find((l) => l.relation === relation)?.url;
const entries = (bundle: Json): Json[] => (bundle.entry as Json[] | undefined) ?? [];
/** "Type/id@version" of each match, in the order given: comparable between nodes whatever their base URLs. */
const versions = (bundle: Json): string[] => entries(bundle).map((e) => `${e.resource.resourceType}/${e.resource.id}@${e.resource.meta.versionId}`);

/** Every match of a search on `first`, following each next link on `follow` (the same node or the other). */
async function allPages(first: ServerProcess, follow: ServerProcess, query: string): Promise<{ ids: string[]; pages: number }> {
  let page = (await expectStatus(200, first, 'GET', query)).body;
  const ids = entries(page).map((e) => e.resource.id as string);
  let pages = 1;
  for (let next = linkOf(page, 'next'); next; next = linkOf(page, 'next')) {
    page = (await expectStatus(200, follow, 'GET', next)).body;
    ids.push(...entries(page).map((e) => e.resource.id as string));
    pages++;
    expect(pages, 'paging does not end').toBeLessThan(100);
  }
  return { ids, pages };
}

/** Calls probe until it returns true, for at most PROPAGATION_MS; returns whether it did. */
async function eventually(probe: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + PROPAGATION_MS;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const STRICT = { Prefer: 'handling=strict' };
/** Does the node know the search parameter (a strict search with it is not a 400)? */
const knows = async (node: ServerProcess, query: string) => (await call(node, 'GET', query, undefined, STRICT)).status === 200;
/** The custom search parameters the node's CapabilityStatement lists for a type. */
async function listedParams(node: ServerProcess, type: string): Promise<string[]> {
  const cs = (await expectStatus(200, node, 'GET', 'metadata')).body;
  const resource = (cs.rest[0].resource as Json[]).find((r) => r.type === type)!;
  return (resource.searchParam as Json[]).map((p) => p.name as string);
}

describe.skipIf(!PG_URL)('two qiao serve processes on one PostgreSQL', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let schema: string;

  beforeAll(async () => {
    const db = freshPgDatabase();
    schema = db.schema;
    // Started together on an empty schema: they must migrate it once between them.
    [a, b] = await Promise.all([spawnServer(db.url), spawnServer(db.url)]);
  });

  afterAll(async () => {
    for (const p of [a, b]) if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.all([a, b].filter(Boolean).map((p) => p.exited));
    if (schema) await dropPgSchema(schema);
  });

  it('a write through one node is readable, searchable and in the history through the other at once', async () => {
    const identifier = [{ system: SYSTEM, value: 'once' }];
    const created = await expectStatus(201, a, 'POST', 'Patient', { resourceType: 'Patient', identifier, name: [{ family: 'Once' }] });
    const id = created.body.id as string;

    const read = await expectStatus(200, b, 'GET', `Patient/${id}`);
    expect(read.body).toEqual(created.body);
    expect(read.headers.etag).toBe('W/"1"');
    expect((await expectStatus(200, b, 'GET', `Patient/${id}/_history/1`)).body).toEqual(created.body);
    expect(versions((await expectStatus(200, b, 'GET', `Patient?identifier=${SYSTEM}|once`)).body)).toEqual([`Patient/${id}@1`]);
    expect(versions((await expectStatus(200, b, 'GET', `Patient?_id=${id}`)).body)).toEqual([`Patient/${id}@1`]);
    const history = (await expectStatus(200, b, 'GET', `Patient/${id}/_history`)).body;
    expect(history.total).toBe(1);

    // A conditional create on B finds what A created, rather than making a second one.
    const again = await expectStatus(200, b, 'POST', 'Patient', { resourceType: 'Patient', identifier }, { 'If-None-Exist': `identifier=${SYSTEM}|once` });
    expect(again.body.id).toBe(id);

    // Update through B with A's version as the precondition; A reads the new version at once.
    const updated = await expectStatus(200, b, 'PUT', `Patient/${id}`, { ...created.body, name: [{ family: 'Twice' }] }, { 'If-Match': 'W/"1"' });
    expect(updated.body.meta.versionId).toBe('2');
    expect((await expectStatus(200, a, 'GET', `Patient/${id}`)).body).toEqual(updated.body);
    await expectStatus(412, a, 'PUT', `Patient/${id}`, { ...created.body, name: [{ family: 'Stale' }] }, { 'If-Match': 'W/"1"' });
    expect(versions((await expectStatus(200, a, 'GET', 'Patient?family=Twice')).body)).toEqual([`Patient/${id}@2`]);
    expect(entries((await expectStatus(200, a, 'GET', 'Patient?family=Once')).body)).toEqual([]);

    // Delete through A: B answers 410 Gone, finds it no more, and still has every version in its history.
    await expectStatus(200, a, 'DELETE', `Patient/${id}`);
    await expectStatus(410, b, 'GET', `Patient/${id}`);
    expect(entries((await expectStatus(200, b, 'GET', `Patient?identifier=${SYSTEM}|once`)).body)).toEqual([]);
    expect((await expectStatus(200, b, 'GET', `Patient/${id}/_history/2`)).body.name).toEqual([{ family: 'Twice' }]);
    const after = (await expectStatus(200, b, 'GET', `Patient/${id}/_history`)).body;
    expect(entries(after).map((e) => [e.request.method, e.response.etag])).toEqual([
      ['DELETE', 'W/"3"'],
      ['PUT', 'W/"2"'],
      ['POST', 'W/"1"'],
    ]);
  });

  it('a mixed concurrent workload over both nodes leaves them answering identically', async () => {
    const nodes = [a, b];
    const on = (i: number) => nodes[i % 2];
    const N = 40;
    const patient = (i: number) => ({ resourceType: 'Patient', id: `mix-${i}`, identifier: [{ system: SYSTEM, value: `mix-${i}` }], name: [{ family: 'Mixed', given: [`g${i}`] }] });

    // Creates (PUT with client ids, so both nodes race on the same ids too), reads, searches and
    // transactions, all in flight at once and spread over the nodes.
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      work.push(call(on(i), 'PUT', `Patient/mix-${i}`, patient(i)));
      work.push(call(on(i + 1), 'PUT', `Patient/mix-${i}`, { ...patient(i), gender: i % 3 ? 'female' : 'male' }));
      // A read racing the creates finds nothing yet or a whole version; never an error.
      work.push(
        call(on(i), 'GET', `Patient/mix-${(i * 7) % N}`).then((r) => {
          expect([200, 404]).toContain(r.status);
          if (r.status === 200) expect(['1', '2']).toContain(r.body.meta.versionId);
        }),
      );
      work.push(expectStatus(200, on(i + 1), 'GET', 'Patient?family=Mixed&_count=10'));
    }
    for (let t = 0; t < 6; t++) {
      const bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000000${t}`, resource: patient(100 + t), request: { method: 'POST', url: 'Patient' } },
          {
            resource: { resourceType: 'Observation', status: 'final', code: { text: 'mixed' }, subject: { reference: `urn:uuid:00000000-0000-4000-8000-00000000000${t}` } },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      };
      work.push(expectStatus(200, on(t), 'POST', '', bundle));
    }
    // A shared counter bumped through both nodes with If-Match: SERIALIZABLE transactions in the one
    // database, not anything in a process, must stop lost updates between the nodes.
    await expectStatus(201, a, 'PUT', 'Basic/counter', { resourceType: 'Basic', id: 'counter', code: { text: '0' } });
    const BUMPS = 16;
    const bump = async (node: ServerProcess) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const current = await expectStatus(200, node, 'GET', 'Basic/counter');
        const next = { ...current.body, code: { text: String(Number(current.body.code.text) + 1) } };
        const put = await call(node, 'PUT', 'Basic/counter', next, { 'If-Match': current.headers.etag as string });
        if (put.status === 200) return;
        expect([409, 412]).toContain(put.status);
      }
      throw new Error('the counter could not be bumped');
    };
    for (let i = 0; i < BUMPS; i++) work.push(bump(on(i)));
    const replies = await Promise.all(work);
    for (const r of replies) if (r) expect((r as Reply).status, JSON.stringify((r as Reply).body).slice(0, 300)).toBeLessThan(300);

    // Both nodes now give the same matches at the same versions, and the same resources.
    const query = 'Patient?family=Mixed&_count=1000&_sort=_id';
    const [onA, onB] = await Promise.all([call(a, 'GET', query), call(b, 'GET', query)]);
    expect(versions(onA.body)).toHaveLength(N + 6);
    expect(versions(onB.body)).toEqual(versions(onA.body));
    for (let i = 0; i < N; i++) expect(versions(onA.body)).toContain(`Patient/mix-${i}@2`);
    for (const e of entries(onA.body)) {
      const [ra, rb] = await Promise.all([call(a, 'GET', `Patient/${e.resource.id}`), call(b, 'GET', `Patient/${e.resource.id}`)]);
      expect(rb.body).toEqual(ra.body);
      expect(rb.body).toEqual(e.resource);
    }
    const obs = 'Observation?code:text=mixed&_include=Observation:subject&_total=accurate&_sort=_id';
    const [obsA, obsB] = await Promise.all([call(a, 'GET', obs), call(b, 'GET', obs)]);
    expect(obsA.body.total).toBe(6);
    expect(versions(obsB.body)).toEqual(versions(obsA.body));
    expect(versions(obsA.body)).toHaveLength(12);

    const [counterA, counterB] = await Promise.all([call(a, 'GET', 'Basic/counter'), call(b, 'GET', 'Basic/counter')]);
    expect(counterA.body.code.text).toBe(String(BUMPS));
    expect(counterA.body.meta.versionId).toBe(String(BUMPS + 1));
    expect(counterB.body).toEqual(counterA.body);
    const [histA, histB] = await Promise.all([call(a, 'GET', 'Basic/counter/_history?_count=100'), call(b, 'GET', 'Basic/counter/_history?_count=100')]);
    expect(entries(histA.body).map((e) => e.resource.code.text)).toEqual(Array.from({ length: BUMPS + 1 }, (_, i) => String(BUMPS - i)));
    expect(versions(histB.body)).toEqual(versions(histA.body));
  });

  it('paging links made by one node work on the other: every match once, in order, both ways', async () => {
    const M = 23;
    await Promise.all(
      Array.from({ length: M }, (_, i) =>
        expectStatus(201, i % 2 ? a : b, 'PUT', `Patient/page-${String(i).padStart(2, '0')}`, {
          resourceType: 'Patient',
          id: `page-${String(i).padStart(2, '0')}`,
          name: [{ family: 'Pager' }],
          // Repeated birth dates, so the cursor's sort values tie and the rid breaks the tie.
          birthDate: `19${50 + (i % 7)}-01-01`,
        }),
      ),
    );
    const expected = Array.from({ length: M }, (_, i) => `page-${String(i).padStart(2, '0')}`);

    for (const sort of ['', '&_sort=birthdate', '&_sort=-birthdate,_id', '&_sort=-_lastUpdated']) {
      const query = `Patient?family=Pager&_count=5${sort}`;
      const whole = (await expectStatus(200, a, 'GET', `Patient?family=Pager&_count=1000${sort}`)).body;
      const order = entries(whole).map((e) => e.resource.id as string);
      expect([...order].sort()).toEqual(expected);

      const { ids, pages } = await allPages(a, b, query);
      expect(pages).toBe(5);
      expect(ids, `order of ${query} paged over both nodes`).toEqual(order);
      expect(new Set(ids).size).toBe(M);
    }

    // Back again: a previous link made by B, followed on A, gives the page before.
    const first = (await expectStatus(200, a, 'GET', 'Patient?family=Pager&_count=5&_sort=birthdate')).body;
    const second = (await expectStatus(200, b, 'GET', linkOf(first, 'next')!)).body;
    const back = (await expectStatus(200, a, 'GET', linkOf(second, 'previous')!)).body;
    expect(versions(back)).toEqual(versions(first));

    // A match created through the other node while paging is not a reason to repeat or skip one.
    const byRid = entries((await expectStatus(200, a, 'GET', 'Patient?family=Pager&_count=1000')).body).map((e) => e.resource.id as string);
    const p1 = (await expectStatus(200, a, 'GET', 'Patient?family=Pager&_count=5')).body;
    await expectStatus(201, b, 'PUT', 'Patient/page-late', { resourceType: 'Patient', id: 'page-late', name: [{ family: 'Pager' }] });
    const rest = await allPages(b, a, linkOf(p1, 'next')!);
    const all = [...entries(p1).map((e) => e.resource.id as string), ...rest.ids];
    expect(all).toEqual([...byRid, 'page-late']);

    // History cursors are positions in the commit order: A's next links work on B.
    for (let v = 0; v < 11; v++) await expectStatus(v ? 200 : 201, v % 2 ? a : b, 'PUT', 'Basic/many-versions', { resourceType: 'Basic', id: 'many-versions', code: { text: `v${v}` } });
    let page = (await expectStatus(200, a, 'GET', 'Basic/many-versions/_history?_count=3')).body;
    const seen = entries(page).map((e) => e.response.etag as string);
    for (let next = linkOf(page, 'next'), hops = 0; next && hops < 20; next = linkOf(page, 'next'), hops++) {
      page = (await expectStatus(200, hops % 2 ? a : b, 'GET', next)).body;
      seen.push(...entries(page).map((e) => e.response.etag as string));
    }
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => `W/"${11 - i}"`));
  });

  describe('custom SearchParameters', () => {
    const EXT = 'http://qiao.test/StructureDefinition/scale-colour';
    const param = {
      resourceType: 'SearchParameter',
      id: 'scale-colour',
      url: 'http://qiao.test/SearchParameter/scale-colour',
      name: 'ScaleColour',
      status: 'active',
      description: 'A colour recorded in an extension',
      code: 'scale-colour',
      base: ['Patient'],
      type: 'token',
      expression: `Patient.extension.where(url='${EXT}').value`,
    };
    const coloured = (id: string, colour: string) => ({ resourceType: 'Patient', id, extension: [{ url: EXT, valueCode: colour }] });
    const ids = async (node: ServerProcess, query: string) => entries((await expectStatus(200, node, 'GET', query, undefined, STRICT)).body).map((e) => e.resource.id as string).sort();

    it('one POSTed through A is searched, indexed and listed in /metadata by B once A commits it', async () => {
      // Both nodes have built (and cached) their CapabilityStatements, and B does not know the parameter.
      expect(await listedParams(a, 'Patient')).not.toContain('scale-colour');
      expect(await listedParams(b, 'Patient')).not.toContain('scale-colour');
      await expectStatus(400, b, 'GET', 'Patient?scale-colour=blue', undefined, STRICT);
      await expectStatus(201, b, 'PUT', 'Patient/colour-before', coloured('colour-before', 'blue'));

      await expectStatus(201, a, 'PUT', 'SearchParameter/scale-colour', param);
      expect(await knows(a, 'Patient?scale-colour=blue'), 'A knows its own parameter at once').toBe(true);
      expect(await eventually(() => knows(b, 'Patient?scale-colour=blue')), `B learns of A's SearchParameter within ${PROPAGATION_MS} ms`).toBe(true);

      expect(await listedParams(a, 'Patient')).toContain('scale-colour');
      expect(await listedParams(b, 'Patient')).toContain('scale-colour');

      // Both index new writes by it, whichever node takes the write, and both find them.
      await expectStatus(201, b, 'PUT', 'Patient/colour-b', coloured('colour-b', 'blue'));
      await expectStatus(201, a, 'PUT', 'Patient/colour-a', coloured('colour-a', 'blue'));
      await expectStatus(201, b, 'PUT', 'Patient/colour-green', coloured('colour-green', 'green'));
      for (const node of [a, b]) {
        expect(await ids(node, 'Patient?scale-colour=blue')).toEqual(['colour-a', 'colour-b']);
        expect(await ids(node, 'Patient?scale-colour=green')).toEqual(['colour-green']);
      }
      // $reindex through B backfills what was written before the parameter; A finds it.
      await expectStatus(200, b, 'POST', 'Patient/$reindex');
      expect(await ids(a, 'Patient?scale-colour=blue')).toEqual(['colour-a', 'colour-b', 'colour-before']);
    });

    it('a change or a delete through A reaches B too', async () => {
      // A new expression: the parameter now reads the extension's valueString.
      await expectStatus(200, a, 'PUT', 'SearchParameter/scale-colour', { ...param, type: 'string', expression: `Patient.extension.where(url='${EXT}').value.ofType(string)` });
      const isString = async (node: ServerProcess) => (await call(node, 'GET', 'metadata')).body.rest[0].resource.find((r: Json) => r.type === 'Patient').searchParam.some((p: Json) => p.name === 'scale-colour' && p.type === 'string');
      expect(await isString(a)).toBe(true);
      expect(await eventually(() => isString(b)), 'B lists the changed parameter').toBe(true);
      await expectStatus(201, b, 'PUT', 'Patient/colour-string', { resourceType: 'Patient', id: 'colour-string', extension: [{ url: EXT, valueString: 'Teal' }] });
      expect(await ids(a, 'Patient?scale-colour=tea')).toEqual(['colour-string']);
      expect(await ids(b, 'Patient?scale-colour=tea')).toEqual(['colour-string']);

      await expectStatus(200, a, 'DELETE', 'SearchParameter/scale-colour');
      expect(await knows(a, 'Patient?scale-colour=tea')).toBe(false);
      expect(await eventually(async () => !(await knows(b, 'Patient?scale-colour=tea'))), 'B withdraws the deleted parameter').toBe(true);
      expect(await listedParams(b, 'Patient')).not.toContain('scale-colour');
    });

    it('SearchParameters written through both nodes at once all stay in force on both', async () => {
      // Each node writes its own series while the other's commits make it reload the stored set: a
      // reload that read the set just before this node's own commit must not withdraw what it wrote.
      const K = 60;
      const raced = (prefix: string, i: number) => ({ ...param, id: `${prefix}-${i}`, url: `http://qiao.test/SearchParameter/${prefix}-${i}`, name: `Race${prefix}${i}`, code: `${prefix}-${i}` });
      const lost: string[] = [];
      const series = async (node: ServerProcess, prefix: string) => {
        for (let i = 0; i < K; i++) {
          await expectStatus(201, node, 'PUT', `SearchParameter/${prefix}-${i}`, raced(prefix, i));
          // The writer has it in force from the acknowledgement on, and keeps it.
          for (let check = 0; check < 3; check++) if (!(await knows(node, `Patient?${prefix}-${i}=x`))) lost.push(`${prefix}-${i} on its writer`);
        }
      };
      await Promise.all([series(a, 'race-a'), series(b, 'race-b')]);
      expect(lost).toEqual([]);
      const codes = ['race-a', 'race-b'].flatMap((prefix) => Array.from({ length: K }, (_, i) => `${prefix}-${i}`));
      for (const [name, node] of [['A', a], ['B', b]] as const) {
        for (const code of codes) expect(await eventually(() => knows(node, `Patient?${code}=x`)), `${code} in force on ${name}`).toBe(true);
      }
      const [onA, onB] = await Promise.all([listedParams(a, 'Patient'), listedParams(b, 'Patient')]);
      expect(onB.sort()).toEqual(onA.sort());
      expect(onA.filter((c) => c.startsWith('race-')).sort()).toEqual([...codes].sort());
    });
  });

  it('behind one public base (a load balancer passing the same Host on), absolute references and links agree', async () => {
    const host = { Host: 'fhir.example.org' };
    const org = await expectStatus(201, a, 'POST', 'Organization', { resourceType: 'Organization', name: 'Shared base' }, host);
    const absolute = `http://fhir.example.org/fhir/Organization/${org.body.id}`;
    await expectStatus(201, b, 'POST', 'Patient', { resourceType: 'Patient', name: [{ family: 'Based' }], managingOrganization: { reference: absolute } }, host);
    const [onA, onB] = await Promise.all(
      [a, b].map(async (node) => (await expectStatus(200, node, 'GET', `Patient?organization=${org.body.id}&_include=Patient:organization`, undefined, host)).body),
    );
    expect(entries(onA).map((e) => e.fullUrl)).toContain(absolute);
    expect(entries(onB)).toEqual(entries(onA));
    expect(linkOf(onB, 'self')).toBe(linkOf(onA, 'self'));
  });

  it('a notification on the commit channel that is not one of ours does not bring a node down', async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      for (const payload of ['not json', '', '{"types":"Patient"}', 'null']) await client.query('SELECT pg_notify($1, $2)', [`qiao_commit_${schema}`, payload]);
    } finally {
      await client.end();
    }
    // Taken as "anything may have changed": the nodes reload what they cache and go on serving. Each
    // then learns of a SearchParameter the other writes, announced after (so delivered after) those.
    const after = (code: string) => ({ resourceType: 'SearchParameter', id: code, url: `http://qiao.test/SearchParameter/${code}`, name: code, status: 'active', description: 'after the noise', code, base: ['Patient'], type: 'token', expression: 'Patient.gender' });
    await expectStatus(201, a, 'PUT', 'SearchParameter/noise-a', after('noise-a'));
    await expectStatus(201, b, 'PUT', 'SearchParameter/noise-b', after('noise-b'));
    expect(await eventually(() => knows(b, 'Patient?noise-a=x')), `B after the noise:\n${b.output().slice(-2000)}`).toBe(true);
    expect(await eventually(() => knows(a, 'Patient?noise-b=x')), `A after the noise:\n${a.output().slice(-2000)}`).toBe(true);
    for (const node of [a, b]) {
      expect(node.child.exitCode).toBeNull();
      expect(await knows(node, 'Patient?race-a-0=x')).toBe(true);
    }
  });
});
