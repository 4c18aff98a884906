/**
 * A separate Node process for the kill tests: opens the queue in the data folder given as
 * argv[3] and does what argv[2] says, reporting on stdout (one line per fact), until the test
 * kills it with SIGKILL.
 *   mid-run: submits a hold run (never released here) and a plain run behind it, starts, and
 *            prints `ready <holdId> <plainId>` once node 1 has finished and that is on disk.
 *   load:    submits batches of 25 forever, printing each acknowledged id.
 *   rapid:   64 submitters, each submitting one run after another forever and printing each id
 *            the moment it is acknowledged; the journal is compacted every 64 KiB, so kills
 *            land during compactions too.
 */
import { openQueue } from './queue-harness.js';
import { holdWorkflow, showWorkflow } from './queue-nodes.js';

const [mode, dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: queue-child <mid-run|load|rapid> <dataDir>');
// Keeps the process alive while runs wait on gates nobody opens.
setInterval(() => undefined, 60_000);

const { queue, store } = await openQueue(dataDir, mode === 'rapid' ? { compactBytes: 64 * 1024 } : {});
if (mode === 'mid-run') {
  const hold = await queue.submit({ workflow: holdWorkflow('child-never') });
  const plain = await queue.submit({ workflow: showWorkflow(42) });
  queue.on('run', (event) => {
    if (event.runId === hold.id && event.type === 'node_started' && event.nodeId === '2') {
      // Node 1's end was recorded lazily; make sure it is on disk before reporting.
      void store.commit().then(() => process.stdout.write(`ready ${hold.id} ${plain.id}\n`));
    }
  });
  await queue.start();
} else if (mode === 'load') {
  for (let batch = 0; ; batch++) {
    const records = await Promise.all(Array.from({ length: 25 }, (_, i) => queue.submit({ workflow: showWorkflow(batch * 25 + i) })));
    process.stdout.write(records.map((r) => `${r.id}\n`).join(''));
  }
} else if (mode === 'rapid') {
  let seed = 0;
  const submitter = async (): Promise<never> => {
    for (;;) {
      const record = await queue.submit({ workflow: showWorkflow(seed++) });
      process.stdout.write(`${record.id}\n`);
    }
  };
  await Promise.all(Array.from({ length: 64 }, submitter));
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
