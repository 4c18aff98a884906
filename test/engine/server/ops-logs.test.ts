import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../../helpers/server.js';
import { LogsPageSchema } from '../../../engine/server/ops/logs.js';
import { exampleWorkflow, runWorkflow, startOpsServer } from './ops-harness.js';

test('GET /api/logs answers the server log lines, filtered by level, text, time and seq', async () => {
  const server = await startOpsServer({ level: 'debug' });
  try {
    const ctx = server.server.ctx;
    ctx.log.warn({ runId: 'abc' }, 'Disk almost full');
    ctx.log.error('Something broke');
    ctx.log.debug('chatty detail');
    const all = LogsPageSchema.parse((await server.request('/api/logs')).body);
    assert.equal(all.capturing, true);
    assert.ok(all.lines.some((l) => l.msg === 'switchyard is serving'), 'startup lines are captured');
    const warn = all.lines.find((l) => l.msg === 'Disk almost full');
    assert.equal(warn?.level, 'warn');
    assert.equal(warn?.fields.runId, 'abc');

    const errors = LogsPageSchema.parse((await server.request('/api/logs?level=warn')).body);
    assert.ok(errors.lines.every((l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal'));
    assert.ok(errors.lines.some((l) => l.msg === 'Something broke'));
    assert.ok(!errors.lines.some((l) => l.msg === 'chatty detail'));

    const found = LogsPageSchema.parse((await server.request('/api/logs?q=DISK')).body);
    assert.deepEqual(found.lines.map((l) => l.msg), ['Disk almost full']);
    const newest = LogsPageSchema.parse((await server.request('/api/logs?limit=1')).body);
    assert.deepEqual(newest.lines.map((l) => l.msg), ['chatty detail']);
    const after = LogsPageSchema.parse((await server.request(`/api/logs?after=${warn!.seq}`)).body);
    assert.deepEqual(after.lines.map((l) => l.msg), ['Something broke', 'chatty detail']);
    const future = LogsPageSchema.parse((await server.request(`/api/logs?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body);
    assert.deepEqual(future.lines, []);

    // Runs log through the same logger (run id bound).
    await runWorkflow(server, await exampleWorkflow('text-math'));
    const page = LogsPageSchema.parse((await server.request('/api/logs?limit=2000')).body);
    assert.ok(page.lines.length > 4);
    assert.equal(page.lastSeq, page.lines.at(-1)!.seq);
  } finally {
    await server.dispose();
  }
});

test('bad log queries get 400 naming the parameter; DELETE /api/logs clears the buffer', async () => {
  const server = await startOpsServer();
  try {
    for (const query of ['level=loud', 'limit=0', 'limit=abc', 'since=yesterday', 'after=-1', 'unknown=1', 'level=info&level=warn']) {
      const bad = await server.request(`/api/logs?${query}`);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.error.code, 'invalid_input', query);
      assert.match(bad.body.error.message, /query/, query);
    }
    server.server.ctx.log.info('before clearing');
    const cleared = await server.request('/api/logs', { method: 'DELETE' });
    assert.equal(cleared.status, 200);
    assert.ok(cleared.body.cleared >= 1);
    const after = LogsPageSchema.parse((await server.request('/api/logs')).body);
    assert.ok(!after.lines.some((l) => l.msg === 'before clearing'));
  } finally {
    await server.dispose();
  }
});

test('new log lines reach live subscribers through buffer.onLine, and live clients as the log event', async () => {
  const server = await startOpsServer();
  try {
    const broadcast = new Promise<{ msg: string }>((resolve) => {
      const stop = server.server.ctx.live.addSink((event, payload) => {
        if (event === 'log' && (payload as { msg: string }).msg === 'hello subscribers') {
          stop();
          resolve(payload as { msg: string });
        }
      });
    });
    const heard = new Promise<string>((resolve) => {
      const stop = server.server.ctx.logs.onLine((line) => {
        if (line.msg === 'hello subscribers') {
          stop();
          resolve(line.level);
        }
      });
    });
    server.server.ctx.log.info('hello subscribers');
    assert.equal(await heard, 'info');
    assert.equal((await broadcast).msg, 'hello subscribers');
  } finally {
    await server.dispose();
  }
});

test('a server started without a capturing logger says so instead of pretending the log is empty', async () => {
  const server = await startTestServer();
  try {
    const page = LogsPageSchema.parse((await server.request('/api/logs')).body);
    assert.equal(page.capturing, false);
    assert.deepEqual(page.lines, []);
  } finally {
    await server.dispose();
  }
});
