/**
 * The JSON Schemas we publish, generated from the zod schemas (the one source of each shape):
 * both workflow formats, node descriptions and validation results. `switchyard schemas --out
 * <dir>` writes them; docs/schemas/ holds the committed copies a test keeps current.
 */
import { z } from 'zod';
import { workflowJsonSchemas } from '../graph/json-schema.js';
import { nodeDescriptionJsonSchema } from '../nodes/description-schema.js';
import { NodeErrorsSchema, ValidationIssueSchema } from '../validate/issues.js';

const ValidationReportSchema = z.object({
  valid: z.boolean(),
  format: z.enum(['api', 'saved']).optional(),
  node_errors: z.record(z.string(), NodeErrorsSchema),
  errors: z.array(ValidationIssueSchema),
});

export function publishedSchemas(): Record<string, Record<string, unknown>> {
  const workflows = workflowJsonSchemas();
  return {
    'workflow-api.schema.json': workflows.api,
    'workflow-saved.schema.json': workflows.saved,
    'node-description.schema.json': nodeDescriptionJsonSchema(),
    'validation-report.schema.json': z.toJSONSchema(ValidationReportSchema) as Record<string, unknown>,
  };
}
