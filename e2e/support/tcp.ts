import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';

interface Row {
  localPort: number;
  remotePort: number;
  txQueue: number;
  rxQueue: number;
}

/** The machine's TCP connections as the kernel lists them (IPv4 and IPv6). */
async function connections(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, local, remote, , queues] = line.trim().split(/\s+/);
      if (!local || !remote || !queues) continue;
      const [tx, rx] = queues.split(':').map((hex) => parseInt(hex, 16));
      rows.push({
        localPort: parseInt(local.split(':').pop()!, 16),
        remotePort: parseInt(remote.split(':').pop()!, 16),
        txQueue: tx!,
        rxQueue: rx!,
      });
    }
  }
  return rows;
}

/**
 * Resolves once the server process has read every byte written on `socket`: nothing waits in
 * the client's send queue nor in the server's receive queue. Node parses what it reads in the
 * same step, so from then on the server knows the request has begun (a connection whose bytes
 * are still in the kernel is idle to it, and a shutdown may rightly close it).
 */
export async function untilServerHasRead(socket: Socket, serverPort: number, timeoutMs = 10_000): Promise<void> {
  const clientPort = socket.localPort!;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
    const rows = await connections();
    const client = rows.find((r) => r.localPort === clientPort && r.remotePort === serverPort);
    const server = rows.find((r) => r.localPort === serverPort && r.remotePort === clientPort);
    if (client && server && client.txQueue === 0 && server.rxQueue === 0) return;
  }
  throw new Error(`the server did not read what was sent on port ${clientPort} within ${timeoutMs} ms`);
}
