/**
 * The public node API: everything a node pack (built-in or community) may import. Packs use
 * only this module, never engine internals.
 */
export { defineNode, isWidgetType, WIDGET_TYPES } from './define.js';
export type {
  NodeDefinition, NodeType, AnyNodeType, NodeAlias, InputSpec, InputSpecs, OutputSpec, OutputSpecs,
  IntInputSpec, FloatInputSpec, StringInputSpec, BooleanInputSpec, ComboInputSpec, LinkInputSpec,
  WidgetInputSpec, WidgetType, ComboOptionsFn, InputValues, OutputValues, InputValue, FingerprintInputs,
} from './define.js';
export { definePack } from './pack.js';
export type { PackDefinition, PackManifest } from './pack.js';
export type { DataTypes, DataTypeInfo } from './data-types.js';
export { estimateSize, typesCompatible } from './data-types.js';
export type { NodeContext, FingerprintContext, OptionsContext, Folders, Logger, ModelsHandle, LoadedModel, RunWorkflowInfo } from './context.js';
export type { ImageValue, MaskValue, LatentValue, TensorValue, AudioValue, VideoValue, FileRef, UiResult } from './values.js';
export { createImage, createMask, isImageValue, isMaskValue } from './values.js';
export { SwitchyardError, isSwitchyardError } from '../errors.js';
export type { ErrorCode } from '../errors.js';
export { ENGINE_VERSION } from '../version.js';

// The model runtime packs build on (opening checked ONNX sessions, finding model folders,
// writing stand-in models).
export { openSession, sessionInfo, type OpenedSession, type SessionOptions, type ResolvedSessionOptions } from '../models/session.js';
export { assertContract, contractProblems, type ComponentContract, type TensorContract, type SessionInfo, type TensorInfo } from '../models/contract.js';
export { discoverModels, type DiscoveredModel, type ModelComponent } from '../models/discover.js';
export { encodeOnnxModel, type ModelSpec, type NodeSpec as OnnxNodeSpec, type TensorSpec, type ValueSpec, type ElementType } from '../models/onnx/model-writer.js';
