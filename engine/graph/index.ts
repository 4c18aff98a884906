/**
 * Workflow formats: the API format, the saved (editor) format, conversion between them,
 * parsing of anything a user brings, normalisation, schema migrations and JSON Schemas.
 */
export * from './api-format.js';
export * from './saved-format.js';
export { savedToApi, readSavedWorkflow, convertCheckedSaved, renameInput, CONTROL_VALUES } from './convert.js';
export type { SavedToApiResult, ReadSavedResult } from './convert.js';
export { parseWorkflow, normalizeInputValue } from './parse.js';
export type { ParseResult, WorkflowFormat } from './parse.js';
export { normalizeWorkflow, UI_LEFTOVER_INPUTS } from './normalize.js';
export type { NormalizeResult } from './normalize.js';
export { migrateWorkflowSchema, SCHEMA_MIGRATIONS } from './migrate.js';
export type { SchemaMigration, SchemaMigrationResult } from './migrate.js';
export { workflowJsonSchemas } from './json-schema.js';
export type { WorkflowJsonSchemas } from './json-schema.js';
export { locateJsonSyntaxError } from './json-position.js';
export type { JsonSyntaxError } from './json-position.js';
