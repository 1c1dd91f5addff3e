// Create a migration, print its plan, approve it, start it and follow its progress until it ends.
//
//   node dist/examples/run-migration.js --source "Host=...;Database=legacy;..." --target "Host=...;Database=modern;..."
//   (server, TLS and token from MIGRATION_SERVER, MIGRATION_CA_CERT, MIGRATION_TOKEN / MIGRATION_API_KEY)
import { parseArgs } from 'node:util';

import { MigrationClient, phaseName, seconds } from '../src/index.js';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    target: { type: 'string' },
    'batch-size': { type: 'string', default: '0' },
    'fk-mode': { type: 'string' },
  },
});
if (!values.source || !values.target) {
  console.error('usage: run-migration --source CONN --target CONN [--batch-size N] [--fk-mode keep|recreate]');
  process.exit(2);
}

const client = new MigrationClient();
try {
  const { migration, plan } = await client.create(values.source, values.target, {
    baseBatchSize: Number(values['batch-size']),
    requestedBy: 'example',
  });
  const id = migration!.id;
  console.log(`migration ${id}: ${phaseName(migration!.phase)}\n${plan?.summary}`);
  await client.approve(id, {
    approvedBy: 'example',
    foreignKeyMode: values['fk-mode'] as 'keep' | 'recreate' | undefined,
  });
  await client.start(id, { startedBy: 'example' });
  for await (const event of client.watch(id)) {
    if (event.phaseChanged) console.log(`#${event.sequence} phase -> ${phaseName(event.phaseChanged.to)}`);
    if (event.batchCompleted) {
      const b = event.batchCompleted;
      console.log(`#${event.sequence} ${b.table}: ${b.tableRowsCopied}/${b.tableRowsTotal} rows ` +
        `(${Math.round(b.rowsPerSecond)} rows/s, page ${seconds(b.duration).toFixed(2)} s)`);
    }
    if (event.warning) console.log(`#${event.sequence} warning: ${event.warning.message}`);
    if (event.error) console.log(`#${event.sequence} error: ${event.error.message}`);
  }
  const final = await client.get(id);
  console.log(`${phaseName(final.phase)}: ${final.rowsCopied} rows; ${final.validation?.summary ?? ''}`);
  process.exitCode = final.phase === 'MIGRATION_PHASE_COMPLETED' && final.validation?.passed ? 0 : 1;
} finally {
  client.close();
}
