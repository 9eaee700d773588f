// Starts the built binary on a free port with a fresh SQLite folder and the
// example application, for one test file; stops it and removes the folder.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '..', '..');
export const admin = { email: 'admin@example.com', password: 'e2e-admin-password' };

export interface Server {
  url: string;
  stop(): Promise<void>;
  log(): string;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`mosaic serve exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`mosaic serve did not become ready:\n${readFileSync(logFile, 'utf8')}`);
}

export async function startServer(): Promise<Server> {
  const bin = process.env.MOSAIC_BIN ?? join(root, 'bin', 'mosaic');
  if (!existsSync(bin)) throw new Error(`no binary at ${bin}: run "make build" (it builds the studio into it) first`);
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'server.log');
  const out = createWriteStream(logFile);
  const child = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data', join(dir, 'data'), '--load', join(root, 'examples', 'order-management')], {
    env: { ...process.env, MOSAIC_ADMIN_EMAIL: admin.email, MOSAIC_ADMIN_PASSWORD: admin.password, MOSAIC_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  try {
    await waitReady(url, child, logFile);
    const page = await (await fetch(`${url}/studio/`)).text();
    if (!page.includes('/studio/assets/')) throw new Error('the binary carries no studio: run "make build" (not go build) so the UI is embedded');
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    log: () => readFileSync(logFile, 'utf8'),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
