/**
 * The queue of audit records that are not written in a data transaction (reads, searches, failures,
 * authorization events): bounded, flushed in batches (one database transaction each), and drained on
 * graceful shutdown. Nothing is dropped: when it is full, `push` answers with a promise that settles
 * once the record is in, and the request waits for it (http/fhir-handler.ts holds its response back),
 * so a database slower than the traffic slows the traffic instead of losing audit records. A batch
 * that fails to commit stays queued and is tried again; after repeated failures records are tried one
 * by one, so that one the database can never take (a poison record) cannot hold the others, or a
 * shutdown, back forever: it alone is given up after MAX_SINGLE_ATTEMPTS, and reported.
 */

/** Failures of a batch before its records are tried one at a time. */
const BATCH_ATTEMPTS = 3;
/** Failures of a single record before it is given up (reported through onError). */
const MAX_SINGLE_ATTEMPTS = 5;

export interface AuditQueueOptions {
  /** Most records held (default 10,000). */
  capacity?: number;
  /** Most records per transaction (default 500). */
  batchSize?: number;
  /** How long a record may wait for a batch to fill, ms (default 100). */
  intervalMs?: number;
  /** Told when a batch fails (it is tried again). */
  onError?: (err: unknown, queued: number) => void;
  /** Told when a record is given up after MAX_SINGLE_ATTEMPTS failures on its own. */
  onDropped?: (err: unknown) => void;
}

export class AuditQueue<T> {
  private items: T[] = [];
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private failures = 0;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly intervalMs: number;

  constructor(
    private readonly sink: (batch: T[]) => Promise<void>,
    private readonly options: AuditQueueOptions = {},
  ) {
    this.capacity = Math.max(1, options.capacity ?? 10_000);
    this.batchSize = Math.max(1, options.batchSize ?? 500);
    this.intervalMs = options.intervalMs ?? 100;
  }

  /** Records held, not yet committed. */
  get size(): number {
    return this.items.length + this.waiting.length;
  }

  /** Queues a record; undefined when it is in, else a promise that settles when it is (the queue was full). */
  push(item: T): Promise<void> | undefined {
    if (this.items.length < this.capacity && this.waiting.length === 0) {
      this.items.push(item);
      this.schedule();
      return undefined;
    }
    const admitted = new Promise<void>((resolve) =>
      this.waiting.push(() => {
        this.items.push(item);
        resolve();
      }),
    );
    this.drain();
    return admitted;
  }

  /** Writes everything queued (and everything waiting to be queued); for shutdown and tests. */
  async flush(): Promise<void> {
    while (this.size > 0) {
      await this.drain();
      if (this.size > 0 && this.failures > 0) await pause(Math.min(1000, 10 * 2 ** this.failures));
    }
  }

  private schedule(): void {
    if (this.items.length >= this.batchSize) this.drain();
    else if (!this.timer && !this.draining) {
      this.timer = setTimeout(() => this.drain(), this.intervalMs);
      this.timer.unref();
    }
  }

  private drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return (this.draining ??= this.run().finally(() => {
      this.draining = undefined;
      if (this.size === 0) return;
      if (this.failures === 0) return this.schedule();
      // The database refused the batch: try again after a growing pause, not in a tight loop.
      this.timer ??= setTimeout(() => this.drain(), Math.min(5000, 50 * 2 ** this.failures));
      this.timer.unref();
    }));
  }

  private async run(): Promise<void> {
    this.admit();
    while (this.items.length) {
      const single = this.failures >= BATCH_ATTEMPTS;
      const batch = this.items.slice(0, single ? 1 : this.batchSize);
      try {
        await this.sink(batch);
      } catch (err) {
        this.failures++;
        if (single && this.failures >= BATCH_ATTEMPTS + MAX_SINGLE_ATTEMPTS) {
          this.items.splice(0, 1);
          this.failures = BATCH_ATTEMPTS;
          this.options.onDropped?.(err);
          this.admit();
          continue;
        }
        this.options.onError?.(err, this.size);
        return;
      }
      this.failures = 0;
      this.items.splice(0, batch.length);
      this.admit();
    }
  }

  /** Lets waiting records in, oldest first, as far as there is room. */
  private admit(): void {
    while (this.waiting.length && this.items.length < this.capacity) this.waiting.shift()!();
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
