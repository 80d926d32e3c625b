// A port for a server that starts later. Ports from listen(0) come from the kernel's ephemeral
// range, which outgoing connections (test clients, PostgreSQL pools) also draw from: one of them
// can take the port between our probe and the server's bind (EADDRINUSE seen in CI). Probing
// below that range leaves only another probe as a competitor.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

function ephemeralRangeStart() {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 12_000) return first;
  } catch {
    /* not Linux: use the Linux default */
  }
  return 32_768;
}

function canListen(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort() {
  const top = ephemeralRangeStart();
  const bottom = top - 10_000;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${bottom} and ${top}`);
}
