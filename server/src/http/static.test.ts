import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPA_CSP, securityHeaders } from './security-headers.js';
import { spaHandler } from './static.js';

/** A built SPA as Vite and the precompression step leave it. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sorae-spa-'));
  mkdirSync(join(dir, 'assets'));
  const files: Record<string, string> = {
    'index.html': `<!doctype html><script type="module" src="/admin/assets/index-Ab12Cd34.js"></script>${' '.repeat(200)}`,
    'assets/index-Ab12Cd34.js': `console.log("app");${'/* padding */'.repeat(100)}`,
    'assets/index-Ab12Cd34.js.map': '{"version":3,"sources":["secret-source.ts"]}',
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    if (!name.endsWith('.map')) {
      writeFileSync(join(dir, `${name}.gz`), gzipSync(text));
      writeFileSync(join(dir, `${name}.br`), brotliCompressSync(text));
    }
  }
  return dir;
}

/** A raw GET (fetch would decompress and hide what was sent). */
function fetchRaw(base: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    get(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('the SPA static handler', () => {
  let dir: string;
  const servers: Server[] = [];
  const start = async (sourceMaps: boolean) => {
    const handler = spaHandler(dir, '/admin', { headers: securityHeaders({ hsts: false }).spa, sourceMaps });
    const server = createServer((req, res) => handler(req, res));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  let base: string;

  beforeAll(async () => {
    dir = fakeBuild();
    base = await start(false);
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the precompressed variant the browser accepts, brotli first, plain otherwise', async () => {
    const br = await fetchRaw(base, '/admin/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toBe('Accept-Encoding');
    const gz = await fetchRaw(base, '/admin/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    const plain = await fetchRaw(base, '/admin/assets/index-Ab12Cd34.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toMatch(/^console\.log/);
  });

  it('caches hashed assets for a year and revalidates index.html, client routes and 304s alike', async () => {
    expect((await fetchRaw(base, '/admin/assets/index-Ab12Cd34.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/admin/', '/admin/campaigns/123']) {
      const page = await fetchRaw(base, path, { 'accept-encoding': 'br' });
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-type']).toMatch(/text\/html/);
    }
    const missing = await fetchRaw(base, '/admin/assets/index-Newer999.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    const first = await fetchRaw(base, '/admin/');
    const again = await fetchRaw(base, '/admin/', { 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('no-cache');
    expect(again.headers['content-security-policy']).toBe(SPA_CSP);
  });

  it('does not serve source maps unless configured, however the path is spelled', async () => {
    for (const path of ['/admin/assets/index-Ab12Cd34.js.map', '/admin/assets/index-Ab12Cd34.js%2Emap', '/admin/assets/index-Ab12Cd34.js.map?x=1']) {
      const res = await fetchRaw(base, path);
      expect(res.status).toBe(404);
      expect(res.body.toString()).not.toContain('secret-source');
    }
    const withMaps = await start(true);
    expect((await fetchRaw(withMaps, '/admin/assets/index-Ab12Cd34.js.map')).body.toString()).toContain('secret-source');
  });

  it('sends the page protections with every answer: CSP without inline script, no framing, nosniff-safe types', async () => {
    const page = await fetchRaw(base, '/admin/');
    expect(page.headers['content-security-policy']).toBe(SPA_CSP);
    expect(SPA_CSP).toContain("script-src 'self'");
    expect(SPA_CSP).not.toContain('unsafe-inline');
    expect(SPA_CSP).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('same-origin');
  });
});

describe('security headers', () => {
  it('send nosniff everywhere, and HSTS only for an https public origin', () => {
    expect(securityHeaders({ hsts: false }).edge).toEqual([['x-content-type-options', 'nosniff']]);
    expect(securityHeaders({ hsts: true }).edge).toContainEqual(['strict-transport-security', 'max-age=31536000']);
  });
});
