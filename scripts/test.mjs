#!/usr/bin/env node
// Runs every *.test.ts under the given roots (default: src and test) with node's test runner
// (Node 20 has no --test globs), then prints one plain summary line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test'];
const files = [];
const walk = (p) => {
  const st = fs.statSync(p);
  if (st.isDirectory()) { for (const e of fs.readdirSync(p).sort()) if (e !== 'node_modules') walk(path.join(p, e)); }
  else if (p.endsWith('.test.ts')) files.push(p);
};
for (const r of roots) if (fs.existsSync(r)) walk(r);
if (files.length === 0) { console.error('no test files found'); process.exit(1); }

const label = process.env.DATABASE_URL ? 'postgres+redis' : 'embedded';
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (d) => { process.stdout.write(d); tail = (tail + d).slice(-4000); });
child.on('exit', (code) => {
  const n = (name) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(tail)?.[1] ?? 0);
  console.log(`${label}: ${n('pass')} passed, ${n('fail') + n('cancelled')} failed, ${n('skipped')} skipped`);
  process.exit(code ?? 1);
});
