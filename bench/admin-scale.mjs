#!/usr/bin/env node
// The admin API at scale: 1,000,000 users with labels, profiles and activities in a throwaway
// PostgreSQL database, the admin list/filter endpoints timed through the HTTP API of the built
// server (one client, sequential requests: p50/p95 per query), and the EXPLAIN ANALYZE plan of
// every statement each endpoint runs (captured from the real code path, so the plans are the
// server's own SQL), with sequential scans of the big tables flagged.
// Needs PostgreSQL on postgres://postgres@127.0.0.1:5432 (Redis only with --redis). Never run by
// tests or CI.
//   npm run build && node bench/admin-scale.mjs [--users 1000000] [--iterations 50] [--redis] [--keep] [--no-plans]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { freePort, startFlags } from './net.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url).href);
const { loadConfig } = await dist('config/load.js');
const { buildContainer } = await dist('container.js');
const { buildApp } = await dist('app.js');
const { openPostgres } = await dist('db/pg.js');
const { Pii } = await dist('domain/kyc/pii.js');

const { values: opt } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' }, iterations: { type: 'string', default: '50' },
    redis: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, 'no-plans': { type: 'boolean', default: false },
  },
});
const USERS = Number(opt.users);
const ITERATIONS = Number(opt.iterations);
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const UA = 'Mozilla/5.0 (admin-scale bench)';
const ADMIN_EMAIL = 'bench-root@example.com';
const ADMIN_PASSWORD = 'Tecohvi0-Xq';
const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'UA', 'PL', 'ES', 'IT', 'NL', 'SE', 'CH', 'AT', 'BE', 'CZ', 'PT', 'RO', 'GR', 'TR', 'JP', 'BR'];
const NAMES = 500; // first names × last names pools
const BIG_TABLES = /Seq Scan on (users|labels|profiles|activities)\b/;

const name = `warden_bench_admin_${randomBytes(4).toString('hex')}`;
const dbUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
const ENCRYPTION_KEY = randomBytes(32).toString('hex');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-admin-'));
const cleanups = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const f of cleanups.reverse()) { try { await f(); } catch (err) { console.error('cleanup:', err.message); } }
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.once('SIGINT', () => { void cleanup().then(() => process.exit(130)); });

async function adminSql(sql) {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

async function waitFor(url, child, what) {
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* starting */ }
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not start`);
}

const stopChild = (child) => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve();
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  child.once('exit', () => { clearTimeout(t); resolve(); });
  child.kill('SIGTERM');
});

const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Bulk load with the secondary indexes dropped and rebuilt afterwards (one sorted build per
 * index is far cheaper than a million incremental inserts), then VACUUM ANALYZE so the planner
 * has statistics and index-only scans have a visibility map.
 */
async function load(db) {
  const tables = ['users', 'labels', 'profiles', 'activities'];
  const { rows: indexes } = await db.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1)
       AND indexname NOT IN (SELECT conname FROM pg_constraint)`, [tables]);
  const { rows: [{ base }] } = await db.query('SELECT coalesce(max(id), 0)::int AS base FROM users');
  const { rows: [{ admin_id: adminId }] } = await db.query('SELECT id::int AS admin_id FROM users WHERE email = $1', [ADMIN_EMAIL]);
  await db.query("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'");
  for (const i of indexes) await db.query(`DROP INDEX ${i.indexname}`);

  // Name pools: sealed names and their blind indexes, computed with the server's key.
  const pii = new Pii(Buffer.from(ENCRYPTION_KEY, 'hex'));
  await db.query('CREATE TEMP TABLE bench_names (i int, first_enc text, first_idx text, last_enc text, last_idx text)');
  const pool = [];
  for (let i = 0; i < NAMES; i++) pool.push([i, pii.encryptField(`First${i}`), pii.blindIndex(`First${i}`), pii.encryptField(`Last${i}`), pii.blindIndex(`Last${i}`)]);
  await db.query(`INSERT INTO bench_names SELECT * FROM json_populate_recordset(null::bench_names, $1)`,
    [JSON.stringify(pool.map(([i, fe, fi, le, li]) => ({ i, first_enc: fe, first_idx: fi, last_enc: le, last_idx: li })))]);
  const dob = pii.encryptField('1990-01-01');

  let t0 = Date.now();
  // Roles: 1 % each admin, support and compliance, the rest members; states and levels spread;
  // created one every 63 s back from now (about two years).
  await db.query(`
    INSERT INTO users (uid, email, password_digest, role, level, otp, state, created_at, updated_at)
    SELECT 'ID' || lpad(upper(to_hex(g)), 10, '0'), 'user' || g || '@bench.example', 'x',
      CASE g % 100 WHEN 0 THEN 'admin' WHEN 1 THEN 'support' WHEN 2 THEN 'compliance' ELSE 'member' END,
      g % 4, g % 7 = 0, (ARRAY['active','active','active','active','pending','banned','locked','deleted'])[1 + g % 8],
      now() - g * interval '63 seconds', now() - g * interval '31 seconds'
    FROM generate_series(1, $1::int) g`, [USERS]);
  console.log(`  users: ${USERS} rows in ${seconds(t0)} s`);

  t0 = Date.now();
  // email verified for all; phone for 60 %; document pending 5 %, verified 20 %, rejected and
  // replaced 5 % each; a public vip=gold for 1 %.
  await db.query(`
    INSERT INTO labels (user_id, key, value, scope, created_at, updated_at)
    SELECT u.id, l.key, l.value, l.scope, u.created_at, u.created_at + interval '1 day' * (u.id % 30)
    FROM users u CROSS JOIN LATERAL (VALUES
      ('email', 'verified', 'private', true),
      ('phone', 'verified', 'private', u.id % 10 < 6),
      ('document', CASE u.id % 20 WHEN 0 THEN 'pending' WHEN 5 THEN 'rejected' WHEN 6 THEN 'replaced' ELSE 'verified' END, 'private', u.id % 20 IN (0, 1, 2, 3, 4, 5, 6)),
      ('vip', 'gold', 'public', u.id % 100 = 7)
    ) AS l(key, value, scope, present)
    WHERE u.id > $1 AND l.present`, [base]);
  const { rows: [{ labels }] } = await db.query('SELECT count(*)::int AS labels FROM labels');
  console.log(`  labels: ${labels} rows in ${seconds(t0)} s`);

  t0 = Date.now();
  // A verified profile for 80 % of the users (5 % submitted instead), names from the pools.
  await db.query(`
    INSERT INTO profiles (user_id, first_name_encrypted, last_name_encrypted, dob_encrypted, first_name_index, last_name_index, country, state, created_at, updated_at)
    SELECT u.id, f.first_enc, l.last_enc, $2, f.first_idx, l.last_idx, ($3::text[])[1 + (u.id / 5) % 20], CASE WHEN u.id % 20 = 9 THEN 1 ELSE 3 END, u.created_at, u.created_at
    FROM users u JOIN bench_names f ON f.i = u.id % ${NAMES} JOIN bench_names l ON l.i = (u.id / ${NAMES}) % ${NAMES}
    WHERE u.id > $1 AND u.id % 5 <> 0`, [base, dob, COUNTRIES]);
  const { rows: [{ profiles }] } = await db.query('SELECT count(*)::int AS profiles FROM profiles');
  console.log(`  profiles: ${profiles} rows in ${seconds(t0)} s`);

  t0 = Date.now();
  // A sign-up for every user, a login for every second, a failed login for every tenth, and
  // 20,000 admin rows of the bench admin on users, interleaved in time (ids follow created_at,
  // as in a live log).
  const every = Math.max(1, Math.floor(USERS / 20000));
  await db.query(`
    INSERT INTO activities (user_id, category, target_uid, user_ip, user_agent, topic, action, result, data, created_at)
    SELECT * FROM (
      SELECT u.id, 'user', NULL, '10.0.0.1', $2::text, a.topic, a.action, a.result, NULL, u.created_at + a.after
      FROM users u CROSS JOIN LATERAL (VALUES
        ('account', 'signup', 'succeed', interval '0', true),
        ('session', 'login', 'succeed', interval '1 hour', u.id % 2 = 0),
        ('session', 'login', 'failed', interval '2 hours', u.id % 10 = 3)
      ) AS a(topic, action, result, after, present)
      WHERE u.id > $1 AND a.present
      UNION ALL
      SELECT $3::bigint, 'admin', u.uid, '10.0.0.2', $2::text, 'users', 'update', 'succeed', '{"state":"banned"}', u.created_at + interval '30 minutes'
      FROM users u WHERE u.id > $1 AND u.id % ${every} = 0
    ) rows ORDER BY 10`, [base, UA, adminId]);
  const { rows: [{ activities }] } = await db.query('SELECT count(*)::int AS activities FROM activities');
  console.log(`  activities: ${activities} rows in ${seconds(t0)} s`);

  t0 = Date.now();
  for (const i of indexes) await db.query(i.indexdef);
  console.log(`  ${indexes.length} indexes rebuilt in ${seconds(t0)} s`);
  t0 = Date.now();
  await db.query(`VACUUM ANALYZE ${tables.join(', ')}`);
  console.log(`  VACUUM ANALYZE in ${seconds(t0)} s`);
  return { labels, profiles, activities };
}

/** The queries: [label, path with query string]. `uid`/`email` are a mid-table user. */
function queries(sample, day) {
  const q = (p, params = {}) => `${p}${Object.keys(params).length ? `?${new URLSearchParams(params)}` : ''}`;
  const from = String(Math.floor(day / 1000));
  const to = String(Math.floor(day / 1000) + 86_399);
  return [
    ['users: first page', q('/users')],
    ['users: role=support', q('/users', { role: 'support' })],
    ['users: state=banned, page 50', q('/users', { state: 'banned', page: '50' })],
    ['users: level=3, newest first', q('/users', { level: '3', ordering: 'desc', order_by: 'created_at' })],
    ['users: email', q('/users', { email: sample.email })],
    ['users: uid', q('/users', { uid: sample.uid })],
    ['users: country=DE', q('/users', { country: 'DE' })],
    ['users: first+last name', q('/users', { first_name: 'First7', last_name: 'Last9' })],
    ['users: created in one day', q('/users', { range: 'created', from, to })],
    ['users: extended', q('/users', { extended: 'true' })],
    ['users/:uid (KYC detail)', q(`/users/${sample.uid}`)],
    ['users/documents/pending', q('/users/documents/pending')],
    ['users/labels vip=gold', q('/users/labels', { key: 'vip', value: 'gold' })],
    ['users/labels/list', q('/users/labels/list')],
    ['profiles', q('/profiles')],
    ['activities: first page', q('/activities')],
    ['activities: topic+action', q('/activities', { topic: 'session', action: 'login' })],
    ['activities: uid', q('/activities', { uid: sample.uid })],
    ['activities: one day', q('/activities', { from, to })],
    ['activities/admin: target_uid', q('/activities/admin', { target_uid: sample.adminTarget })],
    ['metrics: all time', q('/metrics')],
    ['metrics: last 30 days', q('/metrics', { created_from: String(Math.floor(Date.now() / 1000) - 30 * 86_400) })],
    ['api_keys of a user', q('/api_keys', { uid: sample.uid })],
    ['restrictions', q('/restrictions')],
    ['permissions', q('/permissions')],
  ];
}

/** A Db that records the statements run while `recording` is set. */
function recordingDb(real) {
  const state = { recording: null };
  const wrap = (q) => ({ query: (sql, params) => { state.recording?.push({ sql, params: params ?? [] }); return q.query(sql, params); } });
  return {
    state,
    db: { kind: real.kind, get queryCount() { return real.queryCount; }, ...wrap(real), tx: (fn) => real.tx((q) => fn(wrap(q))), close: () => real.close() },
  };
}

try {
  console.log(`admin-scale bench: ${USERS} users, ${ITERATIONS} sequential requests per query, ${os.cpus().length} cores shared by client, server and PostgreSQL`);
  await adminSql(`CREATE DATABASE ${name}`);
  if (!opt.keep) cleanups.push(() => adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  else console.log(`keeping database ${name}`);
  const env = {
    ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: dbUrl, ENCRYPTION_KEY, ADMIN_EMAIL, ADMIN_PASSWORD,
    ...(opt.redis ? { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `${name}:` } : {}),
  };
  delete env.JWT_PRIVATE_KEY; // generated in DATA_DIR by the server, read by the in-process twin below
  if (!opt.redis) delete env.REDIS_URL;
  const port = await freePort();
  const warden = spawn(process.execPath, [...startFlags(), 'dist/cli.js', 'serve'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  cleanups.push(() => stopChild(warden));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/api/v2/auth/identity/ping`, warden, 'warden');

  const loader = new pg.Client({ connectionString: dbUrl });
  await loader.connect();
  cleanups.push(() => loader.end());
  console.log('loading:');
  const t0 = Date.now();
  const counts = await load(loader);
  console.log(`loaded in ${seconds(t0)} s`);
  const { rows: [sample] } = await loader.query(
    `SELECT u.uid, u.email, (SELECT target_uid FROM activities WHERE category = 'admin' ORDER BY id DESC LIMIT 1) AS "adminTarget"
     FROM users u WHERE u.email = $1`, [`user${Math.floor(USERS / 2)}@bench.example`]);
  const { rows: [day] } = await loader.query('SELECT date_trunc(\'day\', created_at) AS d FROM users WHERE email = $1', [`user${Math.floor(USERS / 3)}@bench.example`]);

  // An in-process twin of the server (same database, keys and settings) signs the admin's JWT
  // and runs each endpoint once with statement capture for the plans.
  const config = loadConfig(env);
  const rec = recordingDb(await openPostgres(dbUrl));
  const twin = await buildContainer(config, pino({ level: 'silent' }), { db: rec.db, startMailer: false, startRelay: false });
  cleanups.push(() => twin.close());
  const twinApp = await buildApp(twin, { logger: false });
  cleanups.push(() => twinApp.close());
  await twinApp.ready();
  const { rows: [root] } = await loader.query('SELECT uid, email, role, level, state FROM users WHERE email = $1', [ADMIN_EMAIL]);
  const jwt = () => twin.identity.tokens.sign('session', root).token;
  const prefix = `${config.API_PREFIX}/admin`;

  const results = [];
  const plans = [];
  for (const [label, p] of queries(sample, day.d.getTime())) {
    const headers = { authorization: `Bearer ${jwt()}`, 'user-agent': UA };
    const first = await fetch(`${base}${prefix}${p}`, { headers });
    const body = await first.text();
    if (first.status === 404 && body.includes('Route is not found')) { results.push({ query: label, status: 'not mounted' }); continue; }
    if (first.status !== 200) throw new Error(`${label}: ${first.status} ${body.slice(0, 200)}`);
    const returned = body.startsWith('[') ? JSON.parse(body).length : 1;
    const times = [];
    for (let i = 0; i < ITERATIONS + 3; i++) {
      const t = performance.now();
      const res = await fetch(`${base}${prefix}${p}`, { headers });
      await res.arrayBuffer();
      if (i >= 3) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results.push({ query: label, total: first.headers.get('total') ?? '', returned, 'p50 ms': pct(times, 50).toFixed(1), 'p95 ms': pct(times, 95).toFixed(1) });

    if (opt['no-plans']) continue;
    rec.state.recording = [];
    await twinApp.inject({ method: 'GET', url: `${prefix}${p}`, headers });
    const statements = rec.state.recording;
    rec.state.recording = null;
    for (const s of statements) {
      if (!/^\s*(SELECT|WITH)\b/i.test(s.sql) || !/\b(users|labels|profiles|activities|apikeys|service_accounts|comments|documents|phones)\b/.test(s.sql)) continue;
      const { rows } = await loader.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
      plans.push({ label, sql: s.sql.replace(/\s+/g, ' ').trim(), plan: rows.map((r) => r['QUERY PLAN']) });
    }
  }

  console.log(`\nrows: users ${USERS + 1}, labels ${counts.labels}, profiles ${counts.profiles}, activities ${counts.activities}`);
  console.table(results);
  if (!opt['no-plans']) {
    const flagged = [];
    for (const p of plans) {
      console.log(`\n── ${p.label}\n   ${p.sql.length > 300 ? `${p.sql.slice(0, 300)}…` : p.sql}`);
      for (const line of p.plan) console.log(`   ${line}`);
      if (p.plan.some((l) => BIG_TABLES.test(l))) flagged.push(p.label);
    }
    console.log(flagged.length ? `\nsequential scans of a big table in: ${[...new Set(flagged)].join('; ')}` : '\nno sequential scan of users, labels, profiles or activities');
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
