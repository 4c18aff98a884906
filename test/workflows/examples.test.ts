/**
 * The example workflows under workflows/ are what a new user runs first: each one must
 * validate and run successfully on a fresh data folder with the built-in packs, write its files
 * where its save nodes say, and be listed in workflows/README.md.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createEngine } from '../../engine/runtime/engine.js';
import { createLogger } from '../../engine/log/logger.js';
import type { FileRef } from '../../engine/nodes/values.js';
import { readPngText } from '../../nodes/image/png-text.js';
import { repoRoot } from '../helpers/repo.js';

const workflowsDir = join(repoRoot, 'workflows');
const root = mkdtempSync(join(tmpdir(), 'switchyard-examples-'));
after(() => rmSync(root, { recursive: true, force: true }));
const log = createLogger({ level: 'silent' });

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsonFiles(path);
    return entry.isFile() && entry.name.endsWith('.json') ? [path] : [];
  }).sort();
}

const examples = jsonFiles(workflowsDir).map((path) => relative(workflowsDir, path).split(sep).join('/'));

/** What each known example must produce, beyond running successfully. */
const EXPECTED: Record<string, { files?: string[]; text?: Record<string, string[]> }> = {
  'basics/image-chain.json': { files: ['output/basics/image-chain_00001_.png'] },
  'basics/text-math.json': { text: { '7': ['6 x 7 = 42 cells; a row is 15 long'] } },
  'basics/comfyui-image-chain.json': { files: ['output/basics/comfyui-image-chain_00001_.png'] },
};

test('the examples folder holds the basics the README promises', () => {
  for (const name of Object.keys(EXPECTED)) assert.ok(examples.includes(name), `workflows/${name} exists`);
});

test('every example is listed in workflows/README.md', () => {
  const readme = readFileSync(join(workflowsDir, 'README.md'), 'utf8');
  for (const name of examples) assert.ok(readme.includes('`' + name + '`'), `${name} is described in workflows/README.md`);
});

for (const name of examples) {
  test(`workflows/${name} validates and runs on a fresh data folder`, async () => {
    const dataDir = join(root, name.replace(/[^A-Za-z0-9]+/g, '-'));
    const engine = await createEngine({ dataDir, log, packsDirs: [], nodeModulesDirs: [] });
    const text = readFileSync(join(workflowsDir, name), 'utf8');

    const check = await engine.check(text);
    assert.equal(check.valid, true, `${name} is valid: ${JSON.stringify({ errors: check.errors, nodeErrors: check.nodeErrors })}`);
    assert.deepEqual(check.nodeErrors, {}, 'no problems, not even on unused nodes');

    const outcome = await engine.run(text);
    assert.equal(outcome.kind, 'ran');
    const result = outcome.kind === 'ran' ? outcome.result : undefined;
    assert.equal(result?.status, 'success', `${name} ran: ${JSON.stringify(result?.errors.map((e) => [e.nodeId, e.code, e.message]))}`);
    assert.ok(result.executed.length > 0);
    assert.ok(Object.keys(result.outputs).length > 0, 'it shows or saves something');

    // Every file a node reports exists where it says, and images carry the workflow that made them.
    const written: string[] = [];
    for (const ui of Object.values(result.outputs)) {
      for (const file of ((ui as { images?: FileRef[] }).images ?? [])) {
        const folder = file.type === 'output' ? engine.folders.output : file.type === 'temp' ? engine.folders.temp : engine.folders.input;
        const path = join(folder, file.subfolder, file.filename);
        assert.ok(existsSync(path), `${path} exists`);
        written.push(relative(dataDir, path).split(sep).join('/'));
        const embedded = readPngText(readFileSync(path));
        assert.ok(embedded.prompt !== undefined, `${file.filename} embeds the prompt`);
        if (check.format === 'saved') assert.deepEqual(JSON.parse(embedded.workflow!), JSON.parse(text), `${file.filename} embeds the editor workflow`);
      }
    }
    const expected = EXPECTED[name];
    for (const path of expected?.files ?? []) assert.ok(written.includes(path), `${name} writes ${path} (wrote ${written.join(', ')})`);
    for (const [nodeId, lines] of Object.entries(expected?.text ?? {})) {
      assert.deepEqual((result.outputs[nodeId] as { text?: string[] } | undefined)?.text, lines);
    }
  });
}
