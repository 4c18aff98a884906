/**
 * The older API's operations routes over a real server: dashboard status, results of a run that
 * really ran (its file downloaded through `/api/download/…`), metrics, logs and their clearing,
 * settings read and changed (bad values refused, good ones persisted across a restart), the
 * model list and the unload routes (same answers as the native ones), and downloads that never
 * leave the output folder whatever the encoding.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestServer } from '../../helpers/server.js';
import { exampleWorkflow, runWorkflow, startOpsServer } from './ops-harness.js';
import { rawRequest } from './files-fixtures.js';

let server: TestServer;
const SECRET = 'legacy-ops-secret-content';

before(async () => {
  server = await startOpsServer();
  // Files just outside the output folder that a traversal would reach.
  await writeFile(join(server.dataDir, 'secret.txt'), SECRET);
  await writeFile(join(server.server.ctx.engine.folders.input, 'secret.txt'), SECRET);
});
after(() => server.dispose());

test('dashboard status answers the health figures in the older shape', async () => {
  const { status, body } = await server.request('/api/dashboard/status');
  assert.equal(status, 200);
  assert.equal(body.success, true);
  assert.match(body.status, /^(ok|degraded)$/);
  assert.equal(typeof body.version, 'string');
  assert.ok(body.uptime_seconds >= 0);
  assert.deepEqual(Object.keys(body.queue).sort(), ['finished', 'pending', 'running']);
  assert.ok(body.system.memory.system.totalBytes > 0);
  assert.ok(body.system.cpu.count >= 1);
  assert.ok(Array.isArray(body.system.gpu.devices), 'GPU devices are listed (empty, with a reason, without a GPU)');
  assert.ok(body.system.gpu.devices.length > 0 || typeof body.system.gpu.reason === 'string');
  assert.ok(body.execution_providers.includes('cpu'));
  assert.equal(body.models.manager, 'ready');
  assert.ok(body.packs.loaded >= 2);
});

test('a finished run shows up in dashboard results with its file, which downloads as an attachment', async () => {
  const earlier = await runWorkflow(server, await exampleWorkflow('image-chain'));
  const record = await runWorkflow(server, await exampleWorkflow('image-chain'));
  assert.equal(earlier.status, 'success');
  assert.equal(record.status, 'success');
  const { status, body } = await server.request('/api/dashboard/results?limit=5');
  assert.equal(status, 200);
  assert.equal(body.success, true);
  assert.ok(body.total >= 2);
  const ids = body.results.map((entry: { id: string }) => entry.id);
  assert.ok(ids.indexOf(record.id) < ids.indexOf(earlier.id), 'newest first');
  const result = body.results.find((entry: { id: string }) => entry.id === record.id);
  assert.ok(result, 'the run is listed');
  assert.ok(result.duration_ms >= 0 && result.finished_at !== null);
  assert.equal(result.status, 'success');
  assert.equal(result.error, null);
  const file = result.files.find((entry: { kind: string }) => entry.kind === 'image');
  assert.ok(file?.download_url?.startsWith('/api/download/'), JSON.stringify(result.files));
  const download = await rawRequest(server.url, file.download_url);
  assert.equal(download.status, 200);
  assert.match(String(download.headers['content-type']), /image\/png/);
  assert.match(String(download.headers['content-disposition']), /^attachment/);
  assert.deepEqual(download.body.subarray(1, 4), Buffer.from('PNG'));
  // The same bytes as the native output route.
  const native = await rawRequest(server.url, file.url);
  assert.ok(native.body.equals(download.body));
});

test('dashboard results validate their paging', async () => {
  for (const query of ['limit=0', 'limit=abc', 'offset=-1', 'limit=100000']) {
    const { status, body } = await server.request(`/api/dashboard/results?${query}`);
    assert.equal(status, 400, query);
    assert.equal(body.error.code, 'invalid_input');
  }
});

test('dashboard metrics are the native snapshot', async () => {
  const { status, body } = await server.request('/api/dashboard/metrics');
  assert.equal(status, 200);
  assert.equal(body.success, true);
  const native = await server.request('/api/metrics');
  assert.deepEqual(Object.keys(body.metrics).sort(), Object.keys(native.body).sort());
});

test('dashboard logs list recent lines, filter by level, and clear empties the buffer', async () => {
  server.server.ctx.log.warn({ probe: 'legacy-ops' }, 'a warning for the dashboard');
  const listed = await server.request('/api/dashboard/logs?level=warn');
  assert.equal(listed.status, 200);
  assert.equal(listed.body.success, true);
  assert.ok(listed.body.lines.some((line: { msg: string }) => line.msg === 'a warning for the dashboard'));
  assert.ok(listed.body.lines.every((line: { level: string }) => ['warn', 'error', 'fatal'].includes(line.level)));
  server.server.ctx.log.info('dashboard line one');
  server.server.ctx.log.info('dashboard line two');
  const limited = await server.request('/api/dashboard/logs?limit=1');
  assert.equal(limited.body.lines.length, 1);
  assert.equal(limited.body.lines[0].msg, 'dashboard line two', 'the newest line');
  for (const query of ['level=loud', 'limit=0', 'limit=x', 'colour=blue']) {
    const bad = await server.request(`/api/dashboard/logs?${query}`);
    assert.equal(bad.status, 400, query);
    assert.equal(bad.body.error.code, 'invalid_input');
  }
  const cleared = await server.request('/api/dashboard/logs/clear', { method: 'POST' });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.success, true);
  assert.ok(cleared.body.cleared >= 3);
  const after = await server.request('/api/dashboard/logs');
  assert.equal(after.body.size, 0);
  assert.deepEqual(after.body.lines, []);
});

test('dashboard settings: bad values are refused with the key named, good ones are stored and shared with the native route', async () => {
  const bad = await server.request('/api/dashboard/settings', { body: { historyCap: -5 } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_input');
  assert.match(bad.body.error.message, /historyCap/);
  const unknown = await server.request('/api/dashboard/settings', { body: { notASetting: 1 } });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error.message, /notASetting/);
  const notJson = await server.request('/api/dashboard/settings', { body: '{"historyCap":', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.status, 400);
  // No body at all: the same 400 as PUT /api/settings.
  const empty = await server.request('/api/dashboard/settings', { method: 'POST' });
  const nativeEmpty = await server.request('/api/settings', { method: 'PUT' });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.message, nativeEmpty.body.error.message);
  assert.deepEqual((await server.request('/api/dashboard/settings')).body.settings.overrides, {}, 'nothing stored by the refused changes');

  const changed = await server.request('/api/dashboard/settings', { body: { historyCap: 321 } });
  assert.equal(changed.status, 200);
  assert.equal(changed.body.success, true);
  assert.equal(changed.body.settings.settings.historyCap, 321);
  const read = await server.request('/api/dashboard/settings');
  assert.equal(read.body.settings.overrides.historyCap, 321);
  // The native route sees the same store.
  const native = await server.request('/api/settings');
  assert.equal(native.body.overrides.historyCap, 321);
  // Back to the default, so later tests see a plain server.
  const reset = await server.request('/api/dashboard/settings', { body: { historyCap: null } });
  assert.equal(reset.body.settings.overrides.historyCap, undefined);
});

test('a change through POST /api/dashboard/settings survives a restart', async () => {
  const first = await startOpsServer();
  const dataDir = first.dataDir;
  try {
    const changed = await first.request('/api/dashboard/settings', { body: { historyCap: 77, logLevel: 'warn' } });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.settings.applied, ['logLevel']);
    assert.deepEqual(changed.body.settings.pendingRestart, ['historyCap']);
  } finally {
    await first.close();
  }
  const second = await startOpsServer({ dataDir });
  try {
    const read = await second.request('/api/dashboard/settings');
    assert.equal(read.body.settings.settings.historyCap, 77);
    assert.equal(read.body.settings.settings.logLevel, 'warn');
    assert.deepEqual(read.body.settings.pendingRestart, []);
    assert.equal(second.server.ctx.config.historyCap, 77);
  } finally {
    await second.dispose();
  }
});

test('GET /models lists the models folder in the older shape', async () => {
  await writeFile(join(server.server.ctx.engine.folders.models, 'tiny.onnx'), Buffer.alloc(64));
  const { status, body } = await server.request('/models');
  assert.equal(status, 200);
  assert.equal(body.success, true);
  const tiny = body.models.find((model: { id: string }) => model.id === 'tiny.onnx');
  assert.deepEqual(tiny, { id: 'tiny.onnx', name: 'tiny.onnx', kind: 'file', size_bytes: 64, files: 1, loaded: false });
  assert.deepEqual(body.loaded, []);
});

test('unload routes answer what the native ones do: 404 for a model not loaded, 400 for a bad name', async () => {
  const a = await server.request('/api/unload/tiny.onnx', { method: 'POST' });
  const b = await server.request('/api/models/tiny.onnx/unload', { method: 'POST' });
  assert.deepEqual([a.status, b.status], [404, 404]);
  assert.equal(a.body.error.code, 'not_found');
  assert.equal(a.body.error.message, b.body.error.message);
  const all = await server.request('/api/unload-all', { method: 'POST' });
  assert.deepEqual([all.status, all.body], [200, { success: true, unloaded: [], pending: [] }]);
  // Raw requests: fetch would normalise `..` away before the server saw it.
  for (const bad of ['..', '%2e%2e', '.hidden', 'a%2Fb', '..%2f..%2fsecret', 'a%5cb', '%00x', 'x'.repeat(300)]) {
    const a = await rawRequest(server.url, `/api/unload/${bad}`, { method: 'POST' });
    const b = await rawRequest(server.url, `/api/models/${bad}/unload`, { method: 'POST' });
    assert.equal(a.status, 400, `${bad}: ${a.status} ${a.text}`);
    assert.equal(a.json.error.code, 'invalid_input', bad);
    assert.equal(b.status, 400, `native ${bad}: ${b.status}`);
    assert.deepEqual(a.json.error.details.problems.map((p: string) => p.replace(/^path\.\w+/, '')), b.json.error.details.problems.map((p: string) => p.replace(/^path\.\w+/, '')), bad);
  }
});

test('downloads never leave the output folder, whatever the encoding', async () => {
  const attempts = [
    '/api/download/../secret.txt',
    '/api/download/..%2fsecret.txt',
    '/api/download/%2e%2e/secret.txt',
    '/api/download/%2e%2e%2fsecret.txt',
    '/api/download/%252e%252e%252fsecret.txt',
    '/api/download/..%5csecret.txt',
    '/api/download/..\\secret.txt',
    '/api/download/%2fetc%2fpasswd',
    '/api/download//etc/passwd',
    '/api/download/..%2f..%2finput%2fsecret.txt',
    '/api/download/../input/secret.txt',
    '/api/download/secret.txt%00.png',
    '/api/download/%c0%ae%c0%ae/secret.txt',
    '/api/download/basics/../../secret.txt',
  ];
  for (const path of attempts) {
    const answer = await rawRequest(server.url, path);
    assert.ok(answer.status >= 400 && answer.status < 500, `${path}: ${answer.status}`);
    assert.ok(!answer.text.includes(SECRET), `${path} leaked the file`);
  }
  // A link inside the output folder that leads out of it.
  await symlink(join(server.dataDir, 'secret.txt'), join(server.server.ctx.engine.folders.output, 'link-out.txt'));
  const linked = await rawRequest(server.url, '/api/download/link-out.txt');
  assert.ok(linked.status >= 400 && linked.status < 500, `symlink: ${linked.status}`);
  assert.ok(!linked.text.includes(SECRET), 'the symlink leaked the file');
  const missing = await rawRequest(server.url, '/api/download/nothing-here.png');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'not_found');
});
