/**
 * Small node types and a registry for the validation tests. The file-listing combo reads a
 * real folder, the way a "load image" node lists the input folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineNode, type AnyNodeType, type Folders } from '../../../engine/nodes/index.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';

export const load = defineNode({
  type: 'test.load',
  title: 'Load image',
  category: 'test',
  inputs: { file: { type: 'COMBO', options: ({ folders }) => readdirSync(folders.input).sort() } },
  outputs: { IMAGE: { type: 'IMAGE' }, MASK: { type: 'MASK' } },
  run() {
    throw new Error('not run in validation tests');
  },
});

export const solid = defineNode({
  type: 'test.solid',
  title: 'Solid colour',
  category: 'test',
  inputs: {
    width: { type: 'INT', default: 64, min: 1, max: 4096 },
    height: { type: 'INT', default: 64, min: 1, max: 4096 },
    brightness: { type: 'FLOAT', default: 0.5, min: 0, max: 1 },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  run() {
    throw new Error('not run in validation tests');
  },
});

export const blur = defineNode({
  type: 'test.blur',
  title: 'Blur',
  category: 'test',
  aliases: ['ImageBlur'],
  inputs: {
    image: { type: 'IMAGE' },
    radius: { type: 'FLOAT', default: 1, min: 0, max: 10 },
    mode: { type: 'COMBO', options: ['fast', 'slow'], default: 'fast' },
    mask: { type: 'MASK', optional: true },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  validate(inputs) {
    if (inputs.mode === 'slow' && typeof inputs.radius === 'number' && inputs.radius > 5) return 'slow mode supports a radius of at most 5';
    return undefined;
  },
  run() {
    throw new Error('not run in validation tests');
  },
});

export const save = defineNode({
  type: 'test.save',
  title: 'Save image',
  category: 'test',
  output: true,
  inputs: {
    images: { type: 'IMAGE' },
    prefix: { type: 'STRING', default: 'out' },
    overwrite: { type: 'BOOLEAN', default: false },
    count: { type: 'INT' },
  },
  outputs: {},
  run() {
    throw new Error('not run in validation tests');
  },
});

/** A node whose own hooks throw: validation must report, not crash. */
export const brittle = defineNode({
  type: 'test.brittle',
  title: 'Brittle',
  category: 'test',
  inputs: {
    choice: { type: 'COMBO', options: () => { throw new Error('options backend is down'); } },
    level: { type: 'INT', optional: true },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  validate() {
    throw new Error('hook exploded');
  },
  run() {
    throw new Error('not run in validation tests');
  },
});

/** Input names that are also names on Object.prototype. */
export const prototypeNames = defineNode({
  type: 'test.prototype_names',
  title: 'Prototype names',
  category: 'test',
  output: true,
  inputs: {
    ['__proto__']: { type: 'INT', default: 7 },
    constructor: { type: 'INT' },
    toString: { type: 'STRING', optional: true },
  },
  outputs: {},
  run() {
    throw new Error('not run in validation tests');
  },
});

export const ALL_TYPES: readonly AnyNodeType[] = [load, solid, blur, save, brittle, prototypeNames];

export function testRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  registry.addAll(ALL_TYPES, 'test');
  return registry;
}

/** A data folder whose input folder holds `files`; `dispose` removes it. */
export function tempFolders(files: readonly string[] = ['cat.png', 'dog.png']): { folders: Folders; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-validate-'));
  const folders: Folders = { input: join(root, 'input'), output: join(root, 'output'), temp: join(root, 'temp'), models: join(root, 'models') };
  for (const folder of [folders.input, folders.output, folders.temp, folders.models]) mkdirSync(folder);
  for (const file of files) writeFileSync(join(folders.input, file), 'x');
  return { folders, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export function workflow(nodes: Record<string, { type: string; inputs?: Record<string, unknown>; title?: string }>): ApiWorkflow {
  return {
    schemaVersion: 1,
    nodes: Object.fromEntries(Object.entries(nodes).map(([id, node]) => [id, { type: node.type, inputs: node.inputs ?? {}, ...(node.title ? { title: node.title } : {}) }])),
  };
}
