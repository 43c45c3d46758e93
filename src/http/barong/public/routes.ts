import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { registerGeneralRoutes } from '../common.js';

/** Barong public API (BARONG.md §6): the general endpoints under `public`. */
export async function publicRoutes(app: FastifyInstance, { c }: { c: Container }) {
  registerGeneralRoutes(app, c, 'public');
}
