#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { configOrExit, serve } from './main.js';
import { openPglite } from './db/pglite.js';
import { openPostgres } from './db/pg.js';
import { migrate } from './db/migrate.js';
import { buildContainer } from './container.js';
import { createActiveUser } from './domain/identity/admin-bootstrap.js';
import { generateSigningKeyPem } from './infra/keys/keystore.js';
import { AppError } from './errors/app-error.js';
import path from 'node:path';
import { replayCommand } from './events-replay-cli.js';

const USAGE = `usage: warden [serve]
       warden migrate
       warden admin create --email E --password P [--role superadmin]
       warden keys generate [--algorithm RS256|ES256|EdDSA]
       warden events replay --from <time> [--to <time>]`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', sub] = argv;
  const env = process.env;
  switch (command) {
    case 'serve':
      await serve(env);
      return -1; // keep running
    case 'migrate': {
      const config = configOrExit(env);
      const db = config.DATABASE_URL ? await openPostgres(config.DATABASE_URL, { prepare: config.DATABASE_PREPARED_STATEMENTS }) : await openPglite(path.join(config.dataDir, 'pg'));
      const applied = await migrate(db);
      await db.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    }
    case 'admin': {
      if (sub !== 'create') break;
      const { values } = parseArgs({ args: argv.slice(2), options: { email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string', default: 'superadmin' } } });
      if (!values.email || !values.password) break;
      const config = configOrExit(env);
      const c = await buildContainer(config, pino({ level: 'warn' }), { startMailer: false });
      try {
        const user = await createActiveUser(c.identity, { email: values.email, password: values.password, role: values.role ?? 'superadmin' });
        process.stdout.write(user ? `created ${user.role} ${user.uid} <${user.email}>\n` : `a user with email ${values.email} already exists\n`);
        return user ? 0 : 1;
      } catch (err) {
        if (err instanceof AppError) { process.stderr.write(`warden: ${err.keys.join(', ')}\n`); return 1; }
        throw err;
      } finally {
        await c.close();
      }
    }
    case 'keys': {
      if (sub !== 'generate') break;
      const { values } = parseArgs({ args: argv.slice(2), options: { algorithm: { type: 'string', default: 'RS256' } } });
      const alg = values.algorithm as 'RS256' | 'ES256' | 'EdDSA';
      if (!['RS256', 'ES256', 'EdDSA'].includes(alg)) break;
      const pem = generateSigningKeyPem(alg);
      process.stdout.write(`JWT_ALGORITHM=${alg}\nJWT_PRIVATE_KEY="${pem.trim().replace(/\n/g, '\\n')}"\nENCRYPTION_KEY=${randomBytes(32).toString('hex')}\n`);
      return 0;
    }
    case 'events': {
      if (sub !== 'replay') break;
      const { values } = parseArgs({ args: argv.slice(2), options: { from: { type: 'string' }, to: { type: 'string' } } });
      if (!values.from) break;
      return replayCommand(configOrExit(env), values.from, values.to, (line) => process.stdout.write(`${line}\n`));
    }
    case '--help': case '-h': case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => { if (code >= 0) process.exit(code); }, (err) => {
  process.stderr.write(`warden: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
