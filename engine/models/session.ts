/**
 * Opening an ONNX component as an onnxruntime-node session: from a file or bytes, with the
 * configured execution providers and explicit thread counts, then checked against its tensor
 * contract. A missing, corrupt or truncated file, or a model onnxruntime cannot load, becomes a
 * `model_not_found` / `model_contract_mismatch` error that names the model and component —
 * never an unexplained native message, never a crash. An execution provider that is unknown or
 * not installed here, or one onnxruntime cannot start, is `provider_unavailable` (see
 * providers.ts). A session that fails its contract is released before the error is thrown.
 */
import { stat } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { SwitchyardError } from '../errors.js';
import { assertContract, type ComponentContract, type SessionInfo, type TensorInfo } from './contract.js';
import { checkExecutionProviders, resolveSessionOptions, usableProviders } from './providers.js';

export interface SessionOptions {
  /** Execution providers in order of preference (default `['cpu']`); each must be usable here. */
  readonly providers?: readonly string[];
  /** Threads inside one operator (default `min(4, CPU count)`). */
  readonly intraOpThreads?: number;
  /** Threads running independent operators at once (default 1). */
  readonly interOpThreads?: number;
}

/** Session options with every field decided: what the engine hands nodes as `ctx.models.sessionOptions`. */
export type ResolvedSessionOptions = Readonly<Required<SessionOptions>>;

/** What onnxruntime says when a provider it was asked for cannot start (missing libraries, no device). */
const PROVIDER_FAILURE = /AppendExecutionProvider|backend not found|execution provider|providers_shared|Failed to load (shared )?library|WebGPU|adapter|CUDA|cuDNN|TensorRT|DirectML|CoreML/i;

export interface OpenedSession {
  session: ort.InferenceSession;
  info: SessionInfo;
}

function tensorInfo(entry: unknown, fallbackName: string): TensorInfo {
  const meta = entry as { name?: string; type?: string; shape?: (number | string)[]; isTensor?: boolean };
  return { name: meta.name ?? fallbackName, type: meta.isTensor === false ? 'non-tensor' : (meta.type ?? 'unknown'), shape: meta.shape ?? [] };
}

/** Names, element types and shapes of a session's inputs and outputs. */
export function sessionInfo(session: ort.InferenceSession): SessionInfo {
  const inputs = (session.inputMetadata as unknown as unknown[] | undefined) ?? [];
  const outputs = (session.outputMetadata as unknown as unknown[] | undefined) ?? [];
  return {
    inputs: session.inputNames.map((name, i) => tensorInfo(inputs[i], name)),
    outputs: session.outputNames.map((name, i) => tensorInfo(outputs[i], name)),
  };
}

/**
 * Loads `source` (a path or the file's bytes) for `model`/`contract.component` and checks it.
 */
export async function openSession(model: string, contract: ComponentContract, source: string | Uint8Array, options: SessionOptions = {}): Promise<OpenedSession> {
  const where = { model, component: contract.component, ...(typeof source === 'string' ? { file: source } : {}) };
  const resolved = resolveSessionOptions({ executionProviders: options.providers, intraOpThreads: options.intraOpThreads, interOpThreads: options.interOpThreads });
  let providers: string[];
  try {
    providers = checkExecutionProviders(resolved.providers);
  } catch (error) {
    const problem = error as SwitchyardError;
    throw new SwitchyardError(problem.code, `model ${model}, component ${contract.component}: ${problem.message}`, { ...where, ...problem.details }, { cause: error });
  }
  if (typeof source === 'string') {
    const found = await stat(source).catch(() => undefined);
    if (!found?.isFile()) throw new SwitchyardError('model_not_found', `model ${model}, component ${contract.component}: no file at ${source}`, where);
    if (found.size === 0) throw new SwitchyardError('model_contract_mismatch', `model ${model}, component ${contract.component}: ${source} is empty`, where);
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: providers,
    intraOpNumThreads: resolved.intraOpThreads,
    interOpNumThreads: resolved.interOpThreads,
    graphOptimizationLevel: 'all',
  };
  let session: ort.InferenceSession;
  try {
    session = typeof source === 'string' ? await ort.InferenceSession.create(source, sessionOptions) : await ort.InferenceSession.create(source, sessionOptions);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const accelerated = providers.filter((name) => name !== 'cpu');
    if (accelerated.length > 0 && PROVIDER_FAILURE.test(reason)) {
      throw new SwitchyardError(
        'provider_unavailable',
        `model ${model}, component ${contract.component}: onnxruntime could not start execution provider ${accelerated.join(', ')} (${reason.split('\n')[0]!.slice(0, 300)}). Check the GPU, its driver and libraries (GET /api/health lists what is available here), or set executionProviders to ["cpu"]; see README "GPU / execution providers".`,
        { ...where, requested: providers, usable: usableProviders(), reason: reason.slice(0, 2000) },
        { cause: error },
      );
    }
    throw new SwitchyardError('model_contract_mismatch', `model ${model}, component ${contract.component}: onnxruntime could not load it (a corrupt, truncated or unsupported ONNX file): ${reason.slice(0, 500)}`, { ...where, reason: reason.slice(0, 2000) }, { cause: error });
  }
  const info = sessionInfo(session);
  try {
    assertContract(model, contract, info);
  } catch (error) {
    await session.release().catch(() => undefined);
    throw error;
  }
  return { session, info };
}
