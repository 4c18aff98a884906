/**
 * The built-in `core` pack: primitive values, a seed, text helpers, arithmetic and a text output
 * node — enough to build and run a workflow without any other pack.
 */
import { definePack } from '../../engine/nodes/index.js';
import { booleanNode, floatNode, intNode, stringMultilineNode, stringNode } from './primitives.js';
import { seedNode } from './seed.js';
import { concatNode, formatNode, replaceNode } from './text.js';
import { toNumberNode, toStringNode } from './convert.js';
import { compareNode, floatMathNode, intMathNode } from './math.js';
import { showTextNode } from './show-text.js';

export default definePack({
  name: 'core',
  version: '0.1.0',
  engine: '^0.1.0',
  description: 'Primitive values, seeds, text helpers, arithmetic and a text output node.',
  nodes: [
    intNode, floatNode, stringNode, stringMultilineNode, booleanNode, seedNode,
    concatNode, replaceNode, formatNode, toNumberNode, toStringNode,
    intMathNode, floatMathNode, compareNode, showTextNode,
  ],
});
