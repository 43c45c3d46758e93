import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingFile } from '../../../domain/kyc/documents-files.js';
import { StorageUnavailableError } from '../../../infra/storage/port.js';
import { withoutMultipartFieldsParser } from '../../multipart-fields.js';
import { mergedParams } from '../params.js';

export interface ReadUpload {
  /** Every non-file parameter (query, form fields), `name[]` stored as `name`. */
  params: Record<string, unknown>;
  /** Files sent as `upload` or `upload[]`. */
  files: IncomingFile[];
  /** `upload` came as a plain value, not a file (Barong: `upload.blank`). */
  uploadNotFiles: boolean;
}

/** More files in one request than the route accepts. */
export class TooManyFilesError extends Error {}

const isUpload = (name: string) => name === 'upload' || /^upload\[\d*\]$/.test(name);

/**
 * Multipart parsing with files for the upload routes only: registered inside their plugin, in
 * place of the fields-only parser the rest of the application has (http/multipart-fields.ts). A file over the size limit is read up to
 * the limit and flagged `truncated` (Barong's model key names the limit), never buffered whole.
 */
export async function registerUploads(app: FastifyInstance, limits: { maxBytes: number; maxFiles: number }): Promise<void> {
  withoutMultipartFieldsParser(app);
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: 50, fieldSize: 64 * 1024, parts: limits.maxFiles + 50, headerPairs: 100 },
  });
}

/**
 * Uploaded files are held in memory from the first byte read until the answer is sent: up to
 * DOC_NUM_LIMIT × UPLOAD_SIZE_MAX_RANGE per request. A security review drove the server from
 * 0.6 to 2.6 GB with 30 parallel uploads of a fresh account. At most this many upload requests
 * read and hold files at once; the others wait their turn (their clients are not read from
 * meanwhile, and REQUEST_TIMEOUT still bounds how long).
 */
export const PARALLEL_UPLOADS = 4;
let uploadsActive = 0;
const uploadQueue: (() => void)[] = [];
/** Upload requests holding a slot, and waiting for one (tests, metrics). */
export const uploadSlots = () => ({ active: uploadsActive, waiting: uploadQueue.length });

async function uploadSlot(reply: FastifyReply): Promise<void> {
  if (uploadsActive >= PARALLEL_UPLOADS) await new Promise<void>((resolve) => uploadQueue.push(resolve));
  else uploadsActive++;
  // Handed on to the next waiter (the count stays) or freed, once, when the answer is done.
  reply.raw.once('close', () => {
    const next = uploadQueue.shift();
    if (next) next();
    else uploadsActive--;
  });
}

export async function readUpload(req: FastifyRequest, reply: FastifyReply): Promise<ReadUpload> {
  if (!req.isMultipart()) {
    const params = mergedParams(req);
    return { params, files: [], uploadNotFiles: params.upload !== undefined };
  }
  await uploadSlot(reply);
  const params: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
  const files: IncomingFile[] = [];
  let uploadNotFiles = false;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (isUpload(part.fieldname)) files.push({ filename: part.filename ?? '', data, truncated: part.file.truncated });
        continue;
      }
      const name = part.fieldname.replace(/\[\]$/, '');
      if (isUpload(part.fieldname)) uploadNotFiles = true;
      params[name] = part.value;
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_FILES_LIMIT') throw new TooManyFilesError('too many files');
    throw err;
  }
  if (files.length) params.upload = 'files';
  return { params, files, uploadNotFiles: uploadNotFiles && files.length === 0 };
}

/** Barong answers a storage outage with 422 `{"error":"Connection error"}` (§7.5). */
export async function withStorage<T>(reply: FastifyReply, req: FastifyRequest, run: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof StorageUnavailableError)) throw err;
    req.log.error({ err: err.message, cause: (err.cause as Error | undefined)?.message }, 'file storage unavailable');
    return reply.status(422).type('application/json').send({ error: 'Connection error' });
  }
}
