// A real HTTP receiver for outgoing-webhook tests and the benchmark (not a test file itself).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * Listens on loopback; `answer` decides each request's status (by how many requests with that
 * webhook-id came before it). Every request is kept, with the status it got.
 */
export async function webhookReceiver(answer: (previousTries: number) => number = () => 200) {
  const received: Received[] = [];
  const tries = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      const previous = tries.get(id) ?? 0;
      tries.set(id, previous + 1);
      const status = answer(previous);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
