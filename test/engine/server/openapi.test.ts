/**
 * The OpenAPI document and the reference pages against a real server: the document has the
 * structure of OpenAPI 3.1 (checked with ajv against the essentials), every `$ref` resolves and
 * every schema compiles; the routes it lists are exactly the routes the app mounts (walked from
 * the express router), each of them answers at its documented method and path with a
 * documented status, and the routes the API promises are all there; real answers validate
 * against their documented schemas; `/openapi.json` revalidates with its ETag and compresses;
 * `/api/docs` lists every path and `/` links to it, readable without the token the rest needs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { TestServer } from '../../helpers/server.js';
import { editorBuildPresent } from '../../../engine/server/openapi/landing-page.js';
import { startTestServer } from '../../helpers/server.js';
import { createApp } from '../../../engine/server/app.js';
import { OPERATIONS, expressPaths } from '../../../engine/server/openapi/operations.js';
import { openApiDocument } from '../../../engine/server/openapi/document.js';
import { LEGACY_ROUTES } from '../../../engine/server/legacy/routes.js';
import { exampleWorkflow, runWorkflow } from './ops-harness.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.dispose());

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** What the OpenAPI 3.1 specification requires of the parts this document uses. */
const OPENAPI_ESSENTIALS = {
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } } },
    tags: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, description: { type: 'string' } } } },
    security: { $ref: '#/$defs/security' },
    paths: { type: 'object', minProperties: 1, propertyNames: { pattern: '^/' }, additionalProperties: { $ref: '#/$defs/pathItem' } },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object', additionalProperties: { type: ['object', 'boolean'] } },
        responses: { type: 'object', additionalProperties: { $ref: '#/$defs/response' } },
        securitySchemes: { type: 'object', additionalProperties: { $ref: '#/$defs/securityScheme' } },
      },
    },
  },
  $defs: {
    security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
    pathItem: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: [...METHODS, 'summary', 'description', 'parameters', 'servers'] },
      patternProperties: { '^(get|put|post|delete|patch|head|options|trace)$': { $ref: '#/$defs/operation' } },
    },
    operation: {
      type: 'object',
      required: ['operationId', 'summary', 'tags', 'responses'],
      properties: {
        operationId: { type: 'string', minLength: 1 },
        summary: { type: 'string', minLength: 1 },
        tags: { type: 'array', minItems: 1, items: { type: 'string' } },
        parameters: { type: 'array', items: { $ref: '#/$defs/parameter' } },
        requestBody: { type: 'object', required: ['content'], properties: { required: { type: 'boolean' }, content: { $ref: '#/$defs/content' } } },
        responses: { type: 'object', minProperties: 1, propertyNames: { pattern: '^([1-5]\\d\\d|[1-5]XX|default)$' }, additionalProperties: { oneOf: [{ $ref: '#/$defs/reference' }, { $ref: '#/$defs/response' }] } },
        security: { $ref: '#/$defs/security' },
      },
    },
    parameter: {
      type: 'object',
      required: ['name', 'in', 'schema'],
      properties: { name: { type: 'string', minLength: 1 }, in: { enum: ['path', 'query', 'header', 'cookie'] }, required: { type: 'boolean' }, schema: { type: ['object', 'boolean'] } },
      // A path parameter must say it is required (OpenAPI 3.1, Parameter Object).
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
    },
    content: { type: 'object', minProperties: 1, additionalProperties: { type: 'object', properties: { schema: { type: ['object', 'boolean'] } } } },
    response: { type: 'object', required: ['description'], properties: { description: { type: 'string' }, content: { $ref: '#/$defs/content' } } },
    reference: { type: 'object', required: ['$ref'], additionalProperties: false, properties: { $ref: { type: 'string', pattern: '^#/' } } },
    securityScheme: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] } },
      allOf: [
        { if: { properties: { type: { const: 'apiKey' } } }, then: { required: ['name', 'in'], properties: { in: { enum: ['query', 'header', 'cookie'] } } } },
        { if: { properties: { type: { const: 'http' } } }, then: { required: ['scheme'] } },
      ],
    },
  },
};

function pointer(...parts: string[]): string {
  return `openapi#/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function collectRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') out.push(inner);
      else collectRefs(inner, out);
    }
  }
  return out;
}

function resolve(doc: unknown, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), `only local refs: ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    assert.ok(node !== null && typeof node === 'object' && Object.hasOwn(node, key), `${ref} does not resolve`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

test('the document is OpenAPI 3.1: operations with answers, unique ids, every $ref resolves, every schema compiles', async () => {
  const { status, body } = await server.request('/openapi.json');
  assert.equal(status, 200);
  assert.equal(body.openapi, '3.1.0');
  assert.equal(typeof body.info.title, 'string');
  assert.equal(typeof body.info.version, 'string');
  const essentials = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true }).compile(OPENAPI_ESSENTIALS);
  assert.ok(essentials(body as unknown), JSON.stringify(essentials.errors?.slice(0, 5), null, 2));
  const schemes = Object.keys(body.components.securitySchemes);
  for (const requirement of [...body.security, ...Object.values(body.paths as Record<string, Record<string, any>>).flatMap((item) => Object.values(item).flatMap((op) => op.security ?? []))]) {
    for (const name of Object.keys(requirement)) assert.ok(schemes.includes(name), `security requirement ${name} names no scheme`);
  }
  const ids = new Set<string>();
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(body, 'openapi');
  for (const [path, item] of Object.entries(body.paths as Record<string, Record<string, any>>)) {
    assert.ok(path.startsWith('/'), path);
    const operations = Object.entries(item).filter(([method]) => METHODS.includes(method));
    assert.ok(operations.length > 0, `${path} has no operation`);
    for (const [method, op] of operations) {
      assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} has no answers`);
      for (const name of path.match(/\{([^}]+)\}/g) ?? []) {
        assert.ok(op.parameters?.some((p: { name: string; in: string }) => p.in === 'path' && `{${p.name}}` === name), `${method} ${path}: ${name} is not documented`);
      }
      for (const index of (op.parameters ?? []).keys()) ajv.getSchema(pointer('paths', path, method, 'parameters', String(index), 'schema'));
      for (const type of Object.keys(op.requestBody?.content ?? {})) {
        if (op.requestBody.content[type].schema) assert.ok(ajv.getSchema(pointer('paths', path, method, 'requestBody', 'content', type, 'schema')), `${method} ${path} body`);
      }
    }
  }
  for (const name of Object.keys(body.components.schemas)) assert.ok(ajv.getSchema(pointer('components', 'schemas', name)), name);
  for (const ref of collectRefs(body)) resolve(body, ref);
});

/** Every (method, express path) the app mounts, walked from its router. */
function mountedRoutes(): Set<string> {
  const app = createApp(server.server.ctx) as unknown as { router: { stack: unknown[] } };
  const found = new Set<string>();
  const walk = (stack: unknown[]) => {
    for (const layer of stack as { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) for (const method of Object.keys(layer.route.methods)) if (method !== '_all') found.add(`${method} ${String(path)}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return found;
}

test('the document lists exactly the routes the app mounts', () => {
  const mounted = mountedRoutes();
  const documented = new Set(OPERATIONS.flatMap((op) => expressPaths(op).map((path) => `${op.method} ${path}`)));
  const undocumented = [...mounted].filter((route) => !documented.has(route));
  const phantom = [...documented].filter((route) => !mounted.has(route));
  assert.deepEqual(undocumented, [], 'mounted but not documented');
  assert.deepEqual(phantom, [], 'documented but not mounted');
  // Each table entry appears in the served document.
  const doc = openApiDocument();
  for (const op of OPERATIONS) assert.ok(doc.paths[op.path]?.[op.method], `${op.method} ${op.path}`);
});

test('the routes the API promises are documented, with the error shape and the token', () => {
  const doc = openApiDocument();
  const promised = [
    'get /api/nodes', 'get /api/nodes/{type}', 'get /api/packs',
    'get /api/runs', 'post /api/runs', 'get /api/runs/{id}', 'delete /api/runs/{id}', 'post /api/interrupt',
    'get /api/workflows', 'get /api/workflows/{name}', 'put /api/workflows/{name}', 'delete /api/workflows/{name}', 'post /api/workflows/{name}/run',
    'post /api/uploads', 'get /api/outputs', 'get /api/outputs/{path}', 'get /api/inputs/{path}',
    'get /api/health', 'get /api/models', 'post /api/models/{id}/unload', 'post /api/models/unload-all',
    'get /api/metrics', 'get /metrics', 'get /api/logs', 'delete /api/logs', 'get /api/settings', 'put /api/settings',
    'get /openapi.json', 'get /api/docs', 'get /',
    'post /prompt', 'post /api/prompt', 'get /queue', 'get /history', 'get /history/{id}', 'post /interrupt', 'get /object_info', 'get /system_stats', 'get /view', 'post /upload/image',
    ...LEGACY_ROUTES.map((route) => `post ${route.path}`), 'get /models', 'get /api/dashboard/status',
  ];
  const missing = promised.filter((route) => {
    const [method, path] = route.split(' ') as [string, string];
    return doc.paths[path]?.[method] === undefined;
  });
  assert.deepEqual(missing, []);
  // Native errors point at the one error shape, whose codes are the stable ones.
  const error = doc.components.schemas.Error as any;
  assert.ok(error.properties.error.properties.code.enum.includes('invalid_workflow'));
  assert.deepEqual((doc.paths['/api/runs']!.post!.responses as any)['400'], { description: 'Invalid workflow: `details.node_errors` names every problem', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  assert.equal((doc.paths['/prompt']!.post!.responses as any)['400'].content['application/json'].schema.$ref, '#/components/schemas/ComfyError');
  assert.deepEqual(Object.keys(doc.components.securitySchemes as object).sort(), ['apiKeyHeader', 'bearerToken', 'tokenQuery']);
  assert.deepEqual(doc.paths['/']!.get!.security, [{}], 'the landing page needs no token');
});

/** A request that reaches each documented route: path parameters and required query filled in, `{}` as a JSON body. */
function probeUrl(op: (typeof OPERATIONS)[number]): string {
  const samples: Record<string, string> = { id: 'probe-id', type: 'NoSuchType', name: 'probe/none', path: 'probe/none.png', nodeClass: 'NoSuchNode', model: 'probe-model' };
  const path = op.path.replace(/\{([^}]+)\}/g, (_match, name: string) => samples[name] ?? 'probe');
  const query = new URLSearchParams();
  for (const [name, field] of Object.entries(op.query?.shape ?? {})) {
    if (!(field as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success) query.set(name, 'probe.png');
  }
  return query.size > 0 ? `${path}?${query}` : path;
}

test('every documented route answers at its method and path, with a documented status and shape', async () => {
  const doc = openApiDocument();
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(JSON.parse(JSON.stringify(doc)), 'openapi');
  const problems: string[] = [];
  for (const op of OPERATIONS) {
    const url = probeUrl(op);
    const answer = await server.request(url, { method: op.method.toUpperCase(), ...(op.method === 'get' || op.method === 'delete' ? {} : { body: {} }) });
    if (answer.status === 404 && /^no route for /.test(answer.body?.error?.message ?? '')) {
      problems.push(`${op.method} ${url}: not mounted`);
      continue;
    }
    const documented = Object.keys(doc.paths[op.path]![op.method]!.responses as object);
    if (!documented.includes(String(answer.status))) {
      problems.push(`${op.method} ${url}: ${answer.status} is not documented (${documented.join(', ')})`);
      continue;
    }
    // A JSON answer matches its documented schema (a shared answer's `$ref` followed).
    let where = ['paths', op.path, op.method, 'responses', String(answer.status)];
    const ref = (doc.paths[op.path]![op.method]!.responses as Record<string, { $ref?: string }>)[String(answer.status)]!.$ref;
    if (ref) where = ref.slice(2).split('/');
    const validate = ajv.getSchema(pointer(...where, 'content', 'application/json', 'schema'));
    if (validate && typeof answer.body === 'object' && !validate(answer.body)) problems.push(`${op.method} ${url}: ${answer.status} answer does not match: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
  }
  assert.deepEqual(problems, []);
});

test('real answers validate against their documented schemas', async () => {
  const record = await runWorkflow(server, await exampleWorkflow('image-chain'));
  const doc = openApiDocument();
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(JSON.parse(JSON.stringify(doc)), 'openapi');
  const cases: [string, string, string][] = [
    ['/api/health', '/api/health', '200'],
    ['/api/runs', '/api/runs', '200'],
    [`/api/runs/${record.id}`, '/api/runs/{id}', '200'],
    ['/api/nodes', '/api/nodes', '200'],
    ['/api/settings', '/api/settings', '200'],
    ['/api/metrics', '/api/metrics', '200'],
    ['/api/logs', '/api/logs', '200'],
    ['/api/workflows', '/api/workflows', '200'],
    ['/api/models', '/api/models', '200'],
    ['/api/outputs', '/api/outputs', '200'],
    ['/api/dashboard/status', '/api/dashboard/status', '200'],
    ['/api/dashboard/results', '/api/dashboard/results', '200'],
    ['/models', '/models', '200'],
    ['/api/runs/no-such-run', '/api/runs/{id}', '404'],
  ];
  for (const [url, path, status] of cases) {
    const answer = await server.request(url);
    assert.equal(String(answer.status), status, url);
    const validate = ajv.getSchema(pointer('paths', path, 'get', 'responses', status, 'content', 'application/json', 'schema'));
    assert.ok(validate, `${path} ${status} has a schema`);
    assert.ok(validate(answer.body), `${url}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  const submitted = await server.request('/api/runs', { body: { workflow: await exampleWorkflow('text-math') } });
  const validate = ajv.getSchema(pointer('paths', '/api/runs', 'post', 'responses', '202', 'content', 'application/json', 'schema'))!;
  assert.ok(validate(submitted.body), JSON.stringify(validate.errors));
});

test('/openapi.json carries an ETag, answers 304 to it, and compresses', async () => {
  const first = await server.request('/openapi.json');
  const etag = first.headers.get('etag');
  assert.ok(etag);
  assert.deepEqual(first.body, JSON.parse(JSON.stringify(openApiDocument())), 'the served document is the generated one');
  const again = await fetch(`${server.url}/openapi.json`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  // A stale or malformed validator gets the whole document again.
  for (const stale of ['"not-the-etag"', 'garbage, W/""']) {
    const full = await server.request('/openapi.json', { headers: { 'if-none-match': stale } });
    assert.equal(full.status, 200, stale);
    assert.equal(full.body.openapi, '3.1.0');
  }
  const gzip = await fetch(`${server.url}/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gzip.headers.get('content-encoding'), 'gzip');
  assert.equal(((await gzip.json()) as { openapi: string }).openapi, '3.1.0');
  // Read-only: other methods are not routes.
  const post = await server.request('/openapi.json', { method: 'POST', body: {} });
  assert.equal(post.status, 404);
  assert.equal(post.body.error.code, 'not_found');
});

test('/api/docs is a self-contained page listing every path; / is the editor, or a landing page linking to it', async () => {
  const docs = await server.request('/api/docs');
  assert.equal(docs.status, 200);
  assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
  assert.doesNotMatch(docs.text, /<script|https?:\/\/(?!json-schema)/i, 'no scripts, no external resources');
  for (const path of Object.keys(openApiDocument().paths)) {
    const shown = path.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    assert.ok(docs.text.includes(`<code>${shown}</code>`), `${path} is on the page`);
  }
  for (const name of Object.keys(openApiDocument().components.schemas)) assert.ok(docs.text.includes(`id="schema-${name}"`), `schema ${name} is on the page`);
  const landing = await server.request('/');
  assert.equal(landing.status, 200);
  assert.match(landing.headers.get('content-type') ?? '', /text\/html/);
  if (editorBuildPresent()) {
    assert.match(landing.text, /id="switchyard-data-types"/, 'with the editor built (the set-up builds it), / is the editor');
  } else {
    for (const link of ['/api/docs', '/openapi.json', '/api/health']) assert.ok(landing.text.includes(`href="${link}"`), link);
    assert.doesNotMatch(landing.text, /<script|https?:\/\//i);
  }
});

test('with a token required, the landing page stays open and the reference needs the token', async (t) => {
  const token = 'openapi-test-token';
  const guarded = await startTestServer({ token });
  t.after(() => guarded.dispose());
  assert.equal((await guarded.request('/')).status, 200);
  const refused = await guarded.request('/openapi.json');
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, 'unauthorized');
  assert.equal((await guarded.request('/api/docs', { headers: { authorization: 'Bearer wrong-token-value' } })).status, 401);
  for (const headers of [{ authorization: `Bearer ${token}` }, { 'x-api-key': token }] as Record<string, string>[]) {
    assert.equal((await guarded.request('/openapi.json', { headers })).status, 200);
  }
  assert.equal((await guarded.request(`/api/docs?token=${token}`)).status, 200);
});
