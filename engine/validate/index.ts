/**
 * Workflow validation: the public entry points (whole-workflow check, literal coercion for
 * the CLI and server overrides) and the issue shape with its stable codes.
 */
export { validateWorkflow } from './validate.js';
export type { ValidateOptions, ValidationResult } from './validate.js';
export { coerceLiteral, checkLiteral, resolveComboOptions, comboOptionsFailed } from './coerce.js';
export type { CoerceResult, CoerceOptions, ComboOptionsResult, LiteralIssue, LiteralIssueCode } from './coerce.js';
export { VALIDATION_CODES, ValidationIssueSchema, NodeErrorsSchema, issue } from './issues.js';
export type { ValidationCode, ValidationIssue, NodeErrors } from './issues.js';
export { suggestNodeTypes, editDistance } from './suggest.js';
