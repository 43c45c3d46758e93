import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { EnvSchema } from '../src/config/schema.js';

test('README starts with the two commands and documents every environment variable', () => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const commands = [...readme.matchAll(/```sh\n(.*)\n```/g)].map((m) => m[1]);
  assert.deepEqual(commands.slice(0, 2), ['npm install && npm start', 'npm ci && npm test']);
  for (const name of Object.keys(EnvSchema.properties)) {
    assert.ok(readme.includes(`| \`${name}\` |`), `README lacks ${name}`);
  }
});
