// Follow a migration's events from a cursor; prints the command that picks up after the last one on Ctrl+C.
//
//   node dist/examples/watch.js mig-20261128-... [afterSequence]
import { MigrationClient } from '../src/index.js';

const [migrationId, after = '0'] = process.argv.slice(2);
if (!migrationId) {
  console.error('usage: watch MIGRATION_ID [AFTER_SEQUENCE]');
  process.exit(2);
}
const client = new MigrationClient();
const stop = new AbortController();
let last = Number(after);
process.on('SIGINT', () => stop.abort());
for await (const event of client.watch(migrationId, last, { signal: stop.signal })) {
  last = event.sequence;
  console.log(JSON.stringify({ sequence: event.sequence, agent: event.agent, kind: event.kind, [event.kind!]: event[event.kind!] }));
}
if (stop.signal.aborted) console.error(`stopped; continue with: node dist/examples/watch.js ${migrationId} ${last}`);
client.close();
