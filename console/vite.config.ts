import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../dist/console');

/**
 * Writes .br and .gz twins of the text assets after the build, so the server
 * (@fastify/static preCompressed) sends them compressed without compressing per request.
 */
function precompress(): Plugin {
  return {
    name: 'warden-precompress',
    apply: 'build',
    closeBundle() {
      const dir = path.join(outDir, 'assets');
      if (!fs.existsSync(dir)) return;
      for (const name of fs.readdirSync(dir)) {
        if (!/\.(js|css|svg|json)$/.test(name)) continue;
        const file = path.join(dir, name);
        const data = fs.readFileSync(file);
        if (data.length < 1024) continue;
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
      }
    },
  };
}

/** The admin console: a single-page app served by Warden at /admin (src/http/console.ts). */
export default defineConfig({
  root: here,
  base: '/admin/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  // `npx vite --config console/vite.config.ts` next to a running Warden (npm run dev): API calls go to it.
  server: { port: 5173, proxy: { '/api': 'http://127.0.0.1:3000' } },
});
