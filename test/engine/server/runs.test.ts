/**
 * The native runs API over real HTTP: submitting (202 with a queue place, 400 naming every bad
 * node, malformed bodies, parameter overrides, the rate limit), queue order by priority and
 * `front`, cancelling, interrupting and re-queueing, and paging through queue and history.
 * Runs are followed over socket.io; timing is controlled with the test-only wait node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/repo.js';
import { chainWorkflow, connectSocket, followRun, submit, TEST_PACKS_DIR, waitForRunEnd, waitWorkflow } from './helpers-runs.js';

async function textMath(): Promise<unknown> {
  return JSON.parse(await readFile(join(repoRoot, 'workflows', 'basics', 'text-math.json'), 'utf8'));
}

test('POST /api/runs answers 202 with id, number and position; params override inputs', async () => {
  const server = await startTestServer();
  const live = await connectSocket(server.url);
  try {
    const answer = await server.request('/api/runs', { method: 'POST', body: { workflow: await textMath(), params: { '1.value': 10 }, client_id: live.socket.id } });
    assert.equal(answer.status, 202);
    assert.equal(answer.body.status, 'queued');
    assert.equal(typeof answer.body.id, 'string');
    assert.ok(Number.isInteger(answer.body.number));
    assert.equal(answer.body.position, 0);
    assert.equal(answer.body.requeued_from, null);
    assert.equal(answer.headers.get('location'), `/api/runs/${answer.body.id}`);
    const run = await waitForRunEnd(live, answer.body.id);
    assert.equal(run.status, 'success');
    assert.match(run.outputs['7'].text[0], /^10 x 7 = 70 cells/);
    const detail = (await server.request(`/api/runs/${answer.body.id}`)).body;
    assert.deepEqual(detail.params, { '1.value': 10 });
    assert.equal(detail.workflow.nodes['1'].inputs.value, 10);
    assert.equal(detail.position, null);
  } finally {
    live.close();
    await server.dispose();
  }
});

test('runs carry a name: the one submitted, the saved workflow run, or the original of a re-run; the detail returns the editor workflow as sent', async () => {
  const server = await startTestServer();
  const live = await connectSocket(server.url);
  try {
    const named = await server.request('/api/runs', { method: 'POST', body: { workflow: await textMath(), name: 'my grid', client_id: live.socket.id } });
    assert.equal(named.status, 202);
    await waitForRunEnd(live, named.body.id);
    const detail = (await server.request(`/api/runs/${named.body.id}`)).body;
    assert.equal(detail.name, 'my grid');
    assert.equal(detail.saved, null, 'an API-format submission has no editor workflow');
    const listed = (await server.request('/api/runs')).body.items.find((run: { id: string }) => run.id === named.body.id);
    assert.equal(listed.name, 'my grid');

    const again = await server.request(`/api/runs/${named.body.id}/requeue`, { method: 'POST' });
    assert.equal(again.status, 202);
    assert.equal((await server.request(`/api/runs/${again.body.id}`)).body.name, 'my grid');

    const saved = JSON.parse(await readFile(join(repoRoot, 'workflows', 'basics', 'comfyui-image-chain.json'), 'utf8'));
    const fromEditor = await server.request('/api/runs', { method: 'POST', body: { workflow: saved } });
    assert.equal(fromEditor.status, 202);
    const editorDetail = (await server.request(`/api/runs/${fromEditor.body.id}`)).body;
    assert.equal(editorDetail.name, null, 'no name was given');
    assert.deepEqual(editorDetail.saved.nodes.map((node: { id: number; pos: unknown }) => [node.id, node.pos]), saved.nodes.map((node: { id: number; pos: unknown }) => [node.id, node.pos]));

    const ofSaved = await server.request('/api/workflows/basics/text-math/run', { method: 'POST', body: {} });
    assert.equal(ofSaved.status, 202);
    assert.equal((await server.request(`/api/runs/${ofSaved.body.id}`)).body.name, 'basics/text-math');

    for (const name of ['', '   ', 'x'.repeat(201), 7]) {
      const bad = await server.request('/api/runs', { method: 'POST', body: { workflow: await textMath(), name } });
      assert.equal(bad.status, 400, `name ${JSON.stringify(name)}`);
      assert.equal(bad.body.error.code, 'invalid_input');
    }
  } finally {
    live.close();
    await server.dispose();
  }
});

test('an invalid workflow gets 400 invalid_workflow with errors for every bad node, and nothing is queued', async () => {
  const server = await startTestServer();
  try {
    const workflow = {
      schemaVersion: 1,
      nodes: {
        '1': { type: 'nope.nothing', inputs: {} },
        '2': { type: 'core.int', inputs: { value: 'not a number' } },
        '3': { type: 'core.int_math', inputs: { a: ['2', 0], b: 0, operation: 'divide' } },
        '4': { type: 'core.show_text', inputs: { value: ['3', 0] } },
      },
    };
    const answer = await server.request('/api/runs', { method: 'POST', body: { workflow } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'invalid_workflow');
    const nodeErrors = answer.body.error.details.node_errors;
    assert.deepEqual(Object.keys(nodeErrors).sort(), ['1', '2', '3']);
    assert.equal(nodeErrors['1'].errors[0].code, 'missing_node_type');
    assert.equal(nodeErrors['2'].errors[0].code, 'invalid_input_type');
    assert.match(answer.body.error.message, /problems/);

    const badParam = await server.request('/api/runs', { method: 'POST', body: { workflow: await textMath(), params: { '99.value': 1 } } });
    assert.equal(badParam.status, 400);
    assert.equal(badParam.body.error.code, 'invalid_workflow');
    assert.match(JSON.stringify(badParam.body.error.details), /99/);

    const malformed: [unknown, string][] = [
      [{}, 'invalid_input'],
      [{ workflow: null }, 'invalid_input'],
      [{ workflow: await textMath(), priority: 'high' }, 'invalid_input'],
      [{ workflow: await textMath(), priority: 1.5 }, 'invalid_input'],
      [{ workflow: await textMath(), front: 'yes' }, 'invalid_input'],
      [{ workflow: await textMath(), client_id: '' }, 'invalid_input'],
      [{ workflow: await textMath(), outputs: [] }, 'invalid_input'],
      [{ workflow: await textMath(), clientId: 'typo' }, 'invalid_input'],
      [{ workflow: await textMath(), params: [1] }, 'invalid_input'],
      [[1, 2, 3], 'invalid_input'],
      ['"a JSON string"', 'invalid_input'],
      [{ workflow: 'not json at all' }, 'invalid_workflow'],
      [{ workflow: { nodes: 5 } }, 'invalid_workflow'],
      [{ workflow: await textMath(), outputs: ['missing'] }, 'invalid_workflow'],
    ];
    for (const [body, code] of malformed) {
      const bad = await server.request('/api/runs', { method: 'POST', body });
      assert.equal(bad.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${bad.text}`);
      assert.equal(bad.body.error.code, code, JSON.stringify(body).slice(0, 80));
    }
    const notJson = await server.request('/api/runs', { method: 'POST', body: '{"workflow":', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.body.error.code, 'invalid_json');
    const list = await server.request('/api/runs');
    assert.equal(list.body.total, 0);
  } finally {
    await server.dispose();
  }
});

test('priority and front decide the order queued runs start in', async () => {
  const server = await startTestServer({ packsDirs: [TEST_PACKS_DIR], queueConcurrency: 1 });
  const live = await connectSocket(server.url);
  try {
    assert.equal((await live.subscribe('*')).ok, true);
    const blocker = await submit(server, { workflow: waitWorkflow(600_000, 'blocker') });
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === blocker.id, 'the blocker to start');
    const a = await submit(server, { workflow: waitWorkflow(0, 'a') });
    const b = await submit(server, { workflow: waitWorkflow(0, 'b'), priority: 5 });
    const c = await submit(server, { workflow: waitWorkflow(0, 'c'), front: true });
    const d = await submit(server, { workflow: waitWorkflow(0, 'd') });
    assert.equal(c.position, 0);
    const expected = [c.id, b.id, a.id, d.id];
    for (const [index, id] of expected.entries()) assert.equal((await server.request(`/api/runs/${id}`)).body.position, index);
    const queued = await server.request('/api/runs?status=queued');
    assert.deepEqual(queued.body.items.map((item: { id: string }) => item.id), expected);

    const interrupt = await server.request('/api/interrupt', { method: 'POST' });
    assert.deepEqual(interrupt.body, { interrupted: [blocker.id] });
    for (const id of expected) assert.equal((await waitForRunEnd(live, id)).status, 'success');
    const startOrder = live.events.filter((e) => e.name === 'run:started' && expected.includes(e.payload.run_id)).map((e) => e.payload.run_id);
    assert.deepEqual(startOrder, expected);
    assert.equal((await waitForRunEnd(live, blocker.id)).status, 'interrupted');
  } finally {
    live.close();
    await server.dispose();
  }
});

test('DELETE cancels a queued run and interrupts a running one; requeue runs a finished run again', async () => {
  const server = await startTestServer({ packsDirs: [TEST_PACKS_DIR], queueConcurrency: 1, shutdownTimeoutMs: 0 });
  const live = await connectSocket(server.url);
  try {
    assert.equal((await live.subscribe('*')).ok, true);
    const blocker = await submit(server, { workflow: chainWorkflow(600_000) });
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === blocker.id && e.payload.node_id === 'slow', 'the slow node to start');
    const waiting = await submit(server, { workflow: waitWorkflow(0, 'x') });

    const cancel = await server.request(`/api/runs/${waiting.id}`, { method: 'DELETE' });
    assert.deepEqual(cancel.body, { id: waiting.id, outcome: 'cancelled', status: 'cancelled' });
    assert.equal((await waitForRunEnd(live, waiting.id)).status, 'cancelled');

    const stop = await server.request(`/api/runs/${blocker.id}`, { method: 'DELETE' });
    assert.equal(stop.status, 200);
    assert.equal(stop.body.outcome, 'interrupting');
    const interrupted = await waitForRunEnd(live, blocker.id);
    assert.equal(interrupted.status, 'interrupted');
    assert.deepEqual(interrupted.executed, ['first']);
    assert.deepEqual(interrupted.outputs.first.text, ['first']);
    assert.equal((await server.request(`/api/runs/${blocker.id}`, { method: 'DELETE' })).body.outcome, 'already_finished');

    const again = await server.request(`/api/runs/${waiting.id}/requeue`, { method: 'POST' });
    assert.equal(again.status, 202);
    assert.equal(again.body.requeued_from, waiting.id);
    assert.notEqual(again.body.id, waiting.id);
    assert.equal((await waitForRunEnd(live, again.body.id)).status, 'success');
    assert.equal((await server.request(`/api/runs/${waiting.id}`)).body.status, 'cancelled');

    const rerun = await server.request(`/api/runs/${blocker.id}/requeue`, { method: 'POST', body: { priority: 3 } });
    assert.equal(rerun.status, 202);
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === rerun.body.id, 'the re-queued run to start');
    const busy = await server.request(`/api/runs/${rerun.body.id}/requeue`, { method: 'POST' });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'conflict');
    const one = await server.request('/api/interrupt', { method: 'POST', body: { id: rerun.body.id } });
    assert.deepEqual(one.body, { interrupted: [rerun.body.id] });
    assert.equal((await waitForRunEnd(live, rerun.body.id)).status, 'interrupted');

    for (const [path, method] of [['/api/runs/nope', 'GET'], ['/api/runs/nope', 'DELETE'], ['/api/runs/nope/requeue', 'POST']] as const) {
      const missing = await server.request(path, { method });
      assert.equal(missing.status, 404, `${method} ${path}`);
      assert.equal(missing.body.error.code, 'not_found');
    }
    assert.equal((await server.request('/api/interrupt', { method: 'POST', body: { id: 'nope' } })).status, 404);
    assert.equal((await server.request('/api/interrupt', { method: 'POST', body: { id: 5 } })).status, 400);
    assert.equal((await server.request(`/api/runs/${blocker.id}/requeue`, { method: 'POST', body: { front: 'soon' } })).status, 400);
  } finally {
    live.close();
    await server.dispose();
  }
});

test('GET /api/runs pages through queue and history, newest first, filtered by status', async () => {
  const server = await startTestServer({ packsDirs: [TEST_PACKS_DIR] });
  const live = await connectSocket(server.url);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await submit(server, { workflow: waitWorkflow(0, `run ${i}`) })).id);
    for (const id of ids) assert.equal((await followRun(server, live, id)).status, 'success');
    const first = await server.request('/api/runs?limit=2');
    assert.equal(first.status, 200);
    assert.equal(first.body.total, 5);
    assert.deepEqual([first.body.limit, first.body.offset], [2, 0]);
    assert.deepEqual(first.body.items.map((item: { id: string }) => item.id), [ids[4], ids[3]]);
    assert.equal(first.body.items[0].workflow, undefined);
    assert.deepEqual(first.body.items[0].outputs.w.text, ['run 4']);
    const last = await server.request('/api/runs?limit=2&offset=4');
    assert.deepEqual(last.body.items.map((item: { id: string }) => item.id), [ids[0]]);
    assert.equal((await server.request('/api/runs?status=success,queued')).body.total, 5);
    assert.equal((await server.request('/api/runs?status=queued&status=running')).body.total, 0);
    for (const query of ['status=bogus', 'limit=0', 'limit=abc', 'limit=501', 'offset=-1', 'status=']) {
      const bad = await server.request(`/api/runs?${query}`);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.code, 'invalid_input', query);
    }
  } finally {
    live.close();
    await server.dispose();
  }
});

test('submissions beyond the rate limit get 429 with Retry-After', async () => {
  const server = await startTestServer({ packsDirs: [TEST_PACKS_DIR], submitRatePerSecond: 0.01, submitBurst: 2 });
  try {
    for (let i = 0; i < 2; i++) await submit(server, { workflow: waitWorkflow(0) });
    const limited = await server.request('/api/runs', { method: 'POST', body: { workflow: waitWorkflow(0) } });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  } finally {
    await server.dispose();
  }
});
