import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Container } from '../container.js';
import { general } from './barong/common.js';

/** Where the admin console (console/, built by `npm run build`) is served. */
export const CONSOLE_PATH = '/admin';

/** dist/console at the package root, from src/http (tsx) as from dist/http (compiled). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/** What the single-page app needs from the server's configuration (read by console/src/config.ts). */
export function consoleSettings(c: Container) {
  return {
    apiPrefix: c.config.API_PREFIX,
    rejectReasons: c.config.CONSOLE_REJECT_REASONS.split('|').map((r) => r.trim()).filter(Boolean),
    version: general.version().version,
  };
}

/**
 * The settings as a JSON data block in place of the `<!--warden-config-->` marker; `<` is
 * escaped so no value can close the element.
 */
export function injectSettings(html: string, settings: object): string {
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return html.replace('<!--warden-config-->', `<script id="warden-config" type="application/json">${json}</script>`);
}

// Mantine sets CSS variables in style attributes and one style element: styles need 'unsafe-inline'.
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self' data:",
  "connect-src 'self'", "frame-src 'self'", "object-src 'self'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Warden admin</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>The admin console is not built</h1>
<p>This server has no <code>dist/console</code>. Build it with <code>npm run build</code>
(or <code>npx vite build --config console/vite.config.ts</code>) and reload this page.</p>
</body></html>`;

/**
 * Serves the admin console at /admin: hashed assets from /admin/assets with a year of caching
 * (and their precompressed .br/.gz twins), every other path under /admin answered with
 * index.html (client-side routes) carrying the settings, never cached. Without a build the
 * page says so and how to make one (503).
 */
export async function consoleRoutes(app: FastifyInstance, { c, dir = CONSOLE_DIR }: { c: Container; dir?: string }) {
  const indexFile = path.join(dir, 'index.html');
  const settings = consoleSettings(c);
  if (!fs.existsSync(indexFile)) app.log.warn({ dir }, 'admin console not built: /admin answers 503 until `npm run build` runs');

  await app.register(fastifyStatic, {
    root: path.join(dir, 'assets'),
    prefix: `${CONSOLE_PATH}/assets/`,
    decorateReply: false,
    index: false,
    wildcard: true,
    preCompressed: true,
    cacheControl: true,
    maxAge: 365 * 24 * 3600 * 1000,
    immutable: true,
    schemaHide: true,
    // The warning above says it once; the directory may appear later (a build while running).
    suppressWarning: true,
    setHeaders: (reply) => { reply.header('x-content-type-options', 'nosniff'); },
  });

  const sendIndex = async (_req: unknown, reply: FastifyReply) => {
    let html: string;
    try {
      html = await fs.promises.readFile(indexFile, 'utf8');
    } catch {
      return reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .send(injectSettings(html, settings));
  };
  app.get(CONSOLE_PATH, { schema: { hide: true } }, sendIndex);
  app.get(`${CONSOLE_PATH}/*`, { schema: { hide: true } }, sendIndex);
}
