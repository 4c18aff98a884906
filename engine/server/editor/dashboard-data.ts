/**
 * What the dashboard page carries inline, so it draws its settings form without an extra
 * request: the JSON Schema of the settings (types, ranges, enums, descriptions), generated
 * from the one zod schema the server validates `PUT /api/settings` with.
 */
import { z } from 'zod';
import { SettingsSchema } from '../../store/settings-store.js';

export type JsonSchemaObject = Record<string, unknown>;

let cached: JsonSchemaObject | undefined;

/** The settings' JSON Schema (draft 2020-12), built once per process. */
export function settingsJsonSchema(): JsonSchemaObject {
  if (cached) return cached;
  const schema = z.toJSONSchema(SettingsSchema, { target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchemaObject;
  delete schema.$schema;
  cached = schema;
  return schema;
}
