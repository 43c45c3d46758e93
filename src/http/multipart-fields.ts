import type { IncomingMessage } from 'node:http';
import { Busboy, type BusboyHeaders } from '@fastify/busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { nestBracketParams } from './rack-params.js';

const MULTIPART = 'multipart/form-data';

type Done = (err: Error | null, body?: unknown) => void;

function clientError(status: 400 | 413, message: string): Error {
  return Object.assign(new Error(message), { statusCode: status });
}

/**
 * Barong (Grape) takes the parameters of every endpoint from a multipart form as well as from
 * JSON, a urlencoded form or the query (BARONG.md §1.1). This parser gives every route the
 * form's fields as its body, bracket names read as Rack reads them (`name[]` an array,
 * http/rack-params.ts); files are read and dropped. The upload routes replace it with
 * @fastify/multipart in their own plugin (resource/kyc-uploads.ts).
 * A stream parser gets no Fastify body limit, so `maxBytes` is counted here.
 */
export function addMultipartFieldsParser(app: FastifyInstance, maxBytes: number): void {
  app.addContentTypeParser(MULTIPART, (req: FastifyRequest, payload: IncomingMessage, done: Done) => {
    let settled = false;
    const settle: Done = (err, body) => {
      if (settled) return;
      settled = true;
      if (err) { payload.unpipe(); payload.resume(); }
      done(err, body);
    };
    let form;
    try {
      form = Busboy({ headers: req.headers as BusboyHeaders, limits: { fields: 100, fieldSize: 64 * 1024, files: 20, parts: 120 } });
    } catch {
      return settle(clientError(400, 'multipart body without a boundary'));
    }
    const fields: [string, string][] = [];
    form.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) settle(clientError(413, 'multipart field too large'));
      else fields.push([name.replace(/\0/g, ''), value.replace(/\0/g, '')]); // no parameter may hold a NUL
    });
    form.on('file', (_name, stream) => stream.resume());
    form.on('finish', () => settle(null, nestBracketParams(fields)));
    form.on('error', () => settle(clientError(400, 'malformed multipart body')));
    let seen = 0;
    payload.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) settle(clientError(413, 'body too large'));
    });
    payload.pipe(form);
  });
}

/** For a plugin that parses multipart itself (uploads): drop the fields-only parser in its context. */
export function withoutMultipartFieldsParser(app: FastifyInstance): void {
  if (app.hasContentTypeParser(MULTIPART)) app.removeContentTypeParser(MULTIPART);
}
