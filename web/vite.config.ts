// Builds the React app into web/dist, which the hub serves at / (src/http/web-app.ts).
// `npm run dev:web` serves it with hot reload and forwards the API to a hub at SWITCHBOARD_DEV_HUB.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const hub = process.env.SWITCHBOARD_DEV_HUB ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // The CSP forbids inline scripts and styles: keep everything in files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': {
        target: hub,
        changeOrigin: true,
        ws: true,
        // The hub accepts WebSockets from its own origin only.
        configure: (proxy) => proxy.on('proxyReqWs', (req) => req.setHeader('origin', hub)),
      },
    },
  },
});
