import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogBuffer } from '../../../engine/log/log-buffer.js';
import { createServerLogger, getLogLevel, setLogLevel } from '../../../engine/log/logger.js';

test('the buffer keeps the newest lines up to its capacity and filters by level, time, text and seq', () => {
  const buffer = createLogBuffer({ capacity: 3 });
  buffer.append('{"level":30,"time":1000,"msg":"first","pid":1,"hostname":"h","name":"switchyard"}');
  buffer.append('{"level":50,"time":2000,"msg":"Second failure","runId":"r1"}');
  buffer.append('{"level":20,"time":3000,"msg":"third"}');
  buffer.append('{"level":40,"time":4000,"msg":"fourth failure"}');
  assert.equal(buffer.size, 3);
  assert.equal(buffer.overwritten, 1);
  assert.deepEqual(buffer.query().map((l) => l.msg), ['Second failure', 'third', 'fourth failure']);
  const second = buffer.query({ q: 'second' })[0]!;
  assert.equal(second.level, 'error');
  assert.deepEqual(second.fields, { runId: 'r1' });
  assert.deepEqual(buffer.query({ level: 'warn' }).map((l) => l.msg), ['Second failure', 'fourth failure']);
  assert.deepEqual(buffer.query({ q: 'FAILURE', limit: 1 }).map((l) => l.msg), ['fourth failure']);
  assert.deepEqual(buffer.query({ since: 3000 }).map((l) => l.msg), ['third', 'fourth failure']);
  assert.deepEqual(buffer.query({ after: second.seq }).map((l) => l.msg), ['third', 'fourth failure']);
  buffer.resize(2);
  assert.deepEqual(buffer.query().map((l) => l.msg), ['third', 'fourth failure']);
  assert.equal(buffer.clear(), 2);
  assert.equal(buffer.size, 0);
  buffer.append('not json at all');
  assert.equal(buffer.query()[0]!.msg, 'not json at all');
  assert.equal(buffer.query()[0]!.seq, 5, 'seq keeps counting across clear');
});

test('an oversized line keeps its message head and drops its fields', () => {
  const buffer = createLogBuffer();
  buffer.append(JSON.stringify({ level: 30, time: 1, msg: 'big', blob: 'x'.repeat(100_000) }));
  const line = buffer.query()[0]!;
  assert.equal(line.msg, 'big');
  assert.equal(line.fields.truncated, true);
});

test('listeners hear each new line; a listener that throws is removed with a warning and the others go on', async () => {
  const buffer = createLogBuffer();
  const heard: string[] = [];
  const stop = buffer.onLine((line) => heard.push(line.msg));
  buffer.onLine(() => {
    throw new Error('listener broke');
  });
  const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
  buffer.append('{"level":30,"msg":"one"}');
  buffer.append('{"level":30,"msg":"two"}');
  stop();
  buffer.append('{"level":30,"msg":"three"}');
  assert.deepEqual(heard, ['one', 'two']);
  assert.match((await warned).message, /listener threw and was removed: listener broke/);
});

test('createServerLogger writes structured lines into its buffer, and its level can change live', () => {
  const { log, buffer } = createServerLogger({ level: 'info', echo: false, bufferSize: 100 });
  assert.equal(buffer.capturing, true);
  const child = log.child({ runId: 'run-1' });
  child.debug('not yet');
  child.info({ nodeId: '3' }, 'node ran');
  assert.equal(setLogLevel(log, 'debug'), true);
  assert.equal(getLogLevel(log), 'debug');
  child.debug('now visible');
  const lines = buffer.query();
  assert.deepEqual(lines.map((l) => l.msg), ['node ran', 'now visible']);
  assert.deepEqual(lines[0]!.fields, { runId: 'run-1', nodeId: '3' });
  assert.equal(lines[1]!.level, 'debug');
});
