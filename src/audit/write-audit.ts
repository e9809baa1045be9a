/**
 * The audit of writes: a write observer (interactions/hooks.ts) that writes one AuditEvent per version
 * written, inside the write's own database transaction, so the AuditEvent commits with the data or not
 * at all. It writes through the transaction it is given, so the observers after it (subscriptions) see
 * the AuditEvents. It marks what it audited on the request (WrittenMarks), so that the request audit
 * (request-audit.ts) does not record the same writes again.
 */
import { randomUUID } from 'node:crypto';
import type { StoredVersion, StoreTransaction } from '../store/store.js';
import { toAuditEvent } from './audit-event.js';
import { whoOf, type AccessIdentity, type AuditRecord } from './record.js';

/** The parts of interactions/hooks.ts RequestInfo audit reads. */
export interface AuditedInfo {
  requestId: string;
  peer?: string;
  access?: AccessIdentity;
  baseUrl: string;
}

/** Per request (its RequestInfo object): `Type/id` and `Type/id/_history/v` of every version audited in a transaction. */
export type WrittenMarks = WeakMap<object, Set<string>>;

/** The restful interaction that wrote a version. */
export function writeInteraction(v: StoredVersion): string {
  switch (v.method) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    default:
      return 'delete';
  }
}

export function writeAuditor(marks: WrittenMarks) {
  return async (tx: StoreTransaction, written: readonly StoredVersion[], info: AuditedInfo): Promise<void> => {
    let marked = marks.get(info);
    if (!marked) marks.set(info, (marked = new Set()));
    const who = whoOf(info.access);
    for (const v of written) {
      const data = `${v.type}/${v.id}/_history/${v.versionId}`;
      marked.add(data).add(`${v.type}/${v.id}`);
      const record: AuditRecord = {
        at: Date.parse(v.lastUpdated),
        category: 'rest',
        interaction: writeInteraction(v),
        status: v.method === 'POST' ? 201 : 200,
        requestId: info.requestId,
        peer: info.peer,
        baseUrl: info.baseUrl,
        who,
        data,
        resource: v.json,
      };
      const event = toAuditEvent(record);
      // An update that created the resource is a create (BALP action C).
      if (v.method === 'PUT' && v.versionId === 1) event.action = 'C';
      await tx.write('AuditEvent', randomUUID(), event, 'POST');
    }
  };
}
