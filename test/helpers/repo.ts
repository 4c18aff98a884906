/** The repository root, resolved from the compiled test's location (dist/test/helpers → repo). */
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
