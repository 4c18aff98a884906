/**
 * The published JSON Schemas (docs/schemas/) are generated from the zod schemas and kept
 * current, compile with ajv (draft 2020-12), and describe what the CLI really prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { publishedSchemas } from '../../../engine/cli/schemas.js';
import { main } from '../../../engine/cli/main.js';
import { repoRoot } from '../../helpers/repo.js';

const docs = join(repoRoot, 'docs', 'schemas');

test('docs/schemas holds exactly the generated schemas (run `switchyard schemas --out docs/schemas` after a change)', () => {
  const generated = publishedSchemas();
  assert.deepEqual(readdirSync(docs).sort(), Object.keys(generated).sort());
  for (const [name, schema] of Object.entries(generated)) {
    assert.deepEqual(JSON.parse(readFileSync(join(docs, name), 'utf8')), JSON.parse(JSON.stringify(schema)), `${name} is stale`);
  }
});

test('the schemas compile, and the validation report of `validate --json` and the example workflow match them', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-schemas-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const schemas = publishedSchemas();
  const report = ajv.compile(schemas['validation-report.schema.json']!);
  const api = ajv.compile(schemas['workflow-api.schema.json']!);
  let stdout = '';
  const code = await main(['validate', join(repoRoot, 'test', 'fixtures', 'workflows', 'switchyard-api.json'), '--json', '--data', dataDir], { stdout: (t) => { stdout += t; }, stderr: () => {}, isTTY: false });
  assert.ok(code === 0 || code === 1);
  const printed = JSON.parse(stdout) as Record<string, unknown>;
  assert.ok(report(printed), JSON.stringify(report.errors));
  const example = JSON.parse(readFileSync(join(repoRoot, 'workflows', 'basics', 'image-chain.json'), 'utf8')) as unknown;
  assert.ok(api(example), JSON.stringify(api.errors));
});
