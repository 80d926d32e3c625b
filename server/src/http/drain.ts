import type { Server } from 'node:http';

/** How often connections that have become idle are closed while the server drains. */
const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting connections and resolves once every open one has closed. `server.close()`
 * alone waits out each keep-alive connection's timeout (65 s here) when it was busy at the time
 * of the call: so connections are closed as soon as they are idle, and after `graceMs` those of
 * requests still running are closed too. (The request handler also answers `Connection: close`
 * meanwhile, so clients stop reusing their connections.)
 */
export async function drainHttp(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
