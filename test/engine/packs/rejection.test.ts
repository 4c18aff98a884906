/**
 * A pack whose top-level code leaves a promise rejection unhandled must not take the process
 * down: it is reported as failed and the packs after it still load. Runs the loader in a
 * child process, because an unhandled rejection is exactly what would kill a process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeTempDir, nodeSource, packSource, writeTree } from '../../fixtures/packs/write-packs.js';

const LOADER = new URL('../../../engine/packs/loader.js', import.meta.url).href;
const REGISTRY = new URL('../../../engine/nodes/registry.js', import.meta.url).href;

test('a pack leaving a promise rejection unhandled is reported as failed and the process survives', async () => {
  const root = await makeTempDir('packs-reject');
  try {
    await writeTree(root.path, {
      'packs/a-rejects/index.js': packSource({ name: 'rejects', nodes: [nodeSource('rejects.node')], prelude: `Promise.reject(new Error('stray async failure'));` }),
      'packs/b-good/index.js': packSource({ name: 'good', nodes: [nodeSource('good.node')] }),
      'packs/c-rejected-default/index.js': `export default Promise.reject(new Error('no pack for you'));\n`,
    });
    const script = `
      import { loadPacks } from ${JSON.stringify(LOADER)};
      import { NodeRegistry } from ${JSON.stringify(REGISTRY)};
      const quiet = () => {};
      const log = { debug: quiet, info: quiet, warn: quiet, error: quiet, child: () => log };
      const registry = new NodeRegistry();
      const report = await loadPacks({ registry, builtinDir: '/nonexistent', packsDirs: [${JSON.stringify(join(root.path, 'packs'))}], nodeModulesDirs: [], log });
      await new Promise((resolve) => setTimeout(resolve, 20));
      process.stdout.write(JSON.stringify({ report, types: registry.list().map((n) => n.type) }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const { report, types } = JSON.parse(child.stdout) as { report: { loaded: { name: string }[]; failed: { name: string; code: string; reason: string }[] }; types: string[] };
    assert.deepEqual(report.loaded.map((p) => p.name), ['good']);
    assert.deepEqual(report.failed.map((f) => [f.name, f.code]), [['rejects', 'pack_load_failed'], ['c-rejected-default', 'pack_load_failed']]);
    assert.match(report.failed[0]!.reason, /unhandled promise rejection while loading: Error: stray async failure/);
    assert.match(report.failed[1]!.reason, /default export rejected: Error: no pack for you/);
    assert.deepEqual(types, ['good.node']);
  } finally {
    await root.remove();
  }
});
