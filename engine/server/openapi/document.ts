/**
 * The OpenAPI 3.1 document of the whole HTTP surface, built from the operations table and the
 * zod schemas it names (one source per wire shape). Built once per process; served at
 * `/openapi.json`, rendered at `/api/docs`, and committed in docs/api/ by `switchyard openapi`
 * (a test keeps that copy current).
 */
import { ERROR_CODES } from '../../errors.js';
import { ENGINE_VERSION } from '../../version.js';
import { ErrorBodySchema } from '../http/errors.js';
import { isPublicPath } from '../security/auth.js';
import { ComfyValidationFailureSchema } from '../comfy/node-errors.js';
import { OPERATIONS, TAGS, type Operation } from './operations.js';
import { schemaSink, toJsonSchema, type JsonSchema, type SchemaSink } from './json-schema.js';

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema> } & Record<string, unknown>;
};

function operationId(op: Operation): string {
  const words = `${op.method} ${op.path}`.replace(/[{}]/g, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}

function parameters(op: Operation, sink: SchemaSink, id: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
    if (!schema) continue;
    const json = toJsonSchema(schema, 'input', `${id}_${where}`, sink);
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === 'path' ? true : required.has(name),
        ...(description !== undefined ? { description } : {}),
        schema: rest,
        // Rest parameters carry slashes as they are (/api/workflows/basics/image-chain).
        ...(where === 'path' && name === op.rest ? { allowReserved: true } : {}),
      });
    }
  }
  return out;
}

function requestBody(op: Operation, sink: SchemaSink, id: string): Record<string, unknown> | undefined {
  const content: Record<string, unknown> = {};
  if (op.body) content['application/json'] = { schema: toJsonSchema(op.body, 'input', `${id}_body`, sink) };
  if (op.multipart) content['multipart/form-data'] = { schema: toJsonSchema(op.multipart, 'input', `${id}_form`, sink) };
  if (Object.keys(content).length === 0) return undefined;
  return { required: op.method !== 'post' || op.body !== undefined, content };
}

/** Answers many routes share (components/responses), with their stable error code. */
const SHARED_ANSWERS = {
  Unauthorized: '`unauthorized`: the token is missing or wrong (only when a token is required)',
  Forbidden: '`forbidden`: a cross-site request from an origin that is not allowed',
  PayloadTooLarge: '`payload_too_large`: the body is over the limit',
  RateLimited: '`rate_limited`: too many submissions from this client; see Retry-After',
  ShuttingDown: '`unavailable`: the server is shutting down and takes no new runs',
} as const;

function errorAnswer(description: string, schema: 'Error' | 'ComfyError'): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } };
}

function responses(op: Operation, sink: SchemaSink, id: string): Record<string, unknown> {
  // ComfyUI's routes answer their own failures in ComfyUI's shape (comfy/errors.ts).
  const errorShape = op.tag === 'comfyui' ? 'ComfyError' : 'Error';
  const out: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(op.responses)) {
    const code = Number(status);
    const entry: Record<string, unknown> = { description: answer.description };
    if (answer.contentType) entry.content = { [answer.contentType]: {} };
    else if (answer.schema) entry.content = { 'application/json': { schema: toJsonSchema(answer.schema, 'output', `${id}_${status}`, sink) } };
    else if (code >= 400) entry.content = errorAnswer(answer.description, errorShape).content;
    else if (code !== 204 && code !== 304) entry.content = { 'application/json': {} };
    out[status] = entry;
  }
  // What any route may answer besides its own cases. Refusals before the route (token, origin,
  // body size) are native everywhere; the rest are raised by the route's own middleware.
  if (!isPublicPath(op.path)) out['401'] ??= { $ref: '#/components/responses/Unauthorized' };
  // Only state-changing requests are checked for their Origin (security/origin.ts).
  if (op.method !== 'get') out['403'] ??= { $ref: '#/components/responses/Forbidden' };
  if (op.body || op.multipart) out['413'] ??= { $ref: '#/components/responses/PayloadTooLarge' };
  if (op.rateLimited) {
    const shared = (name: 'RateLimited' | 'ShuttingDown') => (errorShape === 'Error' ? { $ref: `#/components/responses/${name}` } : errorAnswer(SHARED_ANSWERS[name], errorShape));
    out['429'] ??= shared('RateLimited');
    // Submissions once shutdown began (ServerContext.closing).
    out['503'] ??= shared('ShuttingDown');
  }
  return out;
}

function build(): OpenApiDocument {
  const sink = schemaSink();
  sink.component('Error', toJsonSchema(ErrorBodySchema, 'output', 'Error', sink));
  sink.component('ComfyError', toJsonSchema(ComfyValidationFailureSchema, 'output', 'ComfyError', sink));
  const paths: OpenApiDocument['paths'] = {};
  for (const op of OPERATIONS) {
    const id = operationId(op);
    const entry: Record<string, unknown> = { operationId: id, tags: [op.tag], summary: op.summary };
    if (op.description) entry.description = op.description;
    // The editor's shell is readable without a token (it asks for the token itself).
    if (isPublicPath(op.path)) entry.security = [{}];
    const params = parameters(op, sink, id);
    if (params.length > 0) entry.parameters = params;
    const body = requestBody(op, sink, id);
    if (body) entry.requestBody = body;
    entry.responses = responses(op, sink, id);
    (paths[op.path] ??= {})[op.method] = entry;
  }
  const codes = Object.entries(ERROR_CODES).map(([code, { status }]) => `\`${code}\` (${status})`).join(', ');
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Switchyard HTTP API',
      version: ENGINE_VERSION,
      summary: 'Run node-graph workflows for generative AI over HTTP',
      description: [
        'Generated from the zod schemas the routes validate with. Live events: socket.io at `/socket.io` (see README), ComfyUI\'s WebSocket at `/ws?clientId=`.',
        '',
        `Every error answer is \`{"error": {"code", "message", "details"}}\`. Codes: ${codes}.`,
        '',
        'Authentication: a server with an API token (SWITCHYARD_TOKEN or `switchyard serve --token`) requires it on every request but the landing page; a server bound to a non-loopback address will not start without one unless SWITCHYARD_AUTH=off (`--no-auth`). On loopback without a token, none is needed. Send it as `Authorization: Bearer <token>`, as `X-API-Key`, or, where headers cannot be set (an `<img>` tag, a browser WebSocket), as `?token=`. A missing or wrong token answers 401 `unauthorized`.',
        '',
        'Cross-site browser requests that change state are refused (403 `forbidden`) unless their origin is the server\'s own or listed in SWITCHYARD_ALLOWED_ORIGINS.',
      ].join('\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: TAGS.map((tag) => ({ ...tag })),
    // No token when none is configured (the empty requirement); one of the three forms otherwise.
    security: [{}, { bearerToken: [] }, { apiKeyHeader: [] }, { tokenQuery: [] }],
    paths,
    components: {
      schemas: sink.components,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'The API token (SWITCHYARD_TOKEN), required when one is configured; a non-loopback server needs one unless SWITCHYARD_AUTH=off' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same token in a header of its own' },
        tokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'The same token as a query parameter, for clients that cannot set headers (img tags, browser WebSockets)' },
      },
      responses: Object.fromEntries(Object.entries(SHARED_ANSWERS).map(([name, description]) => [name, errorAnswer(description, 'Error')])),
    },
  };
}

let cached: OpenApiDocument | undefined;

/** The document; built once, then shared (callers must not mutate it). */
export function openApiDocument(): OpenApiDocument {
  cached ??= build();
  return cached;
}
