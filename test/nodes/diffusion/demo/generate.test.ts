/**
 * The demo-model generator the set-up step runs: it writes `demo-sd15` whole into the models
 * folder, leaves it alone with `--if-missing`, rewrites it otherwise, leaves no partial folder
 * behind, and its command line refuses unknown arguments.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoModels } from '../../../../nodes/diffusion/demo/generate.js';
import { repoRoot } from '../../../helpers/repo.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-demo-gen-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('writes demo-sd15 whole, skips it with ifMissing, rewrites it otherwise', async () => {
  const models = join(root, 'models');
  assert.deepEqual(await generateDemoModels(models), ['demo-sd15']);
  const manifest = join(models, 'demo-sd15', 'manifest.json');
  const first = statSync(manifest).mtimeMs;
  assert.deepEqual(await generateDemoModels(models, { ifMissing: true }), []);
  assert.equal(statSync(manifest).mtimeMs, first);
  assert.deepEqual(await generateDemoModels(models), ['demo-sd15']);
  assert.deepEqual(readdirSync(models), ['demo-sd15'], 'no partial folder left behind');
  assert.deepEqual(readdirSync(join(models, 'demo-sd15')).sort(), ['manifest.json', 'model_index.json', 'scheduler', 'text_encoder', 'tokenizer', 'unet', 'vae_decoder', 'vae_encoder']);
});

test('the command line writes where --models says and refuses unknown arguments', () => {
  const script = join(repoRoot, 'dist', 'nodes', 'diffusion', 'demo', 'generate.js');
  const target = join(root, 'cli-models');
  const ok = spawnSync(process.execPath, [script, '--if-missing', '--models', target], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /demo models written to .*: demo-sd15/);
  const again = spawnSync(process.execPath, [script, '--if-missing', '--models', target], { encoding: 'utf8' });
  assert.equal(again.status, 0);
  assert.equal(again.stdout, '');
  const bad = spawnSync(process.execPath, [script, '--bogus'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage: generate.js/);
});
