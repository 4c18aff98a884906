/**
 * Which output type may feed which input type: the engine's own rule, bundled into the editor
 * (engine/nodes/type-compat.ts imports nothing), so the canvas refuses exactly the links the
 * server's validation refuses.
 */
export { typesCompatible } from '../../../engine/nodes/type-compat.js';
