import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, makeDataDir } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/repo.js';
import { resolveServerConfig } from '../../../engine/server/config.js';

test('GET /api/nodes answers every node description with an ETag, 304 on a repeat, and compression', async () => {
  const server = await startTestServer();
  try {
    const first = await server.request('/api/nodes');
    assert.equal(first.status, 200);
    assert.ok(Array.isArray(first.body));
    assert.ok(first.body.some((d: { type: string }) => d.type === 'image.load'));
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const again = await server.request('/api/nodes', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const gz = await fetch(`${server.url}/api/nodes`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(await gz.json(), first.body);
    const one = await server.request('/api/nodes/LoadImage');
    assert.equal(one.status, 200);
    assert.equal(one.body.type, 'image.load');
  } finally {
    await server.dispose();
  }
});

test('unknown routes, bad JSON and oversized bodies get the JSON error shape with the right status', async () => {
  const server = await startTestServer({ jsonLimitBytes: 1024 });
  try {
    const missing = await server.request('/api/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    const badJson = await server.request('/api/nodes', { method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json' } });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error.code, 'invalid_json');
    const big = await server.request('/api/nodes', { method: 'POST', body: { text: 'x'.repeat(5000) } });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'payload_too_large');
    const packs = await server.request('/api/packs');
    assert.equal(packs.status, 200);
    assert.ok(packs.body.loaded.some((p: { name: string }) => p.name === 'core'));
  } finally {
    await server.dispose();
  }
});

test('with a token, requests without it get 401 and with it pass; cross-site POSTs get 403', async () => {
  const server = await startTestServer({ token: 'secret-token-123' });
  try {
    assert.equal((await server.request('/api/packs')).status, 401);
    assert.equal((await server.request('/api/packs', { headers: { authorization: 'Bearer wrong-token-000' } })).body.error.code, 'unauthorized');
    assert.equal((await server.request('/api/packs', { headers: { authorization: 'Bearer secret-token-123' } })).status, 200);
    assert.equal((await server.request('/api/packs?token=secret-token-123')).status, 200);
    const cross = await server.request('/api/nope', { method: 'POST', body: {}, headers: { authorization: 'Bearer secret-token-123', origin: 'https://evil.example' } });
    assert.equal(cross.status, 403);
    assert.equal(cross.body.error.code, 'forbidden');
    const same = await server.request('/api/nope', { method: 'POST', body: {}, headers: { authorization: 'Bearer secret-token-123', origin: server.url } });
    assert.equal(same.status, 404);
  } finally {
    await server.dispose();
  }
});

test('a non-loopback host without a token is refused unless auth is explicitly off', () => {
  assert.throws(() => resolveServerConfig({ host: '0.0.0.0', dataDir: '/tmp/x' }, {}), /without an API token/);
  assert.equal(resolveServerConfig({ host: '0.0.0.0', dataDir: '/tmp/x', auth: 'off' }, {}).auth, 'off');
  assert.equal(resolveServerConfig({ dataDir: '/tmp/x' }, { SWITCHYARD_PORT: '9000', SWITCHYARD_TOKEN: 'abcdefgh1' }).port, 9000);
  assert.throws(() => resolveServerConfig({ dataDir: '/tmp/x' }, { SWITCHYARD_PORT: 'eighty' }), /SWITCHYARD_PORT must be a number/);
});

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'switchyard.js'), ...args], { env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('switchyard serve exits 2 with a clear message when the port is taken or the data folder is unusable', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const taken = await runCli(['serve', '--port', String(port), '--data', await makeDataDir()]);
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /already in use/);
  } finally {
    blocker.close();
  }
  const parent = await mkdtemp(join(tmpdir(), 'switchyard-file-'));
  const notAFolder = join(parent, 'file');
  await writeFile(notAFolder, 'x');
  await chmod(notAFolder, 0o400);
  const unusable = await runCli(['serve', '--port', '0', '--data', notAFolder]);
  assert.equal(unusable.code, 2);
  assert.match(unusable.stderr, /data folder .* is not usable/);
});

test('switchyard serve prints its URL when ready and stops cleanly on SIGTERM', async () => {
  const dataDir = await makeDataDir();
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'switchyard.js'), 'serve', '--port', '0', '--data', dataDir], { env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'silent' } });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
  });
  const health = await fetch(`${url}/api/packs`);
  assert.equal(health.status, 200);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
