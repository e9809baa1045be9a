/**
 * A real HTTP receiver on loopback for rest-hook notifications: records every request, answers with
 * the statuses it is told to (then 200), and can be stopped and started again on the same port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export class Receiver {
  readonly received: Received[] = [];
  /** Statuses for the next requests, in order; 200 once they run out. */
  failWith: number[] = [];
  private server?: Server;
  port = 0;

  static async start(port = 0): Promise<Receiver> {
    const r = new Receiver();
    await r.listen(port);
    return r;
  }

  /** A base URL on a port nothing listens on yet (start it later with listen(port)). */
  static async freePort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise((resolve) => s.close(resolve));
    return port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = this.port): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        res.statusCode = this.failWith.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }

  /** Requests to `path`. */
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `path` has received `n` requests; fails after `ms`. */
  async waitFor(path: string, n: number, ms = 10_000): Promise<Received[]> {
    const until = Date.now() + ms;
    while (this.at(path).length < n) {
      if (Date.now() > until) throw new Error(`${path} received ${this.at(path).length} notifications, not ${n}, in ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.at(path);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
