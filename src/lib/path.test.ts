import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalPath, underPrefix } from './path.js';

test('canonical paths resolve dot segments, duplicate slashes, encodings and backslashes', () => {
  assert.equal(canonicalPath('api/v2/auth/resource/users/me'), 'api/v2/auth/resource/users/me');
  assert.equal(canonicalPath('/api/v2/auth/resource/../admin/users'), 'api/v2/auth/admin/users');
  assert.equal(canonicalPath('api/v2/auth/resource/%2e%2e/admin/users'), 'api/v2/auth/admin/users');
  assert.equal(canonicalPath('api/v2/auth/resource/..%2fadmin/users'), 'api/v2/auth/admin/users');
  assert.equal(canonicalPath('api/v2/auth//management/./x'), 'api/v2/auth/management/x');
  assert.equal(canonicalPath('api\\v2\\auth\\admin'), 'api/v2/auth/admin');
  assert.equal(canonicalPath('../etc/passwd'), null);
  assert.equal(canonicalPath('api/%E0%A4%A'), null);
  assert.equal(canonicalPath('api/%00'), null);
  // A trailing slash is no other path: exact comparisons (the blocklogin rule) see it too.
  assert.equal(canonicalPath('/api/v2/auth/identity/sessions/'), 'api/v2/auth/identity/sessions');
  assert.equal(canonicalPath('api/v2/auth/identity/sessions/'), 'api/v2/auth/identity/sessions');
  assert.equal(canonicalPath('api/v2/auth/identity/sessions/.'), 'api/v2/auth/identity/sessions');
  assert.equal(canonicalPath('api/v2/auth/identity/sessions%2F'), 'api/v2/auth/identity/sessions');
  assert.equal(canonicalPath('/'), '');
});

test('prefixes match whole segments only', () => {
  assert.equal(underPrefix('api/v2/auth/identity/sessions', 'api/v2/auth/identity'), true);
  assert.equal(underPrefix('api/v2/auth/identity', 'api/v2/auth/identity'), true);
  assert.equal(underPrefix('api/v2/auth/identityfoo/x', 'api/v2/auth/identity'), false);
  assert.equal(underPrefix('api/v2/auth/resourcexyz', 'api/v2/auth/resource/'), false);
  assert.equal(underPrefix('anything', ''), true);
});

test('the fast path and the full path agree', () => {
  for (const p of ['/api/v2/auth/resource/users/me', 'api/v2/x', '///api/v2/x', 'api/v2.1/x', 'a/%41/b', 'a\\b', 'api/v2/x/', '/api/v2/x/', 'a.b/', 'a/b//', '/']) {
    const slow = ((): string | null => { const d = decodeURIComponent(p).replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.'); return d.join('/'); })();
    assert.equal(canonicalPath(p), slow, p);
  }
  assert.equal(underPrefix('a/b/c', 'a/b//'), true);
  assert.equal(underPrefix('a/bc', 'a/b/'), false);
  assert.equal(underPrefix('a', '/'), true);
});
