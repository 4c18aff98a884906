/**
 * The demo-model generator the set-up step runs: it writes every demo model whole into the models
 * folder, leaves it alone with `--if-missing`, rewrites it otherwise, leaves no partial folder
 * behind, and its command line refuses unknown arguments.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MODELS, generateDemoModels } from '../../../../nodes/diffusion/demo/generate.js';
import { repoRoot } from '../../../helpers/repo.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-demo-gen-'));
after(() => rmSync(root, { recursive: true, force: true }));

const ALL = Object.keys(DEMO_MODELS);

test('writes every demo whole, skips them with ifMissing, rewrites them otherwise; `only` picks some', async () => {
  const models = join(root, 'models');
  assert.ok(ALL.includes('demo-sd15'));
  assert.deepEqual(await generateDemoModels(models), ALL);
  const manifest = join(models, 'demo-sd15', 'manifest.json');
  const first = statSync(manifest).mtimeMs;
  assert.deepEqual(await generateDemoModels(models, { ifMissing: true }), []);
  assert.equal(statSync(manifest).mtimeMs, first);
  assert.deepEqual(await generateDemoModels(models), ALL);
  assert.deepEqual(readdirSync(models).sort(), [...ALL].sort(), 'no partial folder left behind');
  assert.deepEqual(await generateDemoModels(join(root, 'only'), { only: ['demo-sd15'] }), ['demo-sd15']);
  assert.deepEqual(readdirSync(join(root, 'only')), ['demo-sd15']);
  assert.deepEqual(readdirSync(join(models, 'demo-sd15')).sort(), ['manifest.json', 'model_index.json', 'scheduler', 'text_encoder', 'tokenizer', 'unet', 'vae_decoder', 'vae_encoder']);
});

test('the command line writes where --models says and refuses unknown arguments', () => {
  const script = join(repoRoot, 'dist', 'nodes', 'diffusion', 'demo', 'generate.js');
  const target = join(root, 'cli-models');
  const ok = spawnSync(process.execPath, [script, '--if-missing', '--models', target], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`demo models written to .*: ${ALL.join(', ')}`));
  const again = spawnSync(process.execPath, [script, '--if-missing', '--models', target], { encoding: 'utf8' });
  assert.equal(again.status, 0);
  assert.equal(again.stdout, '');
  const bad = spawnSync(process.execPath, [script, '--bogus'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage: generate.js/);
});
