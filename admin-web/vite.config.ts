import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by the Sorae server under /admin/. In `npm run dev`, /graphql is proxied to a
// server running on http://localhost:4000 (`npm start` at the root).
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  server: {
    port: 5173,
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
