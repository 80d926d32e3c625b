import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * An SPA served by the Sorae server under `base`. In `npm run dev`, /graphql is proxied to a
 * server on http://localhost:4000 (`npm start` at the root).
 */
export function spaConfig({ base, devPort }: { base: string; devPort: number }) {
  return defineConfig({
    base,
    plugins: [react()],
    server: {
      port: devPort,
      proxy: { '/graphql': 'http://localhost:4000' },
    },
    build: {
      outDir: 'dist',
      sourcemap: true,
      // Libraries change less often than the app: a separate chunk stays cached across releases.
      rolldownOptions: {
        output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } },
      },
    },
  });
}
