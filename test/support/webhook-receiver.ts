import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; occurredAt: string; data: Record<string, any>; purge: { surrogateKeys: string[] } };
  path: string;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'redirect';

/** A real HTTP receiver on 127.0.0.1 (random port unless given): records what it gets and answers as told. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Requests answered with a hang, still open. */
  readonly hanging = new Set<ServerResponse>();
  mode: ReceiverMode = 'ok';
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/evergreen`;
  }

  of(type: string): ReceivedWebhook[] {
    return this.received.filter((hook) => hook.json.type === type);
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, body, json: JSON.parse(body), path: req.url ?? '' });
        if (this.mode === 'ok') res.writeHead(204).end();
        else if (this.mode === 'fail') res.writeHead(500, { 'content-type': 'text/plain' }).end(`receiver broke: ${'x'.repeat(5000)}`);
        else if (this.mode === 'redirect') res.writeHead(302, { location: `http://127.0.0.1:${this.port}/elsewhere` }).end();
        else {
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
  const receiver = await new WebhookReceiver().start();
  const port = receiver.port;
  await receiver.stop();
  return port;
}
