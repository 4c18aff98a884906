/**
 * Workflows the benchmarks submit: the 10-node workflow of core nodes (int/float primitives,
 * math, formatting, one text output) that the server and queue benchmarks both measure.
 */
import type { ApiWorkflow } from '../engine/graph/api-format.js';

export function tenNodeWorkflow(seed: number): ApiWorkflow {
  return {
    schemaVersion: 1,
    nodes: {
      '1': { type: 'core.int', inputs: { value: seed } },
      '2': { type: 'core.int', inputs: { value: 7 } },
      '3': { type: 'core.int_math', inputs: { a: ['1', 0], b: ['2', 0], operation: 'multiply' } },
      '4': { type: 'core.int_math', inputs: { a: ['3', 0], b: 3, operation: 'add' } },
      '5': { type: 'core.float', inputs: { value: 2.5 } },
      '6': { type: 'core.float_math', inputs: { a: ['5', 0], b: 4, operation: 'multiply' } },
      '7': { type: 'core.float_math', inputs: { a: ['6', 0], b: 1.5, operation: 'subtract' } },
      '8': { type: 'core.string', inputs: { value: 'result' } },
      '9': { type: 'core.format', inputs: { template: '{a}: {b} / {c}', a: ['8', 0], b: ['4', 0], c: ['7', 0] } },
      '10': { type: 'core.show_text', inputs: { value: ['9', 0] } },
    },
  };
}
