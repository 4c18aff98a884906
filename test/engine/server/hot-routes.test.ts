/**
 * The submission routes are answered by a pre-router ahead of express (engine/server/http/
 * hot-routes.ts). The same routes reached through express — a trailing slash, a
 * percent-encoded workflow name, which the pre-router leaves to it — must answer exactly the
 * same for everything a client can send: a good submission, bad JSON, nesting too deep, a body
 * over the limit, an invalid workflow, a cross-site origin, a missing or wrong token, a rate
 * limit, a server shutting down; and both count into the same metrics series.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const TOKEN = 'hot-routes-token';

/** A small workflow of core nodes (what every install has). */
function workflow(seed: number): Record<string, unknown> {
  return {
    schemaVersion: 1,
    nodes: {
      '1': { type: 'core.int', inputs: { value: seed } },
      '2': { type: 'core.int_math', inputs: { a: ['1', 0], b: 3, operation: 'add' } },
      '3': { type: 'core.format', inputs: { template: '{a}', a: ['2', 0] } },
      '4': { type: 'core.show_text', inputs: { value: ['3', 0] } },
    },
  };
}

/** The same workflow as ComfyUI's API format (`class_type`; our type ids are accepted there). */
function prompt(seed: number): Record<string, unknown> {
  const nodes = workflow(seed).nodes as Record<string, { type: string; inputs: unknown }>;
  return Object.fromEntries(Object.entries(nodes).map(([id, node]) => [id, { class_type: node.type, inputs: node.inputs }]));
}

/** Each route as the pre-router takes it, and as only express takes it. */
const ROUTES = [
  { name: 'runs', hot: '/api/runs', routed: '/api/runs/', body: (seed: number) => ({ workflow: workflow(seed) }), bad: { workflow: { schemaVersion: 1, nodes: { '1': { type: 'no.such_node', inputs: {} } } } } },
  { name: 'prompt', hot: '/prompt', routed: '/prompt/', body: (seed: number) => ({ prompt: prompt(seed) }), bad: { prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } } } },
  { name: 'api prompt', hot: '/api/prompt', routed: '/api/prompt/', body: (seed: number) => ({ prompt: prompt(seed) }), bad: { prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } } } },
  { name: 'saved run', hot: '/api/workflows/hot/chain/run', routed: '/api/workflows/hot%2Fchain/run', body: () => ({}), bad: { params: { '9.value': 1 } } },
];

interface Answer {
  status: number;
  code: unknown;
  contentType: string | null;
  nosniff: string | null;
  referrer: string | null;
  location: boolean;
  retryAfter: string | null;
  authenticate: string | null;
  keys: string[];
}

interface Init {
  /** Sent as is when a string or bytes, else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

async function answer(server: TestServer, path: string, init: Init): Promise<Answer> {
  const body = typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : JSON.stringify(init.body);
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body });
  const text = await response.text();
  const parsed = (response.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as { error?: { code?: unknown; type?: unknown } }) : text;
  const error = typeof parsed === 'object' ? parsed.error : undefined;
  return {
    status: response.status,
    code: error?.code ?? error?.type,
    contentType: response.headers.get('content-type'),
    nosniff: response.headers.get('x-content-type-options'),
    referrer: response.headers.get('referrer-policy'),
    location: response.headers.get('location')?.startsWith('/api/runs/') ?? false,
    retryAfter: response.headers.get('retry-after') === null ? null : 'set',
    authenticate: response.headers.get('www-authenticate'),
    keys: typeof parsed === 'object' ? Object.keys(parsed).sort() : [],
  };
}

async function saveWorkflow(server: TestServer, headers: Record<string, string> = {}): Promise<void> {
  const saved = await server.request('/api/workflows/hot/chain', { method: 'PUT', body: workflow(1), headers });
  assert.ok(saved.status === 201 || saved.status === 200, saved.text);
}

test('each submission route answers the same through the pre-router and through express, for good and bad requests alike', async () => {
  const server = await startTestServer({ submitRatePerSecond: 0, jsonLimitBytes: 4096 });
  try {
    await saveWorkflow(server);
    let seed = 10;
    const good = (status: number) => status === 200 || status === 202;
    const refused = (status: number) => status >= 400 && status < 500;
    const cases: Array<{ what: string; init: (route: (typeof ROUTES)[number]) => Init; expect?: (status: number) => boolean }> = [
      { what: 'a good submission', init: (route) => ({ body: route.body(seed++) }), expect: good },
      { what: 'invalid JSON', init: () => ({ body: '{"workflow": ' }), expect: refused },
      { what: 'nesting too deep', init: () => ({ body: `{"params": ${'['.repeat(300)}${']'.repeat(300)}}` }), expect: refused },
      { what: 'a body over the limit', init: () => ({ body: JSON.stringify({ pad: 'x'.repeat(5000) }) }), expect: refused },
      { what: 'an invalid workflow', init: (route) => ({ body: route.bad }), expect: refused },
      { what: 'a cross-site origin', init: (route) => ({ body: route.body(seed++), headers: { origin: 'https://elsewhere.example' } }), expect: refused },
      { what: 'invalid UTF-8', init: () => ({ body: Buffer.concat([Buffer.from('{"params": {"a": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]) }), expect: refused },
      // Not parsed as JSON: each route answers what its handler makes of no body.
      { what: 'a non-JSON content type', init: () => ({ body: 'workflow', headers: { 'content-type': 'text/plain' } }) },
    ];
    for (const route of ROUTES) {
      for (const { what, init, expect } of cases) {
        const hot = await answer(server, route.hot, init(route));
        const routed = await answer(server, route.routed, init(route));
        assert.deepEqual(hot, routed, `${route.name}: ${what}`);
        assert.equal(hot.nosniff, 'nosniff', `${route.name}: ${what}`);
        if (expect) assert.ok(expect(hot.status), `${route.name}: ${what} answered ${hot.status} ${String(hot.code)}`);
      }
    }
    // While shutting down, every submission is refused with 503 `unavailable`.
    server.server.ctx.closing = true;
    for (const route of ROUTES) {
      const hot = await answer(server, route.hot, { body: route.body(seed++) });
      const routed = await answer(server, route.routed, { body: route.body(seed++) });
      assert.deepEqual(hot, routed, `${route.name}: shutting down`);
      assert.equal(hot.status, 503, route.name);
      assert.equal(hot.code, 'unavailable', route.name);
    }
    server.server.ctx.closing = false;
  } finally {
    await server.dispose();
  }
});

test('with a token required, the pre-router refuses a missing or wrong token as express does, and takes the right one', async () => {
  const server = await startTestServer({ token: TOKEN, submitRatePerSecond: 0 });
  try {
    const auth = { authorization: `Bearer ${TOKEN}` };
    await saveWorkflow(server, auth);
    let seed = 100;
    for (const route of ROUTES) {
      const headerSets: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token' }, { 'x-api-key': TOKEN }];
      for (const headers of headerSets) {
        const hot = await answer(server, route.hot, { body: route.body(seed++), headers });
        const routed = await answer(server, route.routed, { body: route.body(seed++), headers });
        assert.deepEqual(hot, routed, `${route.name}: ${JSON.stringify(headers)}`);
      }
      const missing = await answer(server, route.hot, { body: route.body(seed++) });
      assert.equal(missing.status, 401, route.name);
      assert.equal(missing.code, 'unauthorized', route.name);
      const ok = await answer(server, `${route.hot}?token=${TOKEN}`, { body: route.body(seed++) });
      assert.ok(ok.status === 200 || ok.status === 202, `${route.name}: ${ok.status}`);
    }
  } finally {
    await server.dispose();
  }
});

test('rate limits apply on the pre-router as in express: 429 with Retry-After, in each route group shape', async () => {
  const server = await startTestServer({ submitRatePerSecond: 0.001, submitBurst: 1 });
  try {
    await saveWorkflow(server);
    // One bucket per client address for all submission routes: the first takes the only token.
    const first = await answer(server, '/api/runs', { body: ROUTES[0]!.body(1) });
    assert.equal(first.status, 202);
    for (const route of ROUTES) {
      const hot = await answer(server, route.hot, { body: route.body(2) });
      const routed = await answer(server, route.routed, { body: route.body(2) });
      assert.deepEqual(hot, routed, route.name);
      assert.equal(hot.status, 429, route.name);
      assert.equal(hot.code, 'rate_limited', route.name);
      assert.equal(hot.retryAfter, 'set', route.name);
    }
  } finally {
    await server.dispose();
  }
});

test('submissions through the pre-router are counted under the route pattern, in the same series as through express', async () => {
  const server = await startTestServer({ submitRatePerSecond: 0 });
  try {
    await saveWorkflow(server);
    for (const route of ROUTES) {
      await answer(server, route.hot, { body: route.body(1) });
      await answer(server, route.routed, { body: route.body(2) });
    }
    const metrics = await server.request('/api/metrics');
    const byRoute = metrics.body.http.byRoute as Array<{ method: string; route: string; status: number; count: number }>;
    const count = (route: string, status: number) => byRoute.find((r) => r.method === 'POST' && r.route === route && r.status === status)?.count;
    assert.equal(count('/api/runs', 202), 2);
    assert.equal(count('/prompt,/api/prompt', 200), 4);
    assert.equal(count('/api/workflows/*name', 202), 2);
  } finally {
    await server.dispose();
  }
});
