/**
 * One error type for the whole engine: `SwitchyardError` carries a stable code, a human
 * message and structured details. Codes map to HTTP statuses and to "retryable" in one table,
 * so every surface (CLI, HTTP, events) reports the same thing the same way.
 */

export const ERROR_CODES = {
  invalid_workflow: { status: 400, retryable: false },
  invalid_input: { status: 400, retryable: false },
  invalid_image: { status: 400, retryable: false },
  unsafe_path: { status: 400, retryable: false },
  not_found: { status: 404, retryable: false },
  unknown_node_type: { status: 400, retryable: false },
  node_failed: { status: 500, retryable: false },
  node_output_invalid: { status: 500, retryable: false },
  node_definition_invalid: { status: 500, retryable: false },
  pack_load_failed: { status: 500, retryable: false },
  pack_incompatible: { status: 500, retryable: false },
  pack_conflict: { status: 500, retryable: false },
  model_contract_mismatch: { status: 422, retryable: false },
  model_not_found: { status: 404, retryable: false },
  // An execution provider that is unknown or not installed here: the operator fixes the setting.
  provider_unavailable: { status: 400, retryable: false },
  interrupted: { status: 409, retryable: true },
  not_available: { status: 501, retryable: false },
  usage: { status: 400, retryable: false },
  invalid_json: { status: 400, retryable: false },
  unauthorized: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  conflict: { status: 409, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  range_not_satisfiable: { status: 416, retryable: false },
  rate_limited: { status: 429, retryable: true },
  unavailable: { status: 503, retryable: true },
  internal: { status: 500, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isSwitchyardError(value: unknown): value is SwitchyardError {
  return value instanceof SwitchyardError;
}

/** Wraps anything thrown into a SwitchyardError, keeping the original as `cause`. */
export function toSwitchyardError(value: unknown, fallback: ErrorCode = 'internal'): SwitchyardError {
  if (value instanceof SwitchyardError) return value;
  if (value instanceof Error) return new SwitchyardError(fallback, value.message, { name: value.name }, { cause: value });
  return new SwitchyardError(fallback, String(value));
}
