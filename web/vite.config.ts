import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web app is served by Vite in development and proxies API calls to the
// Fastify server; `vite build` emits static assets into web/dist, which the API process serves.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    // Everything the storefront asks the API process for: the REST API, product images, the local
    // payment gateway's card page (without PUBLIC_URL it returns the shopper to the browser's
    // Origin, this server's address).
    proxy: Object.fromEntries(
      ['/api', '/images', '/gateway'].map((path) => [
        path,
        { target: 'http://localhost:3000', changeOrigin: true },
      ]),
    ),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
