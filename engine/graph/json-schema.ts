/**
 * JSON Schemas (draft 2020-12) of the two workflow file formats, generated from the zod
 * schemas so there is one source of truth. Editors and other tools use them to check files;
 * they describe the input side (fields with defaults are optional).
 */
import { z } from 'zod';
import { ApiWorkflowSchema } from './api-format.js';
import { SavedWorkflowSchema } from './saved-format.js';

export interface WorkflowJsonSchemas {
  /** Our API format `{schemaVersion, nodes: {id: {type, inputs, version?, title?}}}`. */
  api: Record<string, unknown>;
  /** The saved (editor) format, versions 0.4 and 1. */
  saved: Record<string, unknown>;
}

let cached: WorkflowJsonSchemas | undefined;

function generate(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    // zod leaves a tuple-with-rest's length open; every tuple element here is required.
    override: ({ jsonSchema }) => {
      if (Array.isArray(jsonSchema.prefixItems) && jsonSchema.minItems === undefined) jsonSchema.minItems = jsonSchema.prefixItems.length;
    },
  }) as Record<string, unknown>;
  return { ...json, $id: id, title };
}

/** The schemas; generated once, then shared (callers must not mutate them). */
export function workflowJsonSchemas(): WorkflowJsonSchemas {
  cached ??= {
    api: generate(ApiWorkflowSchema, 'https://switchyard.dev/schemas/workflow-api.json', 'Switchyard API workflow'),
    saved: generate(SavedWorkflowSchema, 'https://switchyard.dev/schemas/workflow-saved.json', 'Switchyard / ComfyUI saved workflow'),
  };
  return cached;
}
