import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFile, extensionOf, humanSize, sniff } from './documents-files.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const limits = { minBytes: 1, maxBytes: 10 * 1024 * 1024 };

test('sniff knows JPEG, PNG and PDF by their first bytes only', () => {
  assert.equal(sniff(JPEG), 'jpg');
  assert.equal(sniff(PNG), 'png');
  assert.equal(sniff(PDF), 'pdf');
  assert.equal(sniff(Buffer.from('GIF89a')), null);
  assert.equal(sniff(Buffer.from('hello')), null);
  assert.equal(sniff(Buffer.alloc(0)), null);
});

test('Barong messages: extension, then size bounds; content only decides the kind', () => {
  assert.deepEqual(checkFile({ filename: 'a.gif', data: JPEG, truncated: false }, limits).errors,
    ['upload.You are not allowed to upload "gif" files, allowed types: jpg, jpeg, png, pdf']);
  assert.deepEqual(checkFile({ filename: 'noext', data: JPEG, truncated: false }, limits).errors,
    ['upload.You are not allowed to upload "" files, allowed types: jpg, jpeg, png, pdf']);
  assert.deepEqual(checkFile({ filename: 'a.jpg', data: JPEG, truncated: true }, limits).errors, ['upload.File size should be less than 10 MB']);
  assert.deepEqual(checkFile({ filename: 'a.jpg', data: Buffer.alloc(0), truncated: false }, limits).errors, ['upload.File size should be greater than 1 Byte']);
  assert.deepEqual(checkFile({ filename: 'a.JPG', data: Buffer.from('just text\n'), truncated: false }, limits), { errors: [], kind: 'bin' });
  assert.deepEqual(checkFile({ filename: 'a.pdf', data: Buffer.from([0, 1, 2, 3]), truncated: false }, limits), { errors: [], kind: 'bin' });
  assert.deepEqual(checkFile({ filename: 'scan.jpeg', data: PNG, truncated: false }, limits), { errors: [], kind: 'png' });
});

test('helpers', () => {
  assert.equal(extensionOf('C:\\x\\Photo.Front.JPEG'), 'jpeg');
  assert.equal(extensionOf('.hidden'), '');
  assert.deepEqual([humanSize(1), humanSize(512), humanSize(2048), humanSize(10 * 1024 * 1024), humanSize(1536 * 1024)], ['1 Byte', '512 Bytes', '2 KB', '10 MB', '1.5 MB']);
});
