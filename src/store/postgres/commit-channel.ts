/**
 * Tells the other server processes on the same database what each commit wrote, so that their
 * per-process caches (custom SearchParameters) follow: a NOTIFY inside the committing transaction
 * (PostgreSQL delivers it only if and when the transaction commits) and a LISTEN on a dedicated
 * connection. The message names the resource types written, never resource content.
 *
 * When the listening connection is lost, notifications may have been missed: the listeners are told
 * 'all' once it is back, and re-read what they cache.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { ExternalCommitListener, StoredVersion } from '../store.js';

const RECONNECT_MS = 1000;

export class CommitChannel {
  private readonly listeners: ExternalCommitListener[] = [];
  /** This process's name on the channel: its own announcements are not news to it. */
  private readonly origin = randomUUID();
  private client?: pg.Client;
  private closed = false;

  private constructor(
    private readonly config: pg.ClientConfig,
    /** One channel per schema: processes serving other schemas of the database are not told. */
    private readonly channel: string,
  ) {}

  static async open(config: pg.ClientConfig, schema: string): Promise<CommitChannel> {
    const channel = new CommitChannel(config, `qiao_commit_${schema}`);
    await channel.connect();
    return channel;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel) return;
      // Anyone with access to the database can NOTIFY this channel: a payload that is not ours must not
      // throw here (that would end the process); it is taken as "anything may have changed".
      let note: { origin?: unknown; types?: unknown } | undefined;
      try {
        note = JSON.parse(msg.payload ?? '') as typeof note;
      } catch {
        note = undefined;
      }
      if (note?.origin === this.origin) return;
      const types = note?.types;
      this.tell(Array.isArray(types) && types.every((t) => typeof t === 'string') ? types : 'all');
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
  }

  private reconnect(lost: pg.Client): void {
    if (this.closed || this.client !== lost) return;
    this.client = undefined;
    const retry = () => {
      if (this.closed) return;
      this.connect().then(
        () => this.tell('all'),
        () => setTimeout(retry, RECONNECT_MS),
      );
    };
    setTimeout(retry, RECONNECT_MS);
  }

  private tell(types: string[] | 'all'): void {
    for (const listener of this.listeners) listener(types);
  }

  listen(listener: ExternalCommitListener): void {
    this.listeners.push(listener);
  }

  /** Queues the announcement of `written` in the open transaction of `client`. */
  async announce(client: pg.PoolClient, written: StoredVersion[]): Promise<void> {
    const types = [...new Set(written.map((v) => v.type))];
    await client.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify({ origin: this.origin, types })]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
