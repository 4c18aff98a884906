/**
 * Workflow schema migrations: a table of steps from schema version N to N+1, applied in order
 * until a workflow document reaches CURRENT_SCHEMA_VERSION. A document without `schemaVersion`
 * is version 0 (written before the field existed, or by hand). Newer than this engine knows →
 * `unsupported_schema_version`. Node-level upgrades live with each node type (`migrate`).
 */
import { issue, type ValidationIssue } from '../validate/issues.js';
import { CURRENT_SCHEMA_VERSION } from './api-format.js';
import { describeFound, ownValue, setOwn, thrownText, type PlainObject } from './untrusted.js';

/** A step's input is a document at version N; it returns the document at version N+1. */
export type SchemaMigration = (document: PlainObject) => PlainObject;

/** Step from version N (the key) to N+1. */
export const SCHEMA_MIGRATIONS: Readonly<Record<number, SchemaMigration>> = Object.freeze({
  // 0 → 1: the version-less format has the same shape; only the field is added.
  0: (document: PlainObject) => document,
});

export type SchemaMigrationResult = { ok: true; document: PlainObject; fromVersion: number } | { ok: false; issues: ValidationIssue[] };

/** Brings a wrapped API workflow document (`{schemaVersion?, nodes}`) to the current schema version. */
export function migrateWorkflowSchema(document: PlainObject, migrations: Readonly<Record<number, SchemaMigration>> = SCHEMA_MIGRATIONS): SchemaMigrationResult {
  const declared = ownValue(document, 'schemaVersion');
  let version: number;
  if (declared === undefined) version = 0;
  else if (typeof declared === 'number' && Number.isSafeInteger(declared) && declared >= 1) version = declared;
  else return { ok: false, issues: [issue('invalid_workflow', `schemaVersion must be a positive integer, found ${describeFound(declared)}`)] };
  if (version > CURRENT_SCHEMA_VERSION) {
    return { ok: false, issues: [issue('unsupported_schema_version', `workflow schemaVersion ${version} is newer than this engine's ${CURRENT_SCHEMA_VERSION}; update Switchyard to run it`, { details: { schemaVersion: version, supported: CURRENT_SCHEMA_VERSION } })] };
  }
  const fromVersion = version;
  let current = document;
  while (version < CURRENT_SCHEMA_VERSION) {
    const step = Object.hasOwn(migrations, version) ? migrations[version] : undefined;
    if (!step) return { ok: false, issues: [issue('invalid_workflow', `no migration from workflow schemaVersion ${version} to ${version + 1}`, { details: { schemaVersion: version } })] };
    try {
      current = step(current);
    } catch (error) {
      return { ok: false, issues: [issue('invalid_workflow', `migrating the workflow from schemaVersion ${version} to ${version + 1} failed: ${thrownText(error)}`, { details: { schemaVersion: version } })] };
    }
    version++;
  }
  // Copy rather than mutate the caller's object; own-property writes keep odd keys plain.
  const result: PlainObject = {};
  for (const key of Object.keys(current)) setOwn(result, key, current[key]);
  setOwn(result, 'schemaVersion', CURRENT_SCHEMA_VERSION);
  return { ok: true, document: result, fromVersion };
}
