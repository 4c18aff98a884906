/**
 * Node types for queue tests, and the gates that hold them. `qt.value` passes an INT on;
 * `qt.hold` (an output node) waits until its key's gate opens or the run is interrupted;
 * `qt.stubborn` waits for its gate and ignores interruption; `qt.show` shows its value;
 * `qt.fail` throws. None is cached, so every run executes them. The gates live in the module,
 * one set per process (the child process of the kill tests has its own, never opened).
 */
import { defineNode, type AnyNodeType } from '../../../engine/nodes/define.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}

const gates = new Map<string, Gate>();
let holding = 0;
let maxHolding = 0;

function gate(key: string): Gate {
  let entry = gates.get(key);
  if (!entry) {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    entry = { promise, open };
    gates.set(key, entry);
  }
  return entry;
}

/** Lets every `qt.hold`/`qt.stubborn` node with this key finish (now or when it starts later). */
export function release(key: string): void {
  gate(key).open();
}

/** How many hold nodes are waiting now, and the most there ever were at once. */
export function holdStats(): { holding: number; maxHolding: number } {
  return { holding, maxHolding };
}

export function resetHoldStats(): void {
  maxHolding = holding;
}

function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

const value = defineNode({
  type: 'qt.value', title: 'Value', category: 'test', cache: false,
  inputs: { value: { type: 'INT', default: 0 } },
  outputs: { out: { type: 'INT' } },
  run: (inputs) => ({ out: inputs.value }),
});

const hold = defineNode({
  type: 'qt.hold', title: 'Hold', category: 'test', cache: false, output: true,
  inputs: { value: { type: 'INT' }, key: { type: 'STRING' } },
  outputs: {},
  async run(inputs, ctx) {
    holding += 1;
    maxHolding = Math.max(maxHolding, holding);
    try {
      await Promise.race([gate(inputs.key).promise, abortion(ctx.signal)]);
      ctx.throwIfAborted();
      return { ui: { text: [`${inputs.key}:${inputs.value}`] } };
    } finally {
      holding -= 1;
    }
  },
});

const stubborn = defineNode({
  type: 'qt.stubborn', title: 'Stubborn', category: 'test', cache: false, output: true,
  inputs: { key: { type: 'STRING' } },
  outputs: {},
  async run(inputs) {
    await gate(inputs.key).promise;
    return { ui: { text: [inputs.key] } };
  },
});

const show = defineNode({
  type: 'qt.show', title: 'Show', category: 'test', cache: false, output: true,
  inputs: { value: { type: 'INT' } },
  outputs: {},
  run: (inputs) => ({ ui: { text: [String(inputs.value)] } }),
});

const fail = defineNode({
  type: 'qt.fail', title: 'Fail', category: 'test', cache: false, output: true,
  inputs: { value: { type: 'INT' } },
  outputs: {},
  run(inputs): never {
    throw new Error(`refusing ${inputs.value}`);
  },
});

/** Values JSON cannot hold as they are, one per kind (each node of `oddUiWorkflow` shows one beside plain ones). */
const ODD_VALUES: Record<string, () => unknown> = {
  date: () => new Date(0),
  nan: () => Number.NaN,
  infinite: () => -Infinity,
  negativeZero: () => -0,
  undefinedValue: () => ({ gone: undefined, kept: 1 }),
  undefinedItem: () => [1, undefined, 2],
  hole: () => {
    const sparse: unknown[] = new Array(3);
    sparse[0] = 1;
    sparse[2] = 2;
    return sparse;
  },
  protoKey: () => JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as unknown,
  toJSON: () => ({ toJSON: () => 'custom' }),
  typed: () => new Uint8Array([1, 2]),
  plain: () => ({ deep: [{ a: 'b', n: 1.5, t: true, z: null }] }),
};
export const ODD_KINDS = Object.keys(ODD_VALUES);

/** The ui a `qt.odd_ui` node of this kind shows. */
export function oddUi(kind: string): Record<string, unknown> {
  return { text: ['plain'], value: { inner: ODD_VALUES[kind]!() } };
}

const odd = defineNode({
  type: 'qt.odd_ui', title: 'Odd ui', category: 'test', cache: false, output: true,
  inputs: { kind: { type: 'STRING' } },
  outputs: {},
  run: (inputs) => ({ ui: oddUi(inputs.kind) }),
});

export const queueNodeTypes: AnyNodeType[] = [value, hold, stubborn, show, fail, odd];

/** `1: qt.value(n) → 2: qt.hold(key)`: node 1 finishes, node 2 waits for the gate. */
export function holdWorkflow(key: string, n = 7): ApiWorkflow {
  return { schemaVersion: 1, nodes: { '1': { type: 'qt.value', inputs: { value: n } }, '2': { type: 'qt.hold', inputs: { value: ['1', 0], key } } } };
}

/** `1: qt.value(n) → 2: qt.show`: finishes at once, showing n. */
export function showWorkflow(n: number): ApiWorkflow {
  return { schemaVersion: 1, nodes: { '1': { type: 'qt.value', inputs: { value: n } }, '2': { type: 'qt.show', inputs: { value: ['1', 0] } } } };
}

export function stubbornWorkflow(key: string): ApiWorkflow {
  return { schemaVersion: 1, nodes: { '1': { type: 'qt.stubborn', inputs: { key } } } };
}

/** `1: qt.value → 2: qt.fail`. */
export function failWorkflow(): ApiWorkflow {
  return { schemaVersion: 1, nodes: { '1': { type: 'qt.value', inputs: { value: 3 } }, '2': { type: 'qt.fail', inputs: { value: ['1', 0] } } } };
}

/** One `qt.odd_ui` node per kind, node ids "1", "2", … in ODD_KINDS order. */
export function oddUiWorkflow(): ApiWorkflow {
  return { schemaVersion: 1, nodes: Object.fromEntries(ODD_KINDS.map((kind, index) => [String(index + 1), { type: 'qt.odd_ui', inputs: { kind } }])) };
}
