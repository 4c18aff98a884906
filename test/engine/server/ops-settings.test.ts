import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SettingsViewSchema } from '../../../engine/server/ops/settings.js';
import { HealthReportSchema } from '../../../engine/server/ops/health.js';
import { providerCatalog, usableProviders } from '../../../engine/models/providers.js';
import { startOpsServer } from './ops-harness.js';

test('GET /api/settings answers values, defaults, overrides and when each applies', async () => {
  const server = await startOpsServer({ queueConcurrency: 2, submitRatePerSecond: 50 });
  try {
    const view = SettingsViewSchema.parse((await server.request('/api/settings')).body);
    assert.equal(view.settings.queueConcurrency, 2);
    assert.equal(view.settings.submitRatePerSecond, 50);
    assert.equal(view.settings.logLevel, 'info');
    assert.equal(view.settings.logBufferLines, 2000);
    assert.equal(view.settings.modelMemoryBytes, null);
    assert.deepEqual(view.overrides, {});
    assert.deepEqual(view.pendingRestart, []);
    assert.equal(view.effects.logLevel, 'live');
    assert.equal(view.effects.queueConcurrency, 'restart');
    assert.equal(view.effects.maxLoadedModels, 'restart');
  } finally {
    await server.dispose();
  }
});

test('bad values get 400 with the path, unknown keys get 400, and nothing is stored', async () => {
  const server = await startOpsServer();
  try {
    const bad = await server.request('/api/settings', { method: 'PUT', body: { logLevel: 'loud', queueConcurrency: 0 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_input');
    const problems: string[] = bad.body.error.details.problems;
    assert.ok(problems.some((p) => p.startsWith('body.logLevel')), problems.join('; '));
    assert.ok(problems.some((p) => p.startsWith('body.queueConcurrency')), problems.join('; '));
    const unknown = await server.request('/api/settings', { method: 'PATCH', body: { logLevel: 'warn', colour: 'blue' } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /colour/);
    for (const body of ['[]', '"text"', '7']) {
      const odd = await server.request('/api/settings', { method: 'PUT', body, headers: { 'content-type': 'application/json' } });
      assert.equal(odd.status, 400, body);
    }
    const missing = await server.request('/api/settings', { method: 'PUT' });
    assert.equal(missing.status, 400);
    const view = SettingsViewSchema.parse((await server.request('/api/settings')).body);
    assert.deepEqual(view.overrides, {});
    assert.equal(view.settings.logLevel, 'info');
  } finally {
    await server.dispose();
  }
});

test('live settings apply at once: log level changes what is logged, the submit rate limit changes', async () => {
  const server = await startOpsServer();
  try {
    const ctx = server.server.ctx;
    const broadcasts: { event: string; payload: any }[] = [];
    const stopSink = ctx.live.addSink((event, payload) => broadcasts.push({ event, payload }));
    ctx.log.debug('hidden at info');
    const changed = await server.request('/api/settings', { method: 'PATCH', body: { logLevel: 'debug', submitRatePerSecond: 1, submitBurst: 1, logBufferLines: 500 } });
    assert.equal(changed.status, 200);
    const view = SettingsViewSchema.parse(changed.body);
    assert.deepEqual([...view.changed!].sort(), ['logBufferLines', 'logLevel', 'submitBurst', 'submitRatePerSecond']);
    assert.deepEqual([...view.applied!].sort(), ['logBufferLines', 'logLevel', 'submitBurst', 'submitRatePerSecond']);
    assert.deepEqual(view.pendingRestart, []);
    ctx.log.debug('shown at debug');
    const lines = (await server.request('/api/logs?q=at%20')).body.lines.map((l: { msg: string }) => l.msg);
    assert.deepEqual(lines, ['shown at debug']);
    assert.equal(ctx.logs.capacity, 500);
    // Live clients hear the change.
    const announced = broadcasts.find((b) => b.event === 'settings:changed');
    assert.equal(announced?.payload.settings.logLevel, 'debug');
    stopSink();
    // One submission per second with a burst of one: the second one at once is refused.
    const workflow = { nodes: { '1': { type: 'core.int', inputs: { value: 1 } }, '2': { type: 'core.show_text', inputs: { value: 'x' } } } };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await server.request('/api/runs', { body: { workflow } })).status);
    assert.ok(statuses.includes(429), `statuses ${statuses.join(',')}`);
  } finally {
    await server.dispose();
  }
});

test('settings persist across a restart; restart-time ones are pending until then and apply after', async () => {
  const first = await startOpsServer();
  const dataDir = first.dataDir;
  try {
    const put = await first.request('/api/settings', { method: 'PUT', body: { queueConcurrency: 3, historyCap: 77, cacheBytes: 5_000_000, logLevel: 'warn', maxLoadedModels: 2 } });
    assert.equal(put.status, 200);
    const view = SettingsViewSchema.parse(put.body);
    assert.deepEqual([...view.pendingRestart].sort(), ['cacheBytes', 'historyCap', 'maxLoadedModels', 'queueConcurrency']);
    assert.deepEqual(view.applied, ['logLevel']);
    assert.equal(view.settings.maxLoadedModels, 2);
    const file = JSON.parse(await readFile(join(dataDir, 'store', 'settings.json'), 'utf8'));
    assert.equal(file.version, 1);
    assert.equal(file.settings.queueConcurrency, 3);
  } finally {
    await first.close();
  }
  const second = await startOpsServer({ dataDir });
  try {
    const view = SettingsViewSchema.parse((await second.request('/api/settings')).body);
    assert.equal(view.settings.queueConcurrency, 3);
    assert.equal(view.settings.logLevel, 'warn');
    assert.equal(view.settings.maxLoadedModels, 2);
    assert.deepEqual(view.pendingRestart, []);
    const ctx = second.server.ctx;
    assert.equal(ctx.config.queueConcurrency, 3);
    assert.equal(ctx.config.historyCap, 77);
    assert.equal(ctx.engine.cache.maxBytes, 5_000_000);
    assert.deepEqual(ctx.engine.models.limits, { memoryBudgetBytes: null, maxLoaded: 2, idleMs: null });
    // null returns a setting to its default.
    const reset = SettingsViewSchema.parse((await second.request('/api/settings', { method: 'PATCH', body: { queueConcurrency: null } })).body);
    assert.equal(reset.settings.queueConcurrency, reset.defaults.queueConcurrency);
    assert.equal(reset.overrides.queueConcurrency, undefined);
    assert.deepEqual(reset.pendingRestart, ['queueConcurrency']);
  } finally {
    await second.dispose();
  }
});

test('a corrupt settings file is moved aside and the server starts with defaults, reporting it in health', async () => {
  const first = await startOpsServer();
  const dataDir = first.dataDir;
  await first.close();
  await writeFile(join(dataDir, 'store', 'settings.json'), '{"version":1,"settings":{"logLevel":');
  const second = await startOpsServer({ dataDir });
  try {
    const view = SettingsViewSchema.parse((await second.request('/api/settings')).body);
    assert.deepEqual(view.overrides, {});
    const health = (await second.request('/api/health')).body;
    assert.equal(health.status, 'degraded');
    assert.equal(health.store.corruptFiles, 1);
  } finally {
    await second.dispose();
  }
});

test('execution providers: one this machine cannot use is refused with 400; providers and threads apply after a restart', async () => {
  const first = await startOpsServer();
  const dataDir = first.dataDir;
  try {
    const defaults = SettingsViewSchema.parse((await first.request('/api/settings')).body).defaults;
    assert.deepEqual([defaults.executionProviders, defaults.intraOpThreads, defaults.interOpThreads], [['cpu'], null, 1]);
    const bogus = await first.request('/api/settings', { method: 'PUT', body: { executionProviders: ['bogus', 'cpu'], intraOpThreads: 3 } });
    assert.equal(bogus.status, 400);
    assert.equal(bogus.body.error.code, 'provider_unavailable');
    assert.match(bogus.body.error.message, /"bogus" is not an execution provider onnxruntime-node [\d.]+ knows/);
    assert.deepEqual(bogus.body.error.details.usable, usableProviders());
    // CUDA where its libraries are missing (this machine): the message says how to enable it.
    const usable = usableProviders();
    const missing = providerCatalog().providers.find((p) => !usable.includes(p.name))?.name;
    if (missing !== undefined) {
      const refused = await first.request('/api/settings', { method: 'PATCH', body: { executionProviders: [missing, 'cpu'] } });
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.message, new RegExp(`"${missing}" is not installed`));
      if (missing === 'cuda') assert.match(refused.body.error.message, /ONNXRUNTIME_NODE_INSTALL=cuda12/);
    }
    for (const executionProviders of [['CPU'], [], ['cpu', 'cpu'], 'cpu']) {
      const bad = await first.request('/api/settings', { method: 'PUT', body: { executionProviders } });
      assert.equal(bad.status, 400, JSON.stringify(executionProviders));
      assert.equal(bad.body.error.code, 'invalid_input');
    }
    const badThreads = await first.request('/api/settings', { method: 'PUT', body: { intraOpThreads: 0, interOpThreads: null } });
    assert.equal(badThreads.status, 400);
    assert.deepEqual(SettingsViewSchema.parse((await first.request('/api/settings')).body).overrides, {}, 'nothing was stored by a refused change');

    const put = SettingsViewSchema.parse((await first.request('/api/settings', { method: 'PUT', body: { executionProviders: ['cpu'], intraOpThreads: 3, interOpThreads: 2 } })).body);
    // The same list as the default is no change (lists compare by value).
    assert.deepEqual([...put.changed!].sort(), ['interOpThreads', 'intraOpThreads']);
    assert.deepEqual([...put.pendingRestart].sort(), ['interOpThreads', 'intraOpThreads']);
    assert.equal(put.effects.executionProviders, 'restart');
    const before = HealthReportSchema.parse((await first.request('/api/health')).body);
    assert.deepEqual(before.sessions.providers, ['cpu']);
    assert.notEqual(before.sessions.interOpThreads, 2, 'a restart setting waits for the restart');
  } finally {
    await first.close();
  }
  const second = await startOpsServer({ dataDir });
  try {
    const view = SettingsViewSchema.parse((await second.request('/api/settings')).body);
    assert.deepEqual(view.pendingRestart, []);
    assert.deepEqual(second.server.ctx.engine.sessionOptions, { providers: ['cpu'], intraOpThreads: 3, interOpThreads: 2 });
    const health = HealthReportSchema.parse((await second.request('/api/health')).body);
    assert.deepEqual(health.sessions, { providers: ['cpu'], intraOpThreads: 3, interOpThreads: 2, unavailable: [] });
    assert.equal(health.status, 'ok', health.problems.join('; '));
  } finally {
    await second.dispose();
  }
});

test('a stored provider that is not available here: the server starts, warns, and health says so', async () => {
  const first = await startOpsServer();
  const dataDir = first.dataDir;
  await first.close();
  // Written by hand (or on another machine): PUT would have refused it.
  await writeFile(join(dataDir, 'store', 'settings.json'), JSON.stringify({ version: 1, settings: { executionProviders: ['bogus', 'cpu'] } }));
  const second = await startOpsServer({ dataDir });
  try {
    const health = HealthReportSchema.parse((await second.request('/api/health')).body);
    assert.equal(health.status, 'degraded');
    assert.deepEqual(health.sessions.providers, ['bogus', 'cpu']);
    assert.deepEqual(health.sessions.unavailable, ['bogus']);
    assert.ok(health.problems.some((p) => /bogus are configured but not available here/.test(p)), health.problems.join('; '));
    const warnings = (await second.request('/api/logs?level=warn')).body.lines.map((l: { msg: string }) => l.msg);
    assert.ok(warnings.some((m: string) => /"bogus" is not an execution provider/.test(m)), warnings.join('\n'));
    // Back to cpu: accepted, pending until the restart.
    const reset = SettingsViewSchema.parse((await second.request('/api/settings', { method: 'PATCH', body: { executionProviders: null } })).body);
    assert.deepEqual(reset.settings.executionProviders, ['cpu']);
    assert.deepEqual(reset.pendingRestart, ['executionProviders']);
  } finally {
    await second.dispose();
  }
});
