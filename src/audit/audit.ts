/**
 * The audit trail, wired by main.ts into the hooks: `onWrite` (a write observer: AuditEvents committed in
 * each write's transaction), `onRequest` (a request observer: everything else, through the queue),
 * `onAuth` (authorization events, through the queue), and `close` (drains the queue; runs on shutdown
 * after the HTTP server closed, before the store closes).
 */
import { randomUUID } from 'node:crypto';
import type { ResourceStore } from '../store/store.js';
import { toAuditEvent } from './audit-event.js';
import { AuditQueue } from './audit-queue.js';
import { authRecord, type AuthAuditEvent } from './auth-audit.js';
import type { AuditRecord } from './record.js';
import { requestAuditor } from './request-audit.js';
import { startRetention } from './retention.js';
import { writeAuditor, type WrittenMarks } from './write-audit.js';

export type { AuthAuditEvent } from './auth-audit.js';

export interface AuditOptions {
  /** Most records the queue holds before requests wait (default 10,000). */
  queueSize?: number;
  /** Most records per flush transaction (default 500). */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Remove AuditEvents stored more than this many days ago (off when absent). */
  retentionDays?: number;
  /** Told about failures (a batch the database refused is kept and tried again). */
  onError?: (message: string, err: unknown) => void;
}

export function setUpAudit(store: ResourceStore, options: AuditOptions = {}) {
  const onError = options.onError ?? (() => undefined);
  const marks: WrittenMarks = new WeakMap();
  const queue = new AuditQueue<AuditRecord>(
    (batch) =>
      store.transaction(async (tx) => {
        for (const record of batch) await tx.write('AuditEvent', randomUUID(), toAuditEvent(record), 'POST');
      }),
    {
      capacity: options.queueSize,
      batchSize: options.batchSize,
      intervalMs: options.flushIntervalMs,
      onError: (err, queued) => onError(`audit: writing AuditEvents failed; ${queued} kept and tried again`, err),
      onDropped: (err) => onError('audit: an AuditEvent the database refused repeatedly on its own was given up', err),
    },
  );
  const push = (record: AuditRecord) => queue.push(record);
  const retention = options.retentionDays ? startRetention(store, options.retentionDays, (err) => onError('audit: retention pruning failed', err)) : undefined;
  return {
    onWrite: writeAuditor(marks),
    onRequest: requestAuditor(marks, push),
    onAuth: (event: AuthAuditEvent) => push(authRecord(event)),
    queue,
    async close(): Promise<void> {
      await retention?.stop();
      await queue.flush();
    },
  };
}

export type Audit = ReturnType<typeof setUpAudit>;
