/**
 * The HTTP API reference as files: the OpenAPI 3.1 document (`openapi.json`, as the server
 * serves it at `/openapi.json`) and the readable page (`index.html`, as at `/api/docs`).
 * `switchyard openapi --out <dir>` writes them; docs/api/ holds the committed copies a test
 * keeps current.
 */
import { openApiDocument } from '../server/openapi/document.js';
import { referencePage } from '../server/openapi/reference-page.js';

/** File name → exact file content. */
export function apiReferenceFiles(): Record<string, string> {
  const document = openApiDocument();
  return {
    'openapi.json': `${JSON.stringify(document, null, 2)}\n`,
    // Next to openapi.json, so the page links it relatively.
    'index.html': `${referencePage(document, { documentHref: 'openapi.json' })}\n`,
  };
}
