/**
 * Execution providers and threads from configuration: `cpu` always resolves; a provider that is
 * unknown or not installed (CUDA without its install step, as on this machine) is one
 * `provider_unavailable` error naming what is available and how to enable CUDA — from the
 * check, from `openSession` (before onnxruntime is asked, so no native failure), and as a
 * warning when an engine starts with it; thread counts resolve from settings and environment
 * to the numbers sessions open with, and reach nodes as `ctx.models.sessionOptions`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwitchyardError } from '../../../engine/errors.js';
import {
  checkExecutionProviders,
  defaultIntraOpThreads,
  layerSessionSettings,
  providerCatalog,
  providerProblem,
  resolveSessionOptions,
  sessionSettingsFromEnv,
  usableProviders,
  type ProviderCatalog,
} from '../../../engine/models/providers.js';
import { openSession } from '../../../engine/models/session.js';
import { ModelManager, modelsHandle } from '../../../engine/models/manager.js';
import type { ComponentContract } from '../../../engine/models/contract.js';
import { encodeOnnxModel } from '../../../engine/models/onnx/model-writer.js';
import { NO_MODELS } from '../../../engine/execute/executor.js';
import { createEngine } from '../../../engine/runtime/engine.js';
import { createLogger } from '../../../engine/log/logger.js';
import type { Logger } from '../../../engine/nodes/context.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-providers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const silent = createLogger({ level: 'silent' });

/** onnxruntime-node 1.30's CPU package as it lists itself: CUDA and TensorRT known, not installed. */
const CPU_ONLY: ProviderCatalog = {
  version: '1.30.0',
  error: null,
  providers: [
    { name: 'cpu', bundled: true, installed: true },
    { name: 'webgpu', bundled: true, installed: true },
    { name: 'cuda', bundled: false, installed: false },
    { name: 'tensorrt', bundled: false, installed: false },
  ],
};

const TANH: ComponentContract = { component: 'block', inputs: [{ name: 'x', types: ['float32'], ranks: [2] }], outputs: [{ name: 'y', types: ['float32'], ranks: [2] }] };
const tanhModel = (): Uint8Array => encodeOnnxModel({ name: 'block', inputs: [{ name: 'x', type: 'float32', shape: [1, 4] }], outputs: [{ name: 'y', type: 'float32', shape: [1, 4] }], initializers: [], nodes: [{ op: 'Tanh', inputs: ['x'], outputs: ['y'] }] });

function refusal(fn: () => unknown): SwitchyardError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SwitchyardError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

async function asyncRefusal(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SwitchyardError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

/** A provider this onnxruntime-node knows but cannot use here (cuda on a CPU-only install), if any. */
function missingProvider(): string | undefined {
  const usable = usableProviders();
  return providerCatalog().providers.find((p) => !usable.includes(p.name))?.name;
}

test('cpu always resolves, here and in any build that loaded; names are normalised', () => {
  assert.deepEqual(checkExecutionProviders(['cpu']), ['cpu']);
  assert.equal(usableProviders()[0], 'cpu');
  assert.ok(providerCatalog().providers.some((p) => p.name === 'cpu' && p.installed));
  assert.deepEqual(checkExecutionProviders([' CPU ', 'cpu'], CPU_ONLY), ['cpu']);
  assert.deepEqual(checkExecutionProviders(['webgpu', 'cpu'], CPU_ONLY), ['webgpu', 'cpu']);
  const withCuda: ProviderCatalog = { ...CPU_ONLY, providers: CPU_ONLY.providers.map((p) => (p.name === 'cuda' ? { ...p, installed: true } : p)) };
  assert.deepEqual(checkExecutionProviders(['CUDA', 'cpu'], withCuda), ['cuda', 'cpu']);
});

test('cuda without its libraries is refused with the available providers and how to enable CUDA', () => {
  const error = refusal(() => checkExecutionProviders(['cuda', 'cpu'], CPU_ONLY));
  assert.equal(error.code, 'provider_unavailable');
  assert.equal(error.status, 400);
  assert.match(error.message, /"cuda" is not installed/);
  assert.match(error.message, /Available in this onnxruntime-node: cpu, webgpu \(GET \/api\/health/);
  assert.match(error.message, /ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js/);
  assert.match(error.message, /README "GPU \/ execution providers"/);
  assert.deepEqual(error.details.unavailable, ['cuda']);
  assert.deepEqual(error.details.usable, ['cpu', 'webgpu']);

  const unknown = refusal(() => checkExecutionProviders(['cpu', 'rocm', 'bogus'], CPU_ONLY));
  assert.match(unknown.message, /"rocm" is not an execution provider onnxruntime-node 1\.30\.0 knows \(it knows cpu, webgpu, cuda, tensorrt\); "bogus"/);
  assert.doesNotMatch(unknown.message, /CUDA/, 'the CUDA hint only where CUDA was asked for');
  assert.deepEqual(unknown.details.unavailable, ['rocm', 'bogus']);

  const notLoaded = refusal(() => checkExecutionProviders(['cpu'], { providers: [], version: null, error: 'libonnxruntime.so.1: cannot open shared object file' }));
  assert.match(notLoaded.message, /onnxruntime-node did not load.*cannot open shared object file/);
  assert.equal(providerProblem([], CPU_ONLY)?.code, 'provider_unavailable');
  assert.equal(providerProblem(['cpu'], CPU_ONLY), undefined);
});

test('on this machine, a provider onnxruntime-node knows but cannot use is refused naming the real available list', (t) => {
  const missing = missingProvider();
  if (missing === undefined) {
    t.skip('every provider this onnxruntime-node knows is installed here');
    return;
  }
  const error = refusal(() => checkExecutionProviders([missing, 'cpu']));
  assert.equal(error.code, 'provider_unavailable');
  assert.match(error.message, new RegExp(`"${missing}" is not installed`));
  assert.ok(error.message.includes(`Available in this onnxruntime-node: ${usableProviders().join(', ')} (`), error.message);
});

test('thread counts: null intra-op threads is min(4, CPUs); explicit values pass through; bad ones are refused', () => {
  assert.equal(defaultIntraOpThreads(16), 4);
  assert.equal(defaultIntraOpThreads(2), 2);
  assert.equal(defaultIntraOpThreads(1), 1);
  assert.deepEqual(resolveSessionOptions({}, 16), { providers: ['cpu'], intraOpThreads: 4, interOpThreads: 1 });
  assert.deepEqual(resolveSessionOptions({ intraOpThreads: null }, 3), { providers: ['cpu'], intraOpThreads: 3, interOpThreads: 1 });
  const resolved = resolveSessionOptions({ executionProviders: [' CUDA ', 'cpu', 'cuda'], intraOpThreads: 6, interOpThreads: 2 }, 16);
  assert.deepEqual(resolved, { providers: ['cuda', 'cpu'], intraOpThreads: 6, interOpThreads: 2 });
  assert.ok(Object.isFrozen(resolved) && Object.isFrozen(resolved.providers), 'nodes cannot change what other nodes open sessions with');
  assert.equal(refusal(() => resolveSessionOptions({ intraOpThreads: 0 })).code, 'usage');
  assert.equal(refusal(() => resolveSessionOptions({ interOpThreads: 1.5 })).code, 'usage');
  assert.equal(refusal(() => resolveSessionOptions({ executionProviders: ['cu da'] })).code, 'usage');
});

test('SWITCHYARD_* variables give the defaults; engine options and settings lie over them', () => {
  assert.deepEqual(sessionSettingsFromEnv({}), {});
  const env = { SWITCHYARD_EXECUTION_PROVIDERS: 'cuda, CPU', SWITCHYARD_INTRA_OP_THREADS: '6', SWITCHYARD_INTER_OP_THREADS: '2' };
  assert.deepEqual(sessionSettingsFromEnv(env), { executionProviders: ['cuda', 'cpu'], intraOpThreads: 6, interOpThreads: 2 });
  assert.match(refusal(() => sessionSettingsFromEnv({ SWITCHYARD_INTRA_OP_THREADS: '0' })).message, /SWITCHYARD_INTRA_OP_THREADS must be an integer from 1 to 256, got "0"/);
  assert.equal(refusal(() => sessionSettingsFromEnv({ SWITCHYARD_EXECUTION_PROVIDERS: 'cuda;cpu' })).code, 'usage');
  const layered = layerSessionSettings(sessionSettingsFromEnv(env), { executionProviders: ['cpu'], intraOpThreads: undefined });
  assert.deepEqual(layered, { executionProviders: ['cpu'], intraOpThreads: 6, interOpThreads: 2 });
});

test('openSession with an unavailable provider answers the clear error before onnxruntime is asked; the process carries on', async () => {
  const model = tanhModel();
  const bogus = await asyncRefusal(openSession('tiny', TANH, model, { providers: ['bogus', 'cpu'] }));
  assert.equal(bogus.code, 'provider_unavailable');
  assert.match(bogus.message, /^model tiny, component block: execution provider not available: "bogus" is not an execution provider/);
  assert.equal(bogus.details.model, 'tiny');
  assert.deepEqual(bogus.details.usable, usableProviders());
  const missing = missingProvider();
  if (missing !== undefined) {
    const error = await asyncRefusal(openSession('tiny', TANH, model, { providers: [missing, 'cpu'] }));
    assert.equal(error.code, 'provider_unavailable');
    assert.match(error.message, /Available in this onnxruntime-node: cpu/);
  }
  // Still works afterwards, with explicit threads.
  const { session } = await openSession('tiny', TANH, model, resolveSessionOptions({ intraOpThreads: 2, interOpThreads: 1 }));
  try {
    const ort = (await import('onnxruntime-node')).default;
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([0, 1, -1, 2]), [1, 4]) });
    assert.ok(Math.abs((out.y!.data as Float32Array)[1]! - Math.tanh(1)) < 1e-6);
  } finally {
    await session.release();
  }
});

test('a provider that is installed but cannot start here is provider_unavailable, never a contract error', async () => {
  // WebGPU ships inside onnxruntime-node; without a GPU adapter it fails when the session starts.
  if (!usableProviders().includes('webgpu')) return;
  try {
    const { session } = await openSession('tiny', TANH, tanhModel(), { providers: ['webgpu'] });
    await session.release();
  } catch (error) {
    assert.ok(error instanceof SwitchyardError);
    assert.equal(error.code, 'provider_unavailable', error.message);
    assert.match(error.message, /could not start execution provider webgpu/);
  }
});

test('the models handle carries the resolved options; NO_MODELS carries the defaults', async () => {
  const options = resolveSessionOptions({ intraOpThreads: 3, interOpThreads: 2 });
  const manager = new ModelManager<unknown>({ log: silent });
  try {
    assert.equal(modelsHandle(manager, options).sessionOptions, options);
    assert.deepEqual(modelsHandle(manager).sessionOptions, resolveSessionOptions());
  } finally {
    await manager.close();
  }
  assert.deepEqual(NO_MODELS.sessionOptions, resolveSessionOptions());
});

test('an engine takes its session settings from options, and starts with a warning when a provider is unavailable', async () => {
  const warnings: string[] = [];
  const ignore = (): void => undefined;
  const log: Logger = { debug: ignore, info: ignore, error: ignore, warn: (obj: object | string, msg?: string) => void warnings.push(typeof obj === 'string' ? obj : (msg ?? '')), child: () => log };
  const engine = await createEngine({ dataDir: join(dir, 'engine'), log, packsDirs: [], nodeModulesDirs: [], sessionSettings: { executionProviders: ['bogus', 'cpu'], intraOpThreads: 3, interOpThreads: 2 } });
  try {
    assert.deepEqual(engine.sessionOptions, { providers: ['bogus', 'cpu'], intraOpThreads: 3, interOpThreads: 2 });
    assert.ok(warnings.some((w) => /"bogus" is not an execution provider/.test(w) && /every model load fails/.test(w)), warnings.join('\n'));
  } finally {
    await engine.models.close();
  }
});
