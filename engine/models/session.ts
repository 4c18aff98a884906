/**
 * Opening an ONNX component as an onnxruntime-node session: from a file or bytes, with the
 * configured execution providers and explicit thread counts, then checked against its tensor
 * contract. A missing, corrupt or truncated file, or a model onnxruntime cannot load, becomes a
 * `model_not_found` / `model_contract_mismatch` error that names the model and component —
 * never an unexplained native message, never a crash. A session that fails its contract is
 * released before the error is thrown.
 */
import { stat } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { SwitchyardError } from '../errors.js';
import { assertContract, type ComponentContract, type SessionInfo, type TensorInfo } from './contract.js';

export interface SessionOptions {
  /** Execution providers in order of preference (default `['cpu']`). */
  providers?: readonly string[];
  /** Threads inside one operator (default 1: predictable on shared machines). */
  intraOpThreads?: number;
  /** Threads across operators (default 1). */
  interOpThreads?: number;
}

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
  if (typeof source === 'string') {
    const found = await stat(source).catch(() => undefined);
    if (!found?.isFile()) throw new SwitchyardError('model_not_found', `model ${model}, component ${contract.component}: no file at ${source}`, where);
    if (found.size === 0) throw new SwitchyardError('model_contract_mismatch', `model ${model}, component ${contract.component}: ${source} is empty`, where);
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [...(options.providers ?? ['cpu'])],
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: options.interOpThreads ?? 1,
    graphOptimizationLevel: 'all',
  };
  let session: ort.InferenceSession;
  try {
    session = typeof source === 'string' ? await ort.InferenceSession.create(source, sessionOptions) : await ort.InferenceSession.create(source, sessionOptions);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
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
