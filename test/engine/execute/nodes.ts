/**
 * Node types for executor tests, made fresh per test so each test counts its own calls.
 */
import { defineNode } from '../../../engine/nodes/define.js';
import type { AnyNodeType } from '../../../engine/nodes/define.js';

export interface Counted {
  types: AnyNodeType[];
  /** Node ids in the order their `run` was called. */
  calls: string[];
}

/**
 * `t.const` (INT literal → out), `t.add` (a + b + bias), `t.sink` (output node showing x as text),
 * `t.async_add` (like add, but resolves on a later turn and counts how many run at once).
 */
export function arithmetic(): Counted & { active: () => number; maxActive: () => number } {
  const calls: string[] = [];
  let active = 0;
  let maxActive = 0;
  const constant = defineNode({
    type: 't.const', title: 'Const', category: 'test',
    inputs: { value: { type: 'INT', default: 0 } },
    outputs: { out: { type: 'INT' } },
    run(inputs, ctx) {
      calls.push(ctx.nodeId);
      return { out: inputs.value };
    },
  });
  const add = defineNode({
    type: 't.add', title: 'Add', category: 'test',
    inputs: { a: { type: 'INT' }, b: { type: 'INT', default: 0 }, bias: { type: 'INT', default: 0 } },
    outputs: { out: { type: 'INT' } },
    run(inputs, ctx) {
      calls.push(ctx.nodeId);
      return { out: inputs.a + inputs.b + inputs.bias };
    },
  });
  const asyncAdd = defineNode({
    type: 't.async_add', title: 'Async add', category: 'test',
    inputs: { a: { type: 'INT' }, b: { type: 'INT', default: 0 }, bias: { type: 'INT', default: 0 } },
    outputs: { out: { type: 'INT' } },
    async run(inputs, ctx) {
      calls.push(ctx.nodeId);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        return { out: inputs.a + inputs.b + inputs.bias };
      } finally {
        active--;
      }
    },
  });
  const sink = defineNode({
    type: 't.sink', title: 'Sink', category: 'test', output: true,
    inputs: { x: { type: 'INT' } },
    outputs: {},
    run(inputs, ctx) {
      calls.push(ctx.nodeId);
      return { ui: { text: [String(inputs.x)] } };
    },
  });
  return { types: [constant, add, asyncAdd, sink], calls, active: () => active, maxActive: () => maxActive };
}
