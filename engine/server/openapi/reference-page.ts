/**
 * The readable API reference (`GET /api/docs`): the OpenAPI document rendered server-side as
 * one self-contained HTML page (no scripts, no external resources), grouped by tag. Each
 * operation shows its method and path, summary, parameters, the top-level fields of its
 * request body and its answers.
 */
import type { OpenApiDocument } from './document.js';
import type { JsonSchema } from './json-schema.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Inline `code` in descriptions (the only markdown the descriptions use). */
function prose(text: string | undefined): string {
  if (!text) return '';
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** A short type label: `string`, `integer ≥ 0`, `"a" | "b"`, `array of object`… */
export function typeLabel(schema: JsonSchema | undefined, depth = 0): string {
  if (!schema || Object.keys(schema).length === 0) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) return depth > 2 ? 'one of several' : [...new Set(union.flatMap((s) => typeLabel(s, depth + 1).split(' | ')))].join(' | ');
  const type = Array.isArray(schema.type) ? (schema.type as string[]).join(' | ') : (schema.type as string | undefined);
  if (type === 'array') return `array of ${depth > 2 ? '…' : typeLabel(schema.items as JsonSchema | undefined, depth + 1)}`;
  if (type === 'object' && schema.properties) {
    const names = Object.keys(schema.properties as object);
    return names.length === 0 ? 'object' : `object {${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}}`;
  }
  const bounds: string[] = [];
  // zod's integers carry the safe-integer range as bounds: noise, not a limit worth showing.
  if (typeof schema.minimum === 'number' && schema.minimum > Number.MIN_SAFE_INTEGER) bounds.push(`≥ ${schema.minimum}`);
  if (typeof schema.maximum === 'number' && schema.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${schema.maximum}`);
  if (typeof schema.maxLength === 'number') bounds.push(`≤ ${schema.maxLength} chars`);
  return [type ?? 'any', ...bounds].join(' ');
}

/** What rendering needs besides an operation: the shared shapes and the shared answers' descriptions. */
interface Refs {
  schemas: Record<string, JsonSchema>;
  answers: Record<string, string>;
}

/** A `$ref` to a component, followed once (so a body that is a named shape still shows its fields). */
function deref(schema: JsonSchema | undefined, refs: Refs): JsonSchema | undefined {
  if (typeof schema?.$ref !== 'string') return schema;
  return refs.schemas[schema.$ref.split('/').pop()!] ?? schema;
}

/** The type label, with component names linked to their entry under "Schemas" (not inside quoted enum values). */
function typeHtml(schema: JsonSchema | undefined, refs: Refs): string {
  return escapeHtml(typeLabel(schema)).replace(/(?<!&quot;)\b([A-Z][A-Za-z0-9_]*)\b(?!&quot;)/g, (name) => (Object.hasOwn(refs.schemas, name) ? `<a href="#schema-${name}">${name}</a>` : name));
}

function fieldsTable(raw: JsonSchema | undefined, refs: Refs): string {
  const schema = deref(raw, refs);
  const properties = schema?.properties as Record<string, JsonSchema> | undefined;
  if (!properties || Object.keys(properties).length === 0) return raw ? `<p class="type">${typeHtml(raw, refs)}</p>` : '';
  const required = new Set((schema!.required ?? []) as string[]);
  const rows = Object.entries(properties).map(([name, property]) => `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${typeHtml(property, refs)}</td><td>${prose(property.description as string | undefined)}</td></tr>`);
  const named = raw !== schema ? `<p class="type">${typeHtml(raw, refs)}</p>` : '';
  return `${named}<table><thead><tr><th>field</th><th>type</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function operationHtml(method: string, path: string, op: Record<string, unknown>, refs: Refs): string {
  const parts: string[] = [];
  const anchor = escapeHtml(String(op.operationId));
  parts.push(`<section class="op" id="${anchor}"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`);
  parts.push(`<p>${prose(op.summary as string)}</p>`);
  if (op.description) parts.push(`<p class="desc">${prose(op.description as string)}</p>`);
  if (Array.isArray(op.security) && op.security.length === 1 && Object.keys(op.security[0] as object).length === 0) parts.push('<p class="desc">No token needed.</p>');
  const params = (op.parameters ?? []) as Record<string, unknown>[];
  if (params.length > 0) {
    const rows = params.map((p) => `<tr><td><code>${escapeHtml(String(p.name))}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${escapeHtml(String(p.in))}</td><td>${typeHtml(p.schema as JsonSchema, refs)}</td><td>${prose(p.description as string | undefined)}</td></tr>`);
    parts.push(`<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  const body = op.requestBody as { content: Record<string, { schema?: JsonSchema }> } | undefined;
  if (body) {
    for (const [type, media] of Object.entries(body.content)) parts.push(`<h4>Body <small>${escapeHtml(type)}</small></h4>${fieldsTable(media.schema, refs)}`);
  }
  const answers = Object.entries(op.responses as Record<string, Record<string, unknown>>).map(([status, answer]) => {
    if (typeof answer.$ref === 'string') return `<li><strong>${escapeHtml(status)}</strong> ${prose(refs.answers[answer.$ref.split('/').pop()!] ?? '')}</li>`;
    const content = Object.entries((answer.content ?? {}) as Record<string, { schema?: JsonSchema }>);
    const shape = content.map(([type, media]) => (media.schema ? ` — ${typeHtml(media.schema, refs)}` : type === 'application/json' ? '' : ` — <small>${escapeHtml(type)}</small>`)).join('');
    return `<li><strong>${escapeHtml(status)}</strong> ${prose(answer.description as string)}${shape}</li>`;
  });
  parts.push(`<h4>Answers</h4><ul class="answers">${answers.join('')}</ul></section>`);
  return parts.join('');
}

function schemaHtml(name: string, schema: JsonSchema, refs: Refs): string {
  const description = typeof schema.description === 'string' ? `<p class="desc">${prose(schema.description)}</p>` : '';
  return `<section class="op" id="schema-${escapeHtml(name)}"><h3><code>${escapeHtml(name)}</code></h3>${description}${fieldsTable(schema, refs)}</section>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;background:#fff;margin:0}
main{max-width:980px;margin:0 auto;padding:24px}
nav{background:#f3f5f7;padding:12px 24px;border-bottom:1px solid #d0d7de}
nav a{margin-right:14px;color:#0b57d0}
h1{margin-top:0}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:40px}
.op{border:1px solid #d0d7de;border-radius:6px;padding:8px 16px;margin:14px 0}
.op h3{margin:6px 0;font-size:16px}
.method{display:inline-block;min-width:58px;text-align:center;border-radius:4px;padding:1px 6px;color:#fff;font-size:13px}
.get{background:#0b6e3d}.post{background:#0b57d0}.put{background:#8a4b00}.patch{background:#6f42c1}.delete{background:#b3261e}
code{background:#f3f5f7;padding:1px 4px;border-radius:3px;font-size:13px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f3f5f7}.req{color:#b3261e;font-size:12px}.desc{color:#3d444d}.answers{margin:4px 0}
@media (max-width:600px){main{padding:12px}table{font-size:12px}}
`;

export interface ReferencePageOptions {
  /** Where the page links the JSON document (`/openapi.json` when served; a relative name in docs/api). */
  documentHref?: string;
}

export function referencePage(doc: OpenApiDocument, options: ReferencePageOptions = {}): string {
  const documentHref = escapeHtml(options.documentHref ?? '/openapi.json');
  const info = doc.info as { title: string; version: string; description: string };
  const tags = doc.tags as { name: string; description: string }[];
  const shared = (doc.components.responses ?? {}) as Record<string, { description: string }>;
  const refs: Refs = { schemas: doc.components.schemas, answers: Object.fromEntries(Object.entries(shared).map(([name, answer]) => [name, answer.description])) };
  const byTag = new Map<string, string[]>(tags.map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = ((op.tags as string[] | undefined) ?? ['other'])[0]!;
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(operationHtml(method, path, op, refs));
    }
  }
  const sections = [...byTag].map(([name, ops]) => `<h2 id="tag-${escapeHtml(name)}">${escapeHtml(name)}</h2><p>${prose(tags.find((t) => t.name === name)?.description)}</p>${ops.join('')}`);
  const schemas = Object.entries(refs.schemas).map(([name, schema]) => schemaHtml(name, schema, refs));
  const nav = [...byTag.keys()].map((name) => `<a href="#tag-${escapeHtml(name)}">${escapeHtml(name)}</a>`).join('');
  const intro = info.description.split('\n\n').map((para) => `<p>${prose(para)}</p>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(info.title)} ${escapeHtml(info.version)}</title><style>${STYLE}</style></head><body><nav aria-label="Sections">${nav}<a href="#schemas">schemas</a><a href="${documentHref}">openapi.json</a></nav><main><h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>${intro}${sections.join('')}<h2 id="schemas">Schemas</h2><p>Shapes several operations share (<code>…Input</code>: as a request, where fields with defaults may be left out).</p>${schemas.join('')}</main></body></html>`;
}
