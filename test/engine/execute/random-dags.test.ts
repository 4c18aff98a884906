/**
 * Property-based check of the scheduler and cache on random DAGs (fast-check): order, planning
 * from outputs, the concurrency limit, and exactly-the-changed-cone re-execution.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defineNode } from '../../../engine/nodes/define.js';
import type { RunEvent } from '../../../engine/execute/events.js';
import { harness, workflow } from './harness.js';

interface NodeSpec {
  parents: number[];
  isOutput: boolean;
  delay: number;
  changed: boolean;
}

const MODULUS = 1_000_003;

const dagArbitrary = fc.record({
  concurrency: fc.integer({ min: 1, max: 4 }),
  nodes: fc.array(
    fc.record({
      parents: fc.array(fc.nat(1000), { maxLength: 3 }),
      isOutput: fc.boolean(),
      delay: fc.integer({ min: 0, max: 2 }),
      changed: fc.boolean(),
    }),
    { minLength: 1, maxLength: 18 },
  ),
}).map(({ concurrency, nodes }) => {
  // Edges only from lower to higher index: always a DAG.
  const specs: NodeSpec[] = nodes.map((node, i) => ({ ...node, parents: i === 0 ? [] : node.parents.map((p) => p % i) }));
  if (!specs.some((s) => s.isOutput)) specs[specs.length - 1]!.isOutput = true;
  return { concurrency, specs };
});

function build(specs: NodeSpec[], version: (i: number) => number) {
  const spec: Record<string, [string, Record<string, unknown>]> = {};
  specs.forEach((node, i) => {
    // Literals unique per node and per version, so no two keys ever coincide by accident.
    const inputs: Record<string, unknown> = { lit: i * 1000 + version(i), delay: node.delay };
    node.parents.forEach((parent, slot) => {
      inputs[['a', 'b', 'c'][slot]!] = [`n${parent}`, 0];
    });
    spec[`n${i}`] = [node.isOutput ? 't.pout' : 't.p', inputs];
  });
  return workflow(spec);
}

function ancestorsOfOutputs(specs: NodeSpec[]): Set<number> {
  const needed = new Set<number>();
  const stack = specs.flatMap((s, i) => (s.isOutput ? [i] : []));
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (needed.has(node)) continue;
    needed.add(node);
    stack.push(...specs[node]!.parents);
  }
  return needed;
}

function expectedValues(specs: NodeSpec[], version: (i: number) => number): number[] {
  const values: number[] = [];
  specs.forEach((node, i) => {
    values.push(node.parents.reduce((sum, p) => (sum + values[p]!) % MODULUS, i * 1000 + version(i)));
  });
  return values;
}

test('random DAGs: dependency order, only output ancestors, concurrency limit, exact re-execution cones', async () => {
  await fc.assert(
    fc.asyncProperty(dagArbitrary, async ({ concurrency, specs }) => {
      let active = 0;
      let maxActive = 0;
      const completed = new Set<string>();
      const orderViolations: string[] = [];
      const parentsOf = (id: string) => specs[Number(id.slice(1))]!.parents.map((p) => `n${p}`);
      const common = {
        category: 'test',
        inputs: { lit: { type: 'INT' }, delay: { type: 'INT' }, a: { type: 'INT', optional: true }, b: { type: 'INT', optional: true }, c: { type: 'INT', optional: true } },
        outputs: { value: { type: 'INT' } },
      } as const;
      // delay 0: a synchronous node (the executor's fast path); otherwise it resolves `delay` turns later.
      const run = (inputs: { lit: number; delay: number; a?: number; b?: number; c?: number }, nodeId: string): number | Promise<number> => {
        for (const parent of parentsOf(nodeId)) if (!completed.has(parent)) orderViolations.push(`${nodeId} before ${parent}`);
        const value = [inputs.lit, inputs.a ?? 0, inputs.b ?? 0, inputs.c ?? 0].reduce((sum, v) => (sum + v) % MODULUS, 0);
        if (inputs.delay === 0) {
          maxActive = Math.max(maxActive, active + 1);
          return value;
        }
        active++;
        maxActive = Math.max(maxActive, active);
        const later = async () => {
          try {
            for (let i = 0; i < inputs.delay; i++) await new Promise((resolve) => setImmediate(resolve));
            return value;
          } finally {
            active--;
          }
        };
        return later();
      };
      const plain = defineNode({
        ...common, type: 't.p', title: 'P',
        run: (inputs, ctx) => {
          const value = run(inputs, ctx.nodeId);
          return typeof value === 'number' ? { value } : value.then((v) => ({ value: v }));
        },
      });
      const output = defineNode({
        ...common, type: 't.pout', title: 'Out', output: true,
        run: (inputs, ctx) => {
          const value = run(inputs, ctx.nodeId);
          return typeof value === 'number' ? { value, ui: { text: [String(value)] } } : value.then((v) => ({ value: v, ui: { text: [String(v)] } }));
        },
      });
      const { executor } = harness([plain, output], { concurrency });
      const onEvent = (event: RunEvent) => {
        if (event.type === 'node_output') completed.add(event.nodeId);
        if (event.type === 'node_cached') for (const id of event.nodeIds) completed.add(id);
      };
      const needed = ancestorsOfOutputs(specs);
      const neededIds = [...needed].map((i) => `n${i}`).sort();

      const original = (_i: number) => 0;
      const first = await executor.run(build(specs, original), { onEvent });
      assert.equal(first.status, 'success');
      assert.deepEqual([...first.executed].sort(), neededIds, 'first run: exactly the ancestors of outputs run');
      assert.deepEqual(orderViolations, []);
      assert.ok(maxActive <= concurrency, `max ${maxActive} > limit ${concurrency}`);
      const values = expectedValues(specs, original);
      for (const [id, ui] of Object.entries(first.outputs)) assert.deepEqual(ui, { text: [String(values[Number(id.slice(1))])] });

      completed.clear();
      const bumped = (i: number) => (specs[i]!.changed ? 1 : 0);
      const second = await executor.run(build(specs, bumped), { onEvent });
      const cone = new Set<number>();
      specs.forEach((node, i) => {
        if (node.changed || node.parents.some((p) => cone.has(p))) cone.add(i);
      });
      const expected = [...cone].filter((i) => needed.has(i)).map((i) => `n${i}`).sort();
      assert.deepEqual([...second.executed].sort(), expected, 'second run: exactly the changed cones (within output ancestors) run');
      assert.deepEqual([...second.executed, ...second.cached].sort(), neededIds);
      assert.deepEqual(orderViolations, []);
      assert.ok(maxActive <= concurrency);
      const newValues = expectedValues(specs, bumped);
      for (const [id, ui] of Object.entries(second.outputs)) assert.deepEqual(ui, { text: [String(newValues[Number(id.slice(1))])] });
    }),
    { numRuns: 80 },
  );
});
