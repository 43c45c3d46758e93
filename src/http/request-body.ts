import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { parseJsonWithoutNul } from '../lib/nul.js';
import { parseRackQuery } from './rack-params.js';

/** The most a body read outside Fastify's parsers may hold (Fastify's own bodyLimit). */
export const BODY_LIMIT = 1024 * 1024;

/** Whether a request carries a body (nginx's auth_request sends none; Envoy may). */
export const hasBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** The text of a body, or null past `limit` bytes (the rest is discarded) or when the stream fails. */
export function readBodyText(stream: Readable, limit = BODY_LIMIT): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.once('end', () => resolve(size <= limit ? Buffer.concat(chunks).toString('utf8') : null));
    stream.once('error', () => resolve(null));
    stream.once('aborted', () => resolve(null));
  });
}

/** Whether a content type carries parameters: a JSON or an urlencoded body. */
export function paramsBodyKind(contentType: string | undefined): 'json' | 'form' | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  return type === 'application/x-www-form-urlencoded' ? 'form' : null;
}

/**
 * The parameters of a JSON or urlencoded body, parsed as the application's own parsers do (Rack
 * brackets, no NUL); undefined for another content type, null when it does not parse to an object.
 */
export function bodyParams(contentType: string | undefined, text: string): Record<string, unknown> | null | undefined {
  const kind = paramsBodyKind(contentType);
  if (kind === null) return undefined;
  let body: unknown;
  try { body = kind === 'json' ? parseJsonWithoutNul(text) : parseRackQuery(text); } catch { return null; }
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}

/** Body parameters an admin activity keeps: scalars and arrays of scalars (nested objects are not parameters a log can show). */
export function auditableParams(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) return {};
  const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([, v]) => scalar(v) || (Array.isArray(v) && v.every(scalar))));
}
