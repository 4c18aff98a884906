/**
 * The server's JSON shapes the editor reads, as plain types. They mirror the documented wire
 * contract (docs/schemas/node-description.schema.json, docs/api/openapi.json and the socket.io
 * events in engine/server/live/run-events.ts); the editor is a client of that contract and does
 * not import engine code.
 */

export interface NodeInputDescription {
  name: string;
  type: string;
  optional: boolean;
  lazy: boolean;
  widget: boolean;
  tooltip?: string;
  default?: number | string | boolean;
  min?: number;
  max?: number;
  step?: number;
  round?: number;
  multiline?: boolean;
  control?: boolean;
  options?: string[];
  allow_custom?: boolean;
  force_input?: boolean;
}

export interface NodeOutputDescription {
  name: string;
  type: string;
  tooltip?: string;
}

/** One position of an alias's positional `widgets_values` (engine/nodes/alias-layout.ts). */
export type AliasWidgetValue =
  | { kind: 'input'; name: string; input: string }
  | { kind: 'control'; input: string }
  | { kind: 'ignored' };

/** A node type under another name (a ComfyUI class name), as its saved files lay it out. */
export interface NodeAliasDescription {
  type: string;
  native_type: string;
  /** Alias input name → our input name, where they differ. */
  input_renames: Record<string, string>;
  widgets_values: AliasWidgetValue[];
}

export interface NodeDescription {
  type: string;
  version: number;
  title: string;
  category: string;
  description: string;
  pack: string;
  aliases: string[];
  alias_details: NodeAliasDescription[];
  output_node: boolean;
  never_cache: boolean;
  inputs: NodeInputDescription[];
  outputs: NodeOutputDescription[];
  deprecated?: boolean;
}

/** A data type as the editor page carries it (name and socket colour). */
export interface DataTypeView {
  name: string;
  color?: string;
  description?: string;
}

/** One validation problem (engine/validate/issues.ts). */
export interface ValidationIssue {
  code: string;
  message: string;
  nodeId?: string;
  input?: string;
  details?: Record<string, unknown>;
}

export interface NodeErrors {
  type: string;
  errors: ValidationIssue[];
  dependentOutputs: string[];
}

/** Every native error answer: `{error: {code, message, details}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export interface SubmitRunResponse {
  id: string;
  number: number;
  status: string;
  position: number | null;
}

export interface FileRefView {
  filename: string;
  subfolder: string;
  type: string;
  url: string;
}

export interface UiResultView {
  images?: FileRefView[];
  videos?: FileRefView[];
  audio?: FileRefView[];
  text?: string[];
}

export interface RunErrorView {
  node_id: string | null;
  node_type: string | null;
  code: string;
  message: string;
}

export interface RunSummary {
  id: string;
  status: string;
  executed: string[];
  cached: string[];
  timings: Record<string, number>;
  outputs: Record<string, UiResultView>;
  errors: RunErrorView[];
  duration_ms: number | null;
}

export interface WorkflowEntry {
  name: string;
  example: boolean;
  size: number;
  updated_at: string;
}

export interface SaveWorkflowResponse extends WorkflowEntry {
  format: 'api' | 'saved';
  valid: boolean;
  warnings: { errors: ValidationIssue[]; node_errors: Record<string, NodeErrors> };
}

// ---- socket.io run events (snake_case payloads, each with run_id) ---------------------------

export interface RunStartedEvent { run_id: string; nodes: string[] }
export interface NodeStartedEvent { run_id: string; node_id: string; node_type: string }
export interface NodeCachedEvent { run_id: string; node_ids: string[] }
export interface NodeProgressEvent { run_id: string; node_id: string; done: number; total: number }
export interface NodePreviewEvent { run_id: string; node_id: string; mime: string; width: number; height: number; data: ArrayBuffer }
export interface NodeOutputEvent { run_id: string; node_id: string; node_type: string; ui: UiResultView | null; duration_ms: number; cached: boolean }
export interface NodeErrorEvent { run_id: string; node_id: string; node_type: string; code: string; message: string; inputs: Record<string, string> }
export interface RunEndedEvent { run_id: string; run: RunSummary }
