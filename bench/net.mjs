// Shared by the bench scripts.
import fs from 'node:fs';
import net from 'node:net';

/**
 * The node flags `npm start` gives Warden (package.json), so a bench measures the server as it
 * is started, not as a bare `node dist/cli.js serve` would run it.
 */
export function startFlags() {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return pkg.scripts.start.split(/\s+/).filter((arg) => arg.startsWith('--'));
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}
