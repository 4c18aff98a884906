/**
 * Saved workflows over real HTTP: the shipped examples (listed, read-only, runnable by name),
 * save / read / replace / delete with and without a folder, work in progress saved with
 * warnings, bodies that are not workflows refused, and names that try to leave the folder
 * refused before any file is touched (sent raw, so no client normalises them first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/repo.js';
import { connectSocket, followRun } from './helpers-runs.js';

async function textMath(): Promise<any> {
  return JSON.parse(await readFile(join(repoRoot, 'workflows', 'basics', 'text-math.json'), 'utf8'));
}

/** An HTTP request whose path goes out exactly as written. */
function rawRequest(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('the shipped examples are listed read-only, readable and runnable by name with params', async () => {
  const server = await startTestServer();
  const live = await connectSocket(server.url);
  try {
    const list = await server.request('/api/workflows');
    assert.equal(list.status, 200);
    const names = list.body.items.map((item: { name: string }) => item.name);
    for (const name of ['basics/image-chain', 'basics/text-math', 'basics/comfyui-image-chain']) assert.ok(names.includes(name), name);
    const example = list.body.items.find((item: { name: string }) => item.name === 'basics/text-math');
    assert.equal(example.example, true);
    assert.ok(example.size > 0);
    assert.ok(!Number.isNaN(Date.parse(example.updated_at)));

    for (const path of ['/api/workflows/basics/text-math', '/api/workflows/basics%2Ftext-math']) {
      const read = await server.request(path);
      assert.equal(read.status, 200, path);
      assert.deepEqual(read.body, await textMath());
    }
    const run = await server.request('/api/workflows/basics%2Ftext-math/run', { method: 'POST', body: { params: { '1.value': 3 }, client_id: live.socket.id } });
    assert.equal(run.status, 202);
    assert.equal(run.body.status, 'queued');
    const done = await followRun(server, live, run.body.id);
    assert.equal(done.status, 'success');
    assert.match(done.outputs['7'].text[0], /^3 x 7 = 21 cells/);
    const fromSaved = await server.request('/api/workflows/basics/comfyui-image-chain/run', { method: 'POST' });
    assert.equal(fromSaved.status, 202);
    assert.equal((await followRun(server, live, fromSaved.body.id)).status, 'success');

    const overwrite = await server.request('/api/workflows/basics/text-math', { method: 'PUT', body: await textMath() });
    assert.equal(overwrite.status, 409);
    assert.equal(overwrite.body.error.code, 'conflict');
    assert.equal((await server.request('/api/workflows/basics/text-math', { method: 'DELETE' })).status, 409);
  } finally {
    live.close();
    await server.dispose();
  }
});

test('a workflow is saved, read back, replaced, run by name and deleted; folders work with / or %2F', async () => {
  const server = await startTestServer();
  const live = await connectSocket(server.url);
  try {
    const workflow = await textMath();
    const created = await server.request('/api/workflows/My%20flow%201', { method: 'PUT', body: workflow });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/api/workflows/My%20flow%201');
    assert.equal(created.body.name, 'My flow 1');
    assert.equal(created.body.example, false);
    assert.equal(created.body.valid, true);
    assert.equal(created.body.format, 'api');
    assert.deepEqual(created.body.warnings, { errors: [], node_errors: {} });
    assert.deepEqual((await server.request('/api/workflows/My%20flow%201')).body, workflow);
    const onDisk = JSON.parse(await readFile(join(server.dataDir, 'workflows', 'My flow 1.json'), 'utf8'));
    assert.deepEqual(onDisk, workflow);

    workflow.nodes['1'].inputs.value = 4;
    const replaced = await server.request('/api/workflows/My%20flow%201', { method: 'PUT', body: workflow });
    assert.equal(replaced.status, 200);
    assert.equal((await server.request('/api/workflows/My%20flow%201')).body.nodes['1'].inputs.value, 4);
    const run = await server.request('/api/workflows/My%20flow%201/run', { method: 'POST', body: { priority: 2 } });
    assert.equal(run.status, 202);
    assert.match((await followRun(server, live, run.body.id)).outputs['7'].text[0], /^4 x 7 = 28 cells/);

    assert.equal((await server.request('/api/workflows/team/flow-2.v1', { method: 'PUT', body: workflow })).status, 201);
    assert.equal((await server.request('/api/workflows/team%2Fflow-2.v1')).status, 200);
    assert.ok((await stat(join(server.dataDir, 'workflows', 'team', 'flow-2.v1.json'))).isFile());
    const list = (await server.request('/api/workflows')).body.items;
    const mine = list.filter((item: { example: boolean }) => !item.example).map((item: { name: string }) => item.name);
    assert.deepEqual(mine, ['My flow 1', 'team/flow-2.v1']);

    assert.equal((await server.request('/api/workflows/team%2Fflow-2.v1', { method: 'DELETE' })).status, 204);
    assert.equal((await server.request('/api/workflows/team/flow-2.v1')).status, 404);
    assert.equal((await server.request('/api/workflows/team/flow-2.v1', { method: 'DELETE' })).status, 404);
    await assert.rejects(stat(join(server.dataDir, 'workflows', 'team')), /ENOENT/);
    assert.equal((await server.request('/api/workflows/My%20flow%201', { method: 'DELETE' })).status, 204);
    assert.equal((await server.request('/api/workflows/My%20flow%201/run', { method: 'POST' })).status, 404);
  } finally {
    live.close();
    await server.dispose();
  }
});

test('work in progress is saved with warnings; what is not a workflow is refused', async () => {
  const server = await startTestServer();
  try {
    const wip = { schemaVersion: 1, nodes: { '1': { type: 'not.a.node', inputs: {} }, '2': { type: 'core.show_text', inputs: { value: ['1', 0] } } } };
    const saved = await server.request('/api/workflows/wip', { method: 'PUT', body: wip });
    assert.equal(saved.status, 201);
    assert.equal(saved.body.valid, false);
    assert.equal(saved.body.warnings.node_errors['1'].errors[0].code, 'missing_node_type');
    const run = await server.request('/api/workflows/wip/run', { method: 'POST', body: {} });
    assert.equal(run.status, 400);
    assert.equal(run.body.error.code, 'invalid_workflow');
    assert.ok(run.body.error.details.node_errors['1']);

    for (const body of [[1, 2], '"text"', {}, { nodes: 5 }, 42, 'null']) {
      const refused = await server.request('/api/workflows/broken', { method: 'PUT', body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.error.code, 'invalid_workflow', JSON.stringify(body));
    }
    const plain = await server.request('/api/workflows/broken', { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } });
    assert.equal(plain.status, 400);
    assert.equal(plain.body.error.code, 'invalid_input');
    assert.equal((await server.request('/api/workflows/broken')).status, 404);
    assert.equal((await server.request('/api/workflows/missing/run', { method: 'POST' })).status, 404);
    assert.equal((await server.request('/api/workflows/wip', { method: 'POST' })).status, 404);
    const badOptions = await server.request('/api/workflows/wip/run', { method: 'POST', body: { priority: 'high' } });
    assert.equal(badOptions.status, 400);
    assert.equal(badOptions.body.error.code, 'invalid_input');
  } finally {
    await server.dispose();
  }
});

test('names that try to leave the workflows folder are refused (400) for every method, and nothing is written', async () => {
  const server = await startTestServer();
  try {
    const workflow = await textMath();
    const nasty = [
      '..', '%2e%2e', '.%2e', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2fsecret', '..%5c..%5cwindows', 'a%2F..%2F..%2Fx',
      '../x', 'a/../../x', '.hidden', '.', 'a%5Cb', 'a%00b', 'a%0Ab', 'name.', 'name%20', '%20lead', '-dash',
      'a%2Fb%2Fc', 'a/b/c', 'a//b', 'CON', 'nul.json', 'x'.repeat(101), '%C0%AE%C0%AE', '%252e%252e', '~user', 'a:b',
      '*', 'a%2F', '%2Fetc%2Fpasswd', '%E2%80%AEevil', 'a%09b', 'team/..',
    ];
    assert.ok(nasty.length >= 20);
    for (const name of nasty) {
      for (const [method, suffix, body] of [['GET', '', undefined], ['PUT', '', workflow], ['DELETE', '', undefined], ['POST', '/run', {}]] as const) {
        const answer = await rawRequest(server.url, method, `/api/workflows/${name}${suffix}`, body);
        assert.equal(answer.status, 400, `${method} ${name}${suffix} → ${answer.status} ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error?.code, 'invalid_input', `${method} ${name}${suffix}`);
      }
    }
    await assert.rejects(readdir(join(server.dataDir, 'workflows')), /ENOENT/);
    const top = (await readdir(server.dataDir)).sort();
    assert.ok(!top.some((entry) => /passwd|secret|evil|windows|^x$/.test(entry)), top.join(', '));
    assert.equal((await server.request('/api/workflows')).status, 200);
  } finally {
    await server.dispose();
  }
});
