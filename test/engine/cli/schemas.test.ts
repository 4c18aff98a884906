/**
 * The published JSON Schemas (docs/schemas/) and HTTP API reference (docs/api/) are generated
 * from the zod schemas and kept current; the schemas compile with ajv (draft 2020-12) and
 * describe what the CLI really prints; `switchyard openapi --out` writes the reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { publishedSchemas } from '../../../engine/cli/schemas.js';
import { apiReferenceFiles } from '../../../engine/cli/api-reference.js';
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

test('docs/api holds exactly the generated API reference (run `switchyard openapi --out docs/api` after a change)', () => {
  const generated = apiReferenceFiles();
  const dir = join(repoRoot, 'docs', 'api');
  assert.deepEqual(readdirSync(dir).sort(), Object.keys(generated).sort());
  for (const [name, text] of Object.entries(generated)) assert.ok(readFileSync(join(dir, name), 'utf8') === text, `docs/api/${name} is stale`);
});

test('`switchyard openapi --out <dir>` writes the document and the page; without --out it prints the document', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'switchyard-openapi-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const quiet = { stdout: () => {}, stderr: () => {}, isTTY: false };
  assert.equal(await main(['openapi', '--out', out], quiet), 0);
  const generated = apiReferenceFiles();
  for (const [name, text] of Object.entries(generated)) assert.equal(readFileSync(join(out, name), 'utf8'), text, name);
  assert.match(generated['index.html']!, /href="openapi\.json"/, 'the page links the document next to it');
  let stdout = '';
  assert.equal(await main(['openapi'], { ...quiet, stdout: (text) => { stdout += text; } }), 0);
  assert.equal((JSON.parse(stdout) as { openapi: string }).openapi, '3.1.0');
  assert.equal(await main(['openapi', 'extra'], quiet), 2, 'a stray argument is a usage error');
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
