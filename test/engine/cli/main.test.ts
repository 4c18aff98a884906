/**
 * The `switchyard` command as a user meets it: `run`, `validate`, `nodes`, their exit codes
 * (0 ok, 1 failed/invalid, 2 usage), `--json` printing exactly one JSON object, `--set`
 * overrides, community packs from the data folder, and Ctrl+C interrupting a run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../../engine/cli/main.js';
import { repoRoot } from '../../helpers/repo.js';

const work = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));
const data = join(work, 'data');
const bin = join(repoRoot, 'bin', 'switchyard.js');
const example = join(repoRoot, 'workflows', 'basics', 'image-chain.json');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false });
  return { code, stdout, stderr };
}

function writeJson(name: string, value: unknown): string {
  const path = join(work, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

test('run --json prints exactly one JSON object with absolute output paths, and exits 0', async () => {
  const { code, stdout } = await cli('run', example, '--json', '--data', data);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as { status: string; outputs: Record<string, { images: string[] }>; executed: string[]; cached: string[]; errors: unknown[] };
  assert.equal(report.status, 'success');
  assert.deepEqual(report.executed.sort(), ['1', '2', '3', '4']);
  assert.deepEqual(report.errors, []);
  const [image] = report.outputs['4']!.images;
  assert.ok(image && image.startsWith(join(data, 'output', 'basics')) && existsSync(image), `image written under the output folder: ${image}`);
});

test('--set overrides an input for one run; a bad override value is invalid (exit 1) and nothing runs', async () => {
  const changed = await cli('run', example, '--json', '--data', data, '--set', '2.blur_radius=9', '--set', '4.filename_prefix=override/x');
  assert.equal(changed.code, 0);
  const report = JSON.parse(changed.stdout) as { outputs: Record<string, { images: string[] }> };
  assert.match(report.outputs['4']!.images[0]!, /override\/x_\d{5}_\.png$/);

  const bad = await cli('run', example, '--json', '--data', data, '--set', '2.blur_radius=lots');
  assert.equal(bad.code, 1);
  const result = JSON.parse(bad.stdout) as { status: string; executed: string[]; node_errors: Record<string, { errors: { code: string }[] }> };
  assert.equal(result.status, 'error');
  assert.deepEqual(result.executed, []);
  assert.equal(result.node_errors['2']!.errors[0]!.code, 'invalid_input_type');

  const missingNode = await cli('run', example, '--json', '--data', data, '--set', '77.seed=1');
  assert.equal(missingNode.code, 1);
  assert.match(missingNode.stdout, /node 77, which is not in the workflow/);
});

test('a ComfyUI file with a subgraph runs: its inner nodes run as <instance>:<inner>, with the promoted widget value', async () => {
  const file = join(repoRoot, 'test', 'fixtures', 'workflows', 'comfy-subgraph.json');
  const { code, stdout } = await cli('run', file, '--json', '--data', data);
  assert.equal(code, 0, stdout);
  const report = JSON.parse(stdout) as { status: string; executed: string[]; outputs: Record<string, { images: string[] }> };
  assert.equal(report.status, 'success');
  assert.deepEqual(report.executed.sort(), ['1', '2:5', '2:6', '3']);
  const [image] = report.outputs['3']!.images;
  assert.ok(image && existsSync(image), `saved ${image}`);
  // The subgraph node's own widget takes a parameter too, as the file shows it: 2.blur_radius.
  const routed = await cli('validate', file, '--json', '--data', data);
  assert.equal(routed.code, 0);
  const viaInstance = await cli('run', file, '--json', '--data', data, '--set', '2.blur_radius=-1');
  assert.equal(viaInstance.code, 1);
  const refused = JSON.parse(viaInstance.stdout) as { node_errors: Record<string, { errors: { code: string; input?: string }[] }> };
  assert.deepEqual(Object.keys(refused.node_errors), ['2:6'], 'the value reached the inner ImageBlur');
  // An inner node is addressed by its full id, in --set as in errors.
  const bad = await cli('run', file, '--json', '--data', data, '--set', '2:6.blur_radius=-1');
  assert.equal(bad.code, 1);
  const result = JSON.parse(bad.stdout) as { node_errors: Record<string, { errors: { code: string; input?: string }[] }> };
  assert.deepEqual(Object.keys(result.node_errors), ['2:6']);
  assert.equal(result.node_errors['2:6']!.errors[0]!.input, 'blur_radius');
});

test('usage errors exit 2 with a reason: no file, unreadable file, malformed --set, unknown command or option', async () => {
  for (const argv of [['run'], ['run', join(work, 'nope.json')], ['run', example, '--set', 'blur=3'], ['frobnicate'], ['run', example, '--frob'], ['validate', example, '--set', '1.x=2'], []]) {
    const { code, stderr, stdout } = await cli(...argv, '--data', data);
    assert.equal(code, 2, `exit code for ${argv.join(' ')}`);
    assert.ok(stderr.length > 0, 'a reason on stderr');
    assert.equal(stdout, '');
  }
});

test('with --json even a usage error prints exactly one JSON object of the promised shape', async () => {
  const run = await cli('run', join(work, 'nope.json'), '--json', '--data', data);
  assert.equal(run.code, 2);
  assert.deepEqual(JSON.parse(run.stdout), { status: 'error', outputs: {}, executed: [], cached: [], errors: [{ code: 'usage', message: `cannot read ${join(work, 'nope.json')}: no such file`, details: {} }] });
  const validate = await cli('validate', '--json', '--data', data);
  assert.equal(validate.code, 2);
  const parsed = JSON.parse(validate.stdout) as { valid: boolean; errors: { code: string }[] };
  assert.equal(parsed.valid, false);
  assert.equal(parsed.errors[0]!.code, 'usage');
});

test('validate: exit 0 for a valid file; exit 1 with every error, as JSON with --json, never a stack trace', async () => {
  assert.equal((await cli('validate', example, '--data', data)).code, 0);

  const broken = writeJson('broken.json', {
    '1': { class_type: 'EmptyImagee', inputs: {} },
    '2': { class_type: 'ImageInvert', inputs: { image: ['9', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 5 } },
  });
  const json = await cli('validate', broken, '--json', '--data', data);
  assert.equal(json.code, 1);
  const result = JSON.parse(json.stdout) as { valid: boolean; node_errors: Record<string, { errors: { code: string }[] }>; errors: unknown[] };
  assert.equal(result.valid, false);
  assert.deepEqual(
    Object.entries(result.node_errors).map(([id, n]) => [id, n.errors.map((e) => e.code)]).sort(),
    [['1', ['missing_node_type']], ['2', ['bad_linked_input']], ['3', ['invalid_input_type']]],
  );

  for (const text of ['{"a":', '[1,2]', 'null', '\u0000\u0001garbage', '{"nodes": 5}']) {
    const { code, stdout, stderr } = await cli('validate', writeJson('garbage.json', text), '--json', '--data', data);
    assert.equal(code, 1, `exit code for ${JSON.stringify(text)}`);
    const parsed = JSON.parse(stdout) as { valid: boolean; errors: { code: string }[] };
    assert.equal(parsed.valid, false);
    assert.ok(['malformed_json', 'invalid_workflow'].includes(parsed.errors[0]!.code));
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  }
  const human = await cli('validate', writeJson('garbage.json', '{"a":'), '--data', data);
  assert.match(human.stderr, /not valid JSON: at line 1, column 6/);
});

test('nodes --json lists the node definitions in the served shape, with ComfyUI aliases', async () => {
  const { code, stdout } = await cli('nodes', '--json', '--data', data);
  assert.equal(code, 0);
  const nodes = JSON.parse(stdout) as { type: string; aliases: string[]; inputs: { name: string }[]; output_node: boolean }[];
  const save = nodes.find((n) => n.type === 'image.save');
  assert.ok(save);
  assert.ok(save.aliases.includes('SaveImage'));
  assert.equal(save.output_node, true);
  assert.deepEqual(save.inputs.map((i) => i.name), ['images', 'filename_prefix']);
  const text = await cli('nodes', '--data', data);
  assert.match(text.stdout, /image\.invert\s+Invert Image/);
});

/** A community pack in the data folder: a slow node that waits on the run's signal. */
function writeSlowPack(dataDir: string): void {
  const dir = join(dataDir, 'packs', 'slow');
  mkdirSync(dir, { recursive: true });
  const api = pathToFileURL(join(repoRoot, 'dist', 'engine', 'nodes', 'index.js')).href;
  writeFileSync(join(dir, 'index.mjs'), `
import { definePack, defineNode } from ${JSON.stringify(api)};
const wait = defineNode({
  type: 'slow.wait', title: 'Wait', category: 'test', output: true,
  inputs: { ms: { type: 'INT', default: 60000 } }, outputs: {},
  run: ({ ms }, ctx) => new Promise((resolve, reject) => {
    process.stdout.write('');
    process.stderr.write('waiting\\n');
    const timer = setTimeout(resolve, ms);
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason); });
  }),
});
export default definePack({ name: 'slow', version: '1.0.0', engine: '^0.1.0', nodes: [wait] });
`);
  const broken = join(dataDir, 'packs', 'broken');
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, 'index.mjs'), 'throw new Error("this pack is broken");\n');
}

test('packs in <data>/packs load in the CLI; a broken pack is reported and the rest keep working', async () => {
  const dataDir = join(work, 'packs-data');
  writeSlowPack(dataDir);
  const { code, stdout, stderr } = await cli('nodes', '--data', dataDir);
  assert.equal(code, 0);
  assert.match(stdout, /slow\.wait/);
  assert.match(stdout, /image\.save/);
  assert.match(stderr, /pack broken was skipped: .*this pack is broken/);
  const packs = await cli('packs', '--json', '--data', dataDir);
  assert.equal(packs.code, 0);
  const report = JSON.parse(packs.stdout) as { loaded: { name: string; source: string }[]; failed: { name?: string; path: string; code: string; reason: string }[] };
  assert.deepEqual(report.loaded.map((p) => `${p.name}:${p.source}`).sort(), ['core:builtin', 'diffusion:builtin', 'image:builtin', 'slow:folder']);
  assert.equal(report.failed.length, 1);
  assert.equal(report.failed[0]!.code, 'pack_load_failed');
  assert.match(report.failed[0]!.reason, /this pack is broken/);
});

test('Ctrl+C (SIGINT) interrupts a running workflow: status interrupted, exit 1', async () => {
  const dataDir = join(work, 'interrupt-data');
  writeSlowPack(dataDir);
  const workflow = writeJson('slow.json', { '1': { type: 'slow.wait', inputs: { ms: 60000 } } });
  const child = spawn(process.execPath, [bin, 'run', workflow, '--json', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'silent' } });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  await new Promise<void>((resolve) => child.stderr.on('data', (chunk: Buffer) => { if (chunk.toString().includes('waiting')) resolve(); }));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as { status: string; executed: string[] };
  assert.equal(report.status, 'interrupted');
  assert.deepEqual(report.executed, []);
});

test('the installed bin runs the compiled CLI with real exit codes and the package version', () => {
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
  assert.equal(version.stdout.trim(), pkg.version, 'ENGINE_VERSION matches package.json');
  assert.equal(pkg.bin.switchyard, 'bin/switchyard.js');
  const invalid = spawnSync(process.execPath, [bin, 'validate', writeJson('x.json', '{'), '--data', data], { encoding: 'utf8', env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'silent' } });
  assert.equal(invalid.status, 1);
  const usage = spawnSync(process.execPath, [bin, 'run'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
});

/** A pack whose node records `ctx.models.sessionOptions` and opens a tiny model with them through the model manager. */
function writeSessionProbePack(dataDir: string): void {
  const dir = join(dataDir, 'packs', 'probe');
  mkdirSync(dir, { recursive: true });
  const api = pathToFileURL(join(repoRoot, 'dist', 'engine', 'nodes', 'index.js')).href;
  writeFileSync(join(dir, 'index.mjs'), `
import { writeFileSync } from 'node:fs';
import { definePack, defineNode, openSession, encodeOnnxModel } from ${JSON.stringify(api)};
const contract = { component: 'block', inputs: [{ name: 'x', types: ['float32'], ranks: [2] }], outputs: [{ name: 'y', types: ['float32'], ranks: [2] }] };
const bytes = encodeOnnxModel({ name: 'block', inputs: [{ name: 'x', type: 'float32', shape: [1, 4] }], outputs: [{ name: 'y', type: 'float32', shape: [1, 4] }], initializers: [], nodes: [{ op: 'Tanh', inputs: ['x'], outputs: ['y'] }] });
const probe = defineNode({
  type: 'probe.session', title: 'Session probe', category: 'test', output: true,
  inputs: { path: { type: 'STRING', default: '' } }, outputs: {},
  run: async ({ path }, ctx) => {
    writeFileSync(path, JSON.stringify(ctx.models.sessionOptions));
    const load = async (id) => {
      const { session } = await openSession(id, contract, bytes, ctx.models.sessionOptions);
      return { value: session, bytes: bytes.length, release: () => session.release() };
    };
    await ctx.models.use('probe-tiny', load, (session) => session.inputNames);
    return {};
  },
});
export default definePack({ name: 'probe', version: '1.0.0', engine: '^0.1.0', nodes: [probe] });
`);
}

test('run uses the stored session settings: nodes get them as ctx.models.sessionOptions; an unavailable provider fails the load clearly', async () => {
  const dataDir = join(work, 'session-data');
  writeSessionProbePack(dataDir);
  mkdirSync(join(dataDir, 'store'), { recursive: true });
  const settingsFile = join(dataDir, 'store', 'settings.json');
  const seen = join(work, 'session-options.json');
  const workflow = writeJson('probe.json', { '1': { type: 'probe.session', inputs: { path: seen } } });

  writeFileSync(settingsFile, JSON.stringify({ version: 1, settings: { executionProviders: ['cpu'], intraOpThreads: 3, interOpThreads: 2 } }));
  const ok = await cli('run', workflow, '--json', '--data', dataDir);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.deepEqual(JSON.parse(readFileSync(seen, 'utf8')), { providers: ['cpu'], intraOpThreads: 3, interOpThreads: 2 });

  writeFileSync(settingsFile, JSON.stringify({ version: 1, settings: { executionProviders: ['bogus', 'cpu'] } }));
  const refused = await cli('run', workflow, '--json', '--data', dataDir);
  assert.equal(refused.code, 1);
  const report = JSON.parse(refused.stdout) as { status: string; errors: { code: string; message: string }[] };
  assert.equal(report.status, 'error');
  assert.equal(report.errors[0]!.code, 'provider_unavailable');
  assert.match(report.errors[0]!.message, /"bogus" is not an execution provider .*Available in this onnxruntime-node: cpu/);
  assert.deepEqual(JSON.parse(readFileSync(seen, 'utf8')).providers, ['bogus', 'cpu']);

  // A settings file the CLI cannot read: defaults, and the file is left for the server to report.
  writeFileSync(settingsFile, '{"version":1,"settings":');
  const fallback = await cli('run', workflow, '--json', '--data', dataDir);
  assert.equal(fallback.code, 0, fallback.stdout);
  assert.deepEqual(JSON.parse(readFileSync(seen, 'utf8')).providers, ['cpu']);
  assert.equal(readFileSync(settingsFile, 'utf8'), '{"version":1,"settings":');
});
