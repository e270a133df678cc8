import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web app is served by Vite in development and proxies API calls to the
// Fastify server; `vite build` emits static assets into web/dist.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': {
        target: 'http://localhost:3000',
        changeOrigin: true,
      },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
