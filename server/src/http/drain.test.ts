import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainHttp } from './drain.js';

/** A server whose handler tells when a request reached it and answers when `answer()` is called. */
async function heldServer() {
  let reached!: () => void;
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const server = createServer((_req, res) => {
    reached();
    void answered.then(() => res.end('done'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, arrived, answer };
}

/** A request on a keep-alive connection, as browsers and load balancers send them. */
function get(server: Server, agent: Agent): Promise<IncomingMessage & { text: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, agent }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(Object.assign(res, { text })));
    })
      .on('error', reject)
      .end();
  });
}

describe('draining the HTTP server', () => {
  const agent = new Agent({ keepAlive: true });
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    agent.destroy();
  });

  it('a keep-alive connection busy when the drain begins is closed once its answer is sent, not at its keep-alive timeout', async () => {
    const held = await heldServer();
    server = held.server;
    server.keepAliveTimeout = 65_000;
    const response = get(server, agent);
    await held.arrived;
    // A grace period longer than the test's timeout: only closing the answered connection ends the drain.
    const drained = drainHttp(server, 120_000);
    held.answer();
    expect((await response).text).toBe('done');
    await drained;
    expect(server.listening).toBe(false);
  });

  it('a request still running when the grace period ends loses its connection, and the drain ends', async () => {
    const held = await heldServer();
    server = held.server;
    const response = get(server, agent);
    await held.arrived;
    await drainHttp(server, 50);
    await expect(response).rejects.toThrow(/socket hang up/);
  });
});
