/**
 * Checks on an uploaded file (BARONG.md §2.6, §17.2): the extension and the size, as Barong's
 * uploader checks them. The first bytes decide how the file is stored and served: JPEG, PNG or
 * PDF as such, anything else (a text file renamed `id.jpg`) as `bin`, which is only ever served
 * as an `application/octet-stream` attachment, so no content can run in a reviewer's browser.
 * Error keys are Barong's free-text model keys (`upload.<message>`).
 */

export type FileKind = 'jpg' | 'png' | 'pdf' | 'bin';

export const ALLOWED_EXTENSIONS = ['jpg', 'jpeg', 'png', 'pdf'] as const;

export const CONTENT_TYPES: Readonly<Record<FileKind, string>> = { jpg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf', bin: 'application/octet-stream' };

export interface UploadLimits {
  /** Smallest accepted file, bytes (Barong default 1). */
  minBytes: number;
  /** Largest accepted file, bytes (Barong default 10 MB). */
  maxBytes: number;
}

export interface IncomingFile {
  filename: string;
  data: Buffer;
  /** The parser stopped reading at the size limit: the file is larger than `maxBytes`. */
  truncated: boolean;
}

/** The file's real type from its magic bytes; null when it is none of the known ones. */
export function sniff(data: Buffer): Exclude<FileKind, 'bin'> | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 5 && data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  return null;
}

export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** Rails' number_to_human_size, as CarrierWave puts it in its messages ("1 Byte", "10 MB"). */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'Byte' : 'Bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${Number(v.toPrecision(3))} ${units[i]}`;
}

/** Model errors of one file (empty when accepted) and, when accepted, its kind by content. */
export function checkFile(f: IncomingFile, limits: UploadLimits): { errors: string[]; kind: FileKind | null } {
  const ext = extensionOf(f.filename);
  if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) {
    return { errors: [`upload.You are not allowed to upload ${JSON.stringify(ext)} files, allowed types: ${ALLOWED_EXTENSIONS.join(', ')}`], kind: null };
  }
  if (f.truncated || f.data.length > limits.maxBytes) return { errors: [`upload.File size should be less than ${humanSize(limits.maxBytes)}`], kind: null };
  if (f.data.length < limits.minBytes) return { errors: [`upload.File size should be greater than ${humanSize(limits.minBytes)}`], kind: null };
  return { errors: [], kind: sniff(f.data) ?? 'bin' };
}
