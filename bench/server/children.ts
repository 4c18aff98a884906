/**
 * The processes the server benchmark measures, each started as a child so the load generator
 * does not share its event loop: `switchyard` (the real server, persistence on, rate limit
 * off) and `bare` (express 5 + express.json + a zod check of the same workflow, nothing else —
 * the reference a submission route is compared with). Each prints `READY <url>` when listening.
 */
import express from 'express';
import { createLogger } from '../../engine/log/logger.js';
import { ApiWorkflowSchema } from '../../engine/graph/api-format.js';
import { resolveServerConfig } from '../../engine/server/config.js';
import { startServer } from '../../engine/server/server.js';

const [mode, dataDir] = process.argv.slice(2);

if (mode === 'bare') {
  const app = express();
  app.use(express.json({ limit: '32mb' }));
  const Body = ApiWorkflowSchema.or(ApiWorkflowSchema.shape.nodes);
  app.post('/api/runs', (req, res) => {
    const parsed = Body.safeParse((req.body as { workflow?: unknown }).workflow);
    if (!parsed.success) res.status(400).json({ error: parsed.error.issues.length });
    else res.status(202).json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`READY http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
  });
} else if (mode === 'switchyard') {
  const config = resolveServerConfig({ host: '127.0.0.1', port: 0, dataDir: dataDir!, submitRatePerSecond: 0 }, {});
  const server = await startServer({ config, log: createLogger({ level: 'silent' }), engine: { packsDirs: [], nodeModulesDirs: [] } });
  process.stdout.write(`READY ${server.url}\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  process.stderr.write('usage: children.js bare | switchyard <dataDir>\n');
  process.exit(2);
}
