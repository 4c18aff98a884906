/** Core primitives pass their value through; their ComfyUI aliases keep ComfyUI's input names and order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import corePack from '../../../nodes/core/index.js';
import { booleanNode, floatNode, intNode, stringMultilineNode, stringNode } from '../../../nodes/core/primitives.js';
import { importPack } from '../../../engine/packs/import-pack.js';
import { repoRoot } from '../../helpers/repo.js';
import { createTestContext } from '../../helpers/node-context.js';

test('each primitive returns its widget value under the output ComfyUI names', async () => {
  const ctx = await createTestContext();
  try {
    assert.deepEqual(await intNode.run({ value: -42 }, ctx), { INT: -42 });
    assert.deepEqual(await floatNode.run({ value: 0.25 }, ctx), { FLOAT: 0.25 });
    assert.deepEqual(await stringNode.run({ value: 'a cat' }, ctx), { STRING: 'a cat' });
    assert.deepEqual(await stringMultilineNode.run({ value: 'line 1\nline 2' }, ctx), { STRING: 'line 1\nline 2' });
    assert.deepEqual(await booleanNode.run({ value: true }, ctx), { BOOLEAN: true });
  } finally {
    await ctx.dispose();
  }
});

test('primitives answer to ComfyUI names with the single "value" widget', () => {
  const expected: Record<string, string> = {
    'core.int': 'PrimitiveInt',
    'core.float': 'PrimitiveFloat',
    'core.string': 'PrimitiveString',
    'core.string_multiline': 'PrimitiveStringMultiline',
    'core.boolean': 'PrimitiveBoolean',
  };
  for (const node of [intNode, floatNode, stringNode, stringMultilineNode, booleanNode]) {
    assert.deepEqual(node.aliasList.map((alias) => alias.type), [expected[node.type]]);
    assert.deepEqual(node.widgetNames, ['value']);
  }
  // ComfyUI's PrimitiveInt saves a "control after generate" value after the number.
  assert.equal((intNode.inputs.value as { control?: boolean }).control, true);
  assert.equal((stringMultilineNode.inputs.value as { multiline?: boolean }).multiline, true);
});

test('the core pack is named core, has unique namespaced types, and loads through the pack importer', async () => {
  assert.equal(corePack.name, 'core');
  assert.equal(corePack.version, '0.1.0');
  assert.equal(corePack.engine, '^0.1.0');
  const types = corePack.nodes.map((node) => node.type);
  assert.equal(new Set(types).size, types.length);
  for (const type of types) assert.match(type, /^core\.[a-z_]+$/);
  const imported = await importPack(join(repoRoot, 'dist', 'nodes', 'core', 'index.js'));
  assert.equal(imported.ok, true, imported.ok ? '' : imported.reason);
});
