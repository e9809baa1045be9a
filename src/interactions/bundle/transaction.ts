/**
 * transaction (http.html#transaction): every entry in one database transaction, all or nothing.
 * Order per spec: DELETE, POST, PUT/PATCH, GET/HEAD. After the DELETEs, new ids are assigned (and
 * conditional creates resolved) before any other write, so that every reference to a fullUrl can be rewritten first.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, preconditionFailed } from '../../fhir/errors.js';
import type { Bundle, BundleEntry } from '../../fhir/types.js';
import type { StoreTransaction } from '../../store/store.js';
import { criteriaOf, matchIds } from '../conditional.js';
import { resolveConditionalWrite } from '../conditional-write.js';
import { requireVisible } from '../access-check.js';
import { create } from '../create.js';
import { resourceResult } from '../resource-result.js';
import type { FhirRequest, FhirResult, InteractionContext } from '../types.js';
import { entryRequest } from './entry-request.js';
import { atEntry, responseEntry, type ReturnPreference } from './entry-response.js';
import { rewriteReferences, type ReferenceMap } from './references.js';

const ORDER: Record<FhirRequest['method'], number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

/**
 * The spec's order; within PUT/PATCH (whose order it leaves open, and whose targets cannot overlap),
 * by target: two transactions writing the same resources then lock them in the same order, instead of
 * deadlocking (PostgreSQL notices a deadlock only after deadlock_timeout, one second by default).
 */
function byProcessingOrder(a: Planned, b: Planned): number {
  const group = ORDER[a.req.method] - ORDER[b.req.method];
  if (group !== 0 || ORDER[a.req.method] !== 2) return group || a.index - b.index;
  const target = (p: Planned) => (p.req.path.length === 2 ? p.req.path.join('/') : '\uffff');
  const ta = target(a);
  const tb = target(b);
  return ta < tb ? -1 : ta > tb ? 1 : a.index - b.index;
}

interface Planned {
  index: number;
  req: FhirRequest;
  /** For POST: the id it will get, or the existing resource a conditional create matched. */
  newId?: string;
  existingId?: string;
}

export async function transaction(bundle: Bundle, ctx: InteractionContext, prefer: ReturnPreference): Promise<FhirResult> {
  if (ctx.inTransaction) throw badRequest('A transaction cannot be nested inside another Bundle');
  const entries = bundle.entry ?? [];
  const results = await ctx.write(async (tx) => {
    const inner: InteractionContext = { ...ctx, reader: tx, inTransaction: true, write: (fn) => fn(tx) };
    const planned = entries.map((e, i) => ({ index: i, req: entryRequest(e, i, ctx.baseUrl) }) as Planned);
    // The bodies are copies: reference rewriting changes them in place, and the store may run this
    // function again from the start after a conflict with a concurrent transaction (PostgreSQL).
    for (const p of planned) if (p.req.body !== undefined) p.req.body = structuredClone(p.req.body);
    const out: FhirResult[] = new Array(entries.length);
    // DELETEs come first, so that conditional creates and conditional references below see their effect.
    for (const p of planned) {
      if (p.req.method !== 'DELETE') continue;
      try {
        out[p.index] = await runEntry(p, inner, tx);
      } catch (err) {
        throw atEntry(err, p.index);
      }
    }
    const map = await assignIdentities(planned, entries, tx, ctx.baseUrl);
    checkOverlaps(planned);
    for (const p of planned) {
      // PATCH bodies too: a FHIRPath Patch value or a JSON Patch value may hold a reference to a fullUrl.
      if (p.req.body) {
        try {
          await rewriteReferences(p.req.body as never, map, tx, `Bundle.entry[${p.index}].resource`, ctx.baseUrl);
        } catch (err) {
          throw atEntry(err, p.index);
        }
      }
    }
    for (const p of [...planned].sort(byProcessingOrder)) {
      if (p.req.method === 'DELETE') continue;
      try {
        out[p.index] = await runEntry(p, inner, tx);
      } catch (err) {
        throw atEntry(err, p.index);
      }
    }
    return out;
  });
  const response: Bundle = {
    resourceType: 'Bundle',
    type: 'transaction-response',
    entry: results.map((r, i) => responseEntry(r, ctx.baseUrl, prefer, entries[i].request?.method === 'GET' || entries[i].request?.method === 'HEAD')),
  };
  return { status: 200, resource: response };
}

async function runEntry(p: Planned, ctx: InteractionContext, tx: StoreTransaction): Promise<FhirResult> {
  if (p.req.method === 'POST' && p.req.path.length === 1) {
    if (p.existingId) {
      // The conditional create's match is returned: a read.
      await requireVisible(ctx.access, tx, ctx.baseUrl, p.req.path[0], p.existingId, 'r');
      return resourceResult(200, (await tx.read(p.req.path[0], p.existingId))!, ctx.baseUrl);
    }
    const { ifNoneExist: _resolved, ...headers } = p.req.headers;
    return create({ ...p.req, headers }, ctx, p.req.path[0], p.newId);
  }
  return ctx.dispatch(p.req, ctx);
}

/** Decides each write's identity and maps every fullUrl (and conditional create) to `Type/id`. */
async function assignIdentities(planned: Planned[], entries: BundleEntry[], tx: StoreTransaction, baseUrl: string): Promise<ReferenceMap> {
  const map: ReferenceMap = new Map();
  for (const p of planned) {
    const { req } = p;
    const fullUrl: unknown = entries[p.index].fullUrl;
    if (fullUrl !== undefined && typeof fullUrl !== 'string') throw badRequest(`Entry ${p.index} has a fullUrl that is not a string`, `Bundle.entry[${p.index}].fullUrl`);
    let target: string | undefined;
    if (req.method === 'POST' && req.path.length === 1) {
      const type = req.path[0];
      if (req.headers.ifNoneExist) {
        const ids = await matchIds(tx, type, criteriaOf(req.headers.ifNoneExist), baseUrl).catch((e) => {
          throw atEntry(e, p.index);
        });
        if (ids.length > 1) throw atEntry(preconditionFailed(`ifNoneExist matched more than one ${type}`), p.index);
        if (ids.length === 1) p.existingId = ids[0];
      }
      p.newId = p.existingId ? undefined : randomUUID();
      target = `${type}/${p.existingId ?? p.newId}`;
    } else if ((req.method === 'PUT' || req.method === 'PATCH') && req.path.length === 1 && req.query.length) {
      // Resolved before any entry runs, so that references to the entry's fullUrl can be rewritten
      // (a PUT or PATCH always resolves; only a DELETE may resolve to nothing).
      p.req = (await resolveConditionalWrite(req, tx, baseUrl).catch((e) => {
        throw atEntry(e, p.index);
      }))!;
      target = p.req.path.join('/');
    } else if ((req.method === 'PUT' || req.method === 'PATCH' || req.method === 'DELETE') && req.path.length === 2) {
      target = `${req.path[0]}/${req.path[1]}`;
    }
    if (fullUrl && target) {
      if (map.has(fullUrl)) throw badRequest(`fullUrl '${fullUrl}' appears in more than one entry`, `Bundle.entry[${p.index}].fullUrl`);
      map.set(fullUrl, target);
      // A reference may also use the fullUrl relative to our base.
      if (fullUrl.startsWith(baseUrl + '/')) map.set(fullUrl.slice(baseUrl.length + 1), target);
    }
  }
  return map;
}

/** A resource may be written by only one entry of a transaction (http.html#trules). */
function checkOverlaps(planned: Planned[]): void {
  const seen = new Map<string, number>();
  for (const p of planned) {
    if (p.req.method === 'GET' || p.req.method === 'HEAD') continue;
    // A conditional delete (path [type] only) has no single target to compare.
    const target = p.req.method === 'POST' ? (p.existingId ? undefined : `${p.req.path[0]}/${p.newId}`) : p.req.path.length >= 2 ? p.req.path.slice(0, 2).join('/') : undefined;
    if (!target) continue;
    const other = seen.get(target);
    if (other !== undefined) {
      throw badRequest(`Entries ${other} and ${p.index} both write ${target}`, `Bundle.entry[${p.index}].request`);
    }
    seen.set(target, p.index);
  }
}
