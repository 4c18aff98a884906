/**
 * zod at the edge: route inputs (bodies, params, queries) are parsed here and a failure becomes
 * one `invalid_input` error listing every problem with its path.
 */
import type { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import { zodMessages } from '../../graph/untrusted.js';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = zodMessages(parsed.error, where);
  throw new SwitchyardError('invalid_input', `invalid ${where}: ${problems.join('; ')}`, { problems });
}
