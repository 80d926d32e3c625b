import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * An SPA served by the Sorae server under `base`. In `npm run dev`, /graphql is proxied to a
 * server on http://localhost:4000 (`npm start` at the root).
 */
export function spaConfig({ base, devPort }: { base: string; devPort: number }) {
  return defineConfig({
    base,
    // Both apps ship the same files at their root (the favicon): web-shared/public.
    publicDir: fileURLToPath(new URL('../public', import.meta.url)),
    plugins: [react(), precompress()],
    server: {
      port: devPort,
      proxy: { '/graphql': 'http://localhost:4000', '/exports': 'http://localhost:4000' },
    },
    build: {
      outDir: 'dist',
      // Emitted for debugging; the server serves them only with SERVE_SOURCE_MAPS=true.
      sourcemap: true,
      // Libraries change less often than the app: a separate chunk stays cached across releases.
      rolldownOptions: {
        output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } },
      },
    },
  });
}

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `<file>.br` and `<file>.gz` beside every text file of the build, once, at the highest
 * levels (too slow per request), so the server sends them without compressing anything itself.
 * A variant that would not be smaller is left out.
 */
function precompress(): Plugin {
  return {
    name: 'sorae-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir!;
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => COMPRESSIBLE.test(name))
          .map(async (name) => {
            const file = join(dir, name);
            const raw = await readFile(file);
            const [br, gzipped] = await Promise.all([
              brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
              gz(raw, { level: constants.Z_BEST_COMPRESSION }),
            ]);
            if (br.length < raw.length) await writeFile(`${file}.br`, br);
            if (gzipped.length < raw.length) await writeFile(`${file}.gz`, gzipped);
          }),
      );
    },
  };
}
