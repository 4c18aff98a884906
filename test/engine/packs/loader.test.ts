/**
 * The pack loader on real packs written to a temporary folder: built-in, packs-folder and npm
 * packs load through one path in a fixed order, and every kind of broken pack is reported,
 * logged and skipped while the others keep working.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { loadPacks, type PackReport } from '../../../engine/packs/loader.js';
import { makeTempDir, nodeSource, packSource, writeTree } from '../../fixtures/packs/write-packs.js';
import { recordLogger } from '../../fixtures/packs/record-logger.js';

function failure(report: PackReport, folder: string) {
  return report.failed.find((f) => f.path.endsWith(`/${folder}`));
}

describe('a tree of good and broken packs', () => {
  let root: { path: string; remove: () => Promise<void> };
  let report: PackReport;
  const registry = new NodeRegistry();
  const log = recordLogger();

  before(async () => {
    root = await makeTempDir('packs');
    const pkg = (fields: Record<string, unknown>) => JSON.stringify(fields);
    await writeTree(root.path, {
      // built-in packs: index.js per subfolder; a helper folder without one is not a pack
      'builtin/beta/index.js': packSource({ name: 'beta', nodes: [nodeSource('beta.one')], extra: `dataTypes: [{ name: 'BETA_THING', color: '#123456' }],` }),
      'builtin/alpha/index.js': packSource({ name: 'alpha', nodes: [nodeSource('alpha.add', ['AlphaAdd']), nodeSource('alpha.sub')] }),
      'builtin/shared/helpers.js': 'export const x = 1;\n',
      // packs folder
      'packs/good/index.js': packSource({ name: 'good', version: '0.3.0', nodes: [nodeSource('good.echo')], bareImport: true, extra: `description: 'A good pack',` }),
      'packs/throws/index.js': packSource({ name: 'throws', prelude: `throw new Error('boom at import');` }),
      'packs/syntax/index.js': `import { definePack } from 'switchyard';\nexport default definePack({ name: 'syntax', \n`,
      'packs/old-engine/package.json': pkg({ name: 'old-engine', version: '1.0.0', main: 'index.js', switchyard: { engine: '^9.0.0' } }),
      'packs/old-engine/index.js': `globalThis.__oldEngineRan = true;\n` + packSource({ name: 'old-engine', engine: '^9.0.0' }),
      'packs/module-engine/index.js': packSource({ name: 'module-engine', engine: '>=5.0.0', nodes: [nodeSource('module-engine.node')] }),
      'packs/conflict/index.js': packSource({ name: 'conflict', nodes: [nodeSource('conflict.ok'), nodeSource('alpha.add')] }),
      'packs/alias-conflict/index.js': packSource({ name: 'alias-conflict', nodes: [nodeSource('alias-conflict.node', ['AlphaAdd'])] }),
      'packs/manifest/package.json': pkg({ name: 'manifest-pack-npm-name', version: '2.0.0', description: 'from package.json', switchyard: { name: 'manifest-pack', engine: '>=0.1.0', entry: 'lib/main.mjs' } }),
      'packs/manifest/lib/main.mjs': packSource({ name: 'manifest-pack', version: '2.0.0', nodes: [nodeSource('manifest.node')] }),
      'packs/no-default/index.js': `export const pack = 1;\n`,
      'packs/not-pack-export/index.js': `export default { hello: 'world' };\n`,
      'packs/bad-node/index.js': packSource({ name: 'bad-node', nodes: [`defineNode({ type: 'bad.node', title: 'Bad', category: 'x', inputs: { n: { type: 'INT', min: 5, max: 1 } }, outputs: {}, run() {} })`] }),
      'packs/raw-node/index.js': packSource({ name: 'raw-node', nodes: [`{ type: 'raw.node', title: 'Raw', category: 'x', inputs: {}, outputs: {}, run() {} }`] }),
      'packs/missing-dep/index.js': `import leftPad from 'switchyard-test-no-such-package';\n` + packSource({ name: 'missing-dep' }),
      'packs/not-a-pack/README.md': '# just notes\n',
      'packs/bad-json/package.json': '{ "name": "bad-json", ',
      'packs/bad-key/package.json': pkg({ name: 'bad-key', switchyard: { version: '1.0.0' } }),
      'packs/escape/package.json': pkg({ name: 'escape', switchyard: { engine: '*', entry: '../good/index.js' } }),
      'packs/name-mismatch/package.json': pkg({ name: 'x', type: 'module', switchyard: { name: 'declared-name', engine: '*' } }),
      'packs/name-mismatch/index.js': packSource({ name: 'actual-name' }),
      'packs/zz-duplicate-name/index.js': packSource({ name: 'good', nodes: [nodeSource('dup.node')] }),
      // installed npm packages
      'node_modules/switchyard-nodes-foo/package.json': pkg({ name: 'switchyard-nodes-foo', version: '1.2.3', type: 'module', exports: { '.': { import: './dist/index.js' } } }),
      'node_modules/switchyard-nodes-foo/dist/index.js': packSource({ name: 'foo', version: '1.2.3', nodes: [nodeSource('foo.node')], bareImport: true }),
      'node_modules/@acme/switchyard-nodes-bar/package.json': pkg({ name: '@acme/switchyard-nodes-bar', version: '0.0.1', main: 'main.js', type: 'module' }),
      'node_modules/@acme/switchyard-nodes-bar/main.js': packSource({ name: '@acme/bar', version: '0.0.1', nodes: [nodeSource('bar.node')] }),
      'node_modules/keyed-lib/package.json': pkg({ name: 'keyed-lib', version: '3.0.0', type: 'module', switchyard: { engine: '>=0.1.0 <1.0.0' } }),
      'node_modules/keyed-lib/index.js': packSource({ name: 'keyed', version: '3.0.0', nodes: [nodeSource('keyed.node')] }),
      'node_modules/unrelated/package.json': pkg({ name: 'unrelated', version: '1.0.0', main: 'index.js' }),
      'node_modules/unrelated/index.js': `throw new Error('an unrelated package must never be imported');\n`,
      'node_modules/.bin/tool': '#!/bin/sh\n',
    });
    report = await loadPacks({
      registry,
      builtinDir: join(root.path, 'builtin'),
      packsDirs: [join(root.path, 'packs'), join(root.path, 'no-such-folder')],
      nodeModulesDirs: [join(root.path, 'node_modules')],
      log,
    });
  });

  after(async () => {
    await root.remove();
  });

  test('loads built-in packs (by name), then folder packs, then npm packs, and registers their nodes', () => {
    assert.deepEqual(
      report.loaded.map((p) => [p.source, p.name]),
      [['builtin', 'alpha'], ['builtin', 'beta'], ['folder', 'good'], ['folder', 'manifest-pack'], ['npm', '@acme/bar'], ['npm', 'keyed'], ['npm', 'foo']],
    );
    const alpha = report.loaded[0];
    assert.deepEqual(alpha, { name: 'alpha', version: '1.0.0', engine: '>=0.1.0', source: 'builtin', path: join(root.path, 'builtin', 'alpha'), nodeTypes: ['alpha.add', 'alpha.sub'] });
    for (const type of ['alpha.add', 'alpha.sub', 'beta.one', 'good.echo', 'manifest.node', 'foo.node', 'bar.node', 'keyed.node']) {
      assert.ok(registry.has(type), `${type} registered`);
    }
    assert.equal(registry.resolve('AlphaAdd')?.node.type, 'alpha.add');
    assert.equal(registry.packOf('alpha.add'), 'alpha');
    assert.equal(registry.packOf('foo.node'), 'foo');
    assert.equal(registry.dataType('BETA_THING')?.color, '#123456');
  });

  test('a pack importing the bare name `switchyard` gets the running engine API', () => {
    assert.ok(report.loaded.some((p) => p.name === 'good' && p.nodeTypes.includes('good.echo')));
    assert.equal(report.loaded.find((p) => p.name === 'good')?.description, 'A good pack');
  });

  test('package.json manifest fields merge with the module: name and entry from `switchyard`, version and description from the package', () => {
    const manifest = report.loaded.find((p) => p.name === 'manifest-pack');
    assert.deepEqual(manifest, {
      name: 'manifest-pack', version: '2.0.0', engine: '>=0.1.0', description: 'from package.json', source: 'folder',
      path: join(root.path, 'packs', 'manifest'), nodeTypes: ['manifest.node'],
    });
    const keyed = report.loaded.find((p) => p.name === 'keyed');
    assert.equal(keyed?.engine, '>=0.1.0 <1.0.0');
  });

  test('a pack whose import throws is reported as pack_load_failed with the error', () => {
    const failed = failure(report, 'throws');
    assert.equal(failed?.code, 'pack_load_failed');
    assert.match(failed?.reason ?? '', /import of .*throws\/index\.js failed: Error: boom at import/);
  });

  test('a pack with a syntax error is reported with the file it is in', () => {
    const failed = failure(report, 'syntax');
    assert.equal(failed?.code, 'pack_load_failed');
    assert.match(failed?.reason ?? '', /SyntaxError/);
    assert.match(failed?.reason ?? '', /syntax\/index\.js/);
  });

  test('a manifest engine range that excludes this engine is pack_incompatible and the pack code never runs', () => {
    const failed = failure(report, 'old-engine');
    assert.deepEqual({ name: failed?.name, code: failed?.code }, { name: 'old-engine', code: 'pack_incompatible' });
    assert.match(failed?.reason ?? '', /requires engine \^9\.0\.0, this engine is 0\.1\.0/);
    assert.equal((globalThis as { __oldEngineRan?: boolean }).__oldEngineRan, undefined);
  });

  test('an engine range declared only by the module is checked too', () => {
    const failed = failure(report, 'module-engine');
    assert.equal(failed?.code, 'pack_incompatible');
    assert.equal(registry.has('module-engine.node'), false);
  });

  test('redefining another pack’s node type or alias is pack_conflict, naming the owner; none of the pack’s nodes are added', () => {
    const byType = failure(report, 'conflict');
    assert.equal(byType?.code, 'pack_conflict');
    assert.match(byType?.reason ?? '', /alpha\.add \(from pack alpha\)/);
    assert.equal(registry.has('conflict.ok'), false);
    const byAlias = failure(report, 'alias-conflict');
    assert.equal(byAlias?.code, 'pack_conflict');
    assert.match(byAlias?.reason ?? '', /AlphaAdd \(alias of alpha\.add from pack alpha\)/);
    assert.equal(registry.resolve('AlphaAdd')?.node.type, 'alpha.add');
  });

  test('a second pack with an already loaded name is pack_conflict', () => {
    const failed = failure(report, 'zz-duplicate-name');
    assert.equal(failed?.code, 'pack_conflict');
    assert.match(failed?.reason ?? '', /a pack named "good" is already loaded from .*packs\/good/);
    assert.equal(registry.has('dup.node'), false);
  });

  test('modules that do not default-export a valid pack are reported', () => {
    assert.match(failure(report, 'no-default')?.reason ?? '', /no default export/);
    assert.match(failure(report, 'not-pack-export')?.reason ?? '', /default export is not a pack/);
    assert.match(failure(report, 'bad-node')?.reason ?? '', /node type bad\.node: input "n" has min 5 > max 1/);
    assert.match(failure(report, 'raw-node')?.reason ?? '', /nodes\[0\] \(raw\.node\) is not a defineNode\(\.\.\.\) result/);
    assert.match(failure(report, 'missing-dep')?.reason ?? '', /Cannot find package 'switchyard-test-no-such-package'/);
  });

  test('broken manifests are reported without importing anything', () => {
    assert.match(failure(report, 'bad-json')?.reason ?? '', /package\.json is not valid JSON/);
    assert.match(failure(report, 'bad-key')?.reason ?? '', /"switchyard" key is malformed: engine/);
    assert.match(failure(report, 'escape')?.reason ?? '', /points outside the pack's folder/);
    assert.match(failure(report, 'name-mismatch')?.reason ?? '', /package\.json names the pack "declared-name" but the module's pack is "actual-name"/);
  });

  test('folders that are not packs and unrelated npm packages are ignored, not reported', () => {
    const paths = [...report.loaded, ...report.failed].map((p) => p.path);
    for (const ignored of ['shared', 'not-a-pack', 'unrelated', '.bin']) assert.ok(!paths.some((p) => p.endsWith(`/${ignored}`)), `${ignored} not listed`);
    assert.ok(log.lines.some((l) => l.level === 'debug' && String(l.fields.path).endsWith('/not-a-pack')));
    assert.deepEqual(
      report.failed.map((f) => f.path.slice(root.path.length + 1)),
      ['packs/alias-conflict', 'packs/bad-json', 'packs/bad-key', 'packs/bad-node', 'packs/conflict', 'packs/escape', 'packs/missing-dep', 'packs/module-engine',
        'packs/name-mismatch', 'packs/no-default', 'packs/not-pack-export', 'packs/old-engine', 'packs/raw-node', 'packs/syntax', 'packs/throws', 'packs/zz-duplicate-name'],
    );
  });

  test('every failure is logged at warn or error with the pack name and reason', () => {
    for (const failed of report.failed) {
      const line = log.lines.find((l) => l.fields.path === failed.path && (l.level === 'warn' || l.level === 'error'));
      assert.ok(line, `log line for ${failed.path}`);
      assert.equal(line.fields.pack, failed.name);
      assert.equal(line.fields.reason, failed.reason);
      assert.equal(line.level, failed.code === 'pack_load_failed' ? 'error' : 'warn');
    }
  });
});

test('loading from folders that do not exist yields an empty report', async () => {
  const registry = new NodeRegistry();
  const report = await loadPacks({ registry, builtinDir: '/nonexistent/switchyard/builtin', packsDirs: ['/nonexistent/a'], nodeModulesDirs: ['/nonexistent/nm'], log: recordLogger() });
  assert.deepEqual(report, { loaded: [], failed: [] });
  assert.deepEqual(registry.list(), []);
});

test('engine version prereleases satisfy ranges, and the engine version given is the one checked', async () => {
  const root = await makeTempDir('packs-version');
  try {
    await writeTree(root.path, {
      'packs/ranged/index.js': packSource({ name: 'ranged', engine: '>=0.2.0', nodes: [nodeSource('ranged.node')] }),
      'packs/invalid-range/index.js': packSource({ name: 'invalid-range', engine: 'not a range' }),
    });
    const options = { builtinDir: join(root.path, 'none'), packsDirs: [join(root.path, 'packs')], nodeModulesDirs: [], log: recordLogger() };
    const prerelease = await loadPacks({ ...options, registry: new NodeRegistry(), engineVersion: '0.3.0-rc.1' });
    assert.deepEqual(prerelease.loaded.map((p) => p.name), ['ranged']);
    assert.match(prerelease.failed[0]?.reason ?? '', /engine range "not a range" is not a valid semver range/);
    const older = await loadPacks({ ...options, registry: new NodeRegistry(), engineVersion: '0.1.5' });
    assert.deepEqual(older.failed.map((f) => [f.name, f.code]), [['invalid-range', 'pack_incompatible'], ['ranged', 'pack_incompatible']]);
  } finally {
    await root.remove();
  }
});
