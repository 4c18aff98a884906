/**
 * Tensor contracts: what a model component must look like to be used — input and output names,
 * ranks and element types (a set: exporters differ on int32 vs int64 ids, scalar vs [1] vs [B]
 * timesteps), with optional tensors (SDXL extras, LCM's `timestep_cond`) and required ones. A
 * loaded session is checked against its contract before anything runs it, and every mismatch
 * is reported at once in one `model_contract_mismatch` error naming the model, the component,
 * the tensor and what was expected.
 */
import { SwitchyardError } from '../errors.js';
import type { ElementType } from './onnx/model-writer.js';

export interface TensorContract {
  name: string;
  /** Accepted element types. */
  types: readonly ElementType[];
  /** Accepted ranks (number of axes). */
  ranks: readonly number[];
  /** Absent is fine (the pipeline adapts); default false. */
  optional?: boolean;
}

export interface ComponentContract {
  /** e.g. `text_encoder`, `unet`, `vae_decoder`. */
  component: string;
  inputs: readonly TensorContract[];
  outputs: readonly TensorContract[];
}

/** What a session says about one of its tensors (onnxruntime-node's `inputMetadata` entries). */
export interface TensorInfo {
  name: string;
  type: string;
  /** Axis sizes, or names for dynamic axes. */
  shape: readonly (number | string)[];
}

export interface SessionInfo {
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
}

export interface ContractProblem {
  side: 'input' | 'output';
  tensor: string;
  problem: 'missing' | 'type' | 'rank';
  expected: string;
  found: string | null;
}

function describeExpectation(contract: TensorContract, problem: ContractProblem['problem']): string {
  if (problem === 'type') return contract.types.join(' or ');
  if (problem === 'rank') return `rank ${contract.ranks.join(' or ')}`;
  return `a tensor named "${contract.name}"`;
}

/** Every way `info` breaks `contract` (empty when it fits). Extra tensors are allowed. */
export function contractProblems(contract: ComponentContract, info: SessionInfo): ContractProblem[] {
  const problems: ContractProblem[] = [];
  for (const [side, wanted, found] of [['input', contract.inputs, info.inputs], ['output', contract.outputs, info.outputs]] as const) {
    const byName = new Map(found.map((tensor) => [tensor.name, tensor]));
    for (const tensor of wanted) {
      const actual = byName.get(tensor.name);
      if (!actual) {
        if (!tensor.optional) {
          const names = found.map((t) => t.name).join(', ') || 'none';
          problems.push({ side, tensor: tensor.name, problem: 'missing', expected: describeExpectation(tensor, 'missing'), found: `${side}s: ${names}` });
        }
        continue;
      }
      if (!tensor.types.includes(actual.type as ElementType)) {
        problems.push({ side, tensor: tensor.name, problem: 'type', expected: describeExpectation(tensor, 'type'), found: actual.type });
      }
      if (!tensor.ranks.includes(actual.shape.length)) {
        problems.push({ side, tensor: tensor.name, problem: 'rank', expected: describeExpectation(tensor, 'rank'), found: `rank ${actual.shape.length} [${actual.shape.join(', ')}]` });
      }
    }
  }
  return problems;
}

/** Throws `model_contract_mismatch` listing every problem; returns quietly when the session fits. */
export function assertContract(model: string, contract: ComponentContract, info: SessionInfo): void {
  const problems = contractProblems(contract, info);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `${p.side} "${p.tensor}": expected ${p.expected}, found ${p.found ?? 'nothing'}`);
  throw new SwitchyardError(
    'model_contract_mismatch',
    `model ${model}, component ${contract.component}: ${lines.join('; ')}`,
    { model, component: contract.component, problems },
  );
}
