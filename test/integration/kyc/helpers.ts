import { Client, type Res } from '../../helpers/client.js';
import type { TestApp } from '../../helpers/test-app.js';
import { multipart, type Part } from '../../fixtures/kyc/files.js';

/** A multipart POST with the client's session cookie and CSRF token (or any headers given). */
export async function postMultipart(t: TestApp, client: Client | null, path: string, parts: Part[], headers: Record<string, string> = {}): Promise<Res> {
  const { payload, contentType } = multipart(parts);
  const h: Record<string, string> = { 'user-agent': client?.ua ?? 'test', 'content-type': contentType, ...headers };
  if (client?.cookie) h.cookie = `${t.c.config.SESSION_COOKIE_NAME}=${client.cookie}`;
  if (client?.csrf && !('x-csrf-token' in headers)) h['x-csrf-token'] = client.csrf;
  const res = await t.app.inject({ method: 'POST', url: t.prefix + path, headers: h, payload });
  let body: unknown = res.body;
  if (String(res.headers['content-type'] ?? '').includes('json') && res.body !== '') body = JSON.parse(res.body);
  return { status: res.statusCode, body, headers: res.headers };
}

export const file = (data: Buffer, filename: string, name = 'upload[]'): Part => ({ name, file: { filename, data } });
export const field = (name: string, value: string): Part => ({ name, value });

export async function userId(t: TestApp, client: Client): Promise<{ id: number; uid: string }> {
  const me = await client.get('/resource/users/me');
  const [r] = await t.c.db.query<{ id: string }>('SELECT id FROM users WHERE uid = $1', [me.body.uid]);
  return { id: Number(r.id), uid: me.body.uid };
}

export async function privateLabels(t: TestApp, id: number): Promise<Record<string, string>> {
  const rows = await t.c.db.query<{ key: string; value: string }>("SELECT key, value FROM labels WHERE user_id = $1 AND scope = 'private' ORDER BY id", [id]);
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Events written since `afterId` (outbox), as [name, record]. */
export async function eventsSince(t: TestApp, afterId: number): Promise<[string, any][]> {
  const rows = await t.c.db.query<{ name: string; payload: { record: unknown } }>('SELECT name, payload FROM outbox WHERE id > $1 ORDER BY id', [afterId]);
  return rows.map((r) => [r.name, r.payload.record]);
}

export async function lastEventId(t: TestApp): Promise<number> {
  const [r] = await t.c.db.query<{ id: string | null }>('SELECT max(id) AS id FROM outbox');
  return Number(r.id ?? 0);
}

/** Fetches a signed URL (relative path) through the app. */
export async function fetchUrl(t: TestApp, url: string) {
  return t.app.inject({ method: 'GET', url });
}

/** A date `days` from the test clock's today, as YYYY-MM-DD. */
export function dayFromNow(t: TestApp, days: number): string {
  return new Date(t.clock.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export type { Res };
