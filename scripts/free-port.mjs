// A port for a server that starts later. Ports from listen(0) come from the kernel's ephemeral
// range, which outgoing connections (test clients, PostgreSQL pools) also draw from: one of them
// can take the port between our probe and the server's bind (EADDRINUSE seen in CI). Probing
// outside that range leaves only another probe as a competitor.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The kernel's ephemeral range (Linux), else the Linux default. */
function ephemeralRange() {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi) return [lo, hi];
  } catch {
    /* not Linux */
  }
  return [32_768, 60_999];
}

/** The larger band of ports outside the ephemeral range (above the privileged ones), or null. */
function quietBand() {
  const [lo, hi] = ephemeralRange();
  const below = [1_024, lo];
  const above = [hi + 1, 65_536];
  const [from, to] = below[1] - below[0] >= above[1] - above[0] ? below : above;
  return to - from >= 1_000 ? [from, to] : null;
}

function listenOn(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : null));
    });
  });
}

/** Ports this process already handed out: two servers started together never get the same one. */
const given = new Set();

export async function freePort() {
  const band = quietBand();
  for (let attempt = 0; attempt < 200; attempt++) {
    // A range tuned to cover nearly every port leaves no quiet band: the kernel's pick will do.
    const wanted = band ? band[0] + Math.floor(Math.random() * (band[1] - band[0])) : 0;
    if (given.has(wanted)) continue;
    const port = await listenOn(wanted);
    if (port !== null && !given.has(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error('no free port found');
}
