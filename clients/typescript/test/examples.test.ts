// The examples, run as a user would (node dist/examples/...) against the live server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { MigrationClient } from '../src/index.js';
import { Postgres, serverUrl, type DatabasePair } from './support.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
const run = promisify(execFile);

describe('examples against a live server', () => {
  let postgres: Postgres;
  const pairs: DatabasePair[] = [];
  const env = () => ({ ...process.env, MIGRATION_SERVER: serverUrl() });

  before(() => {
    postgres = new Postgres();
  });
  after(() => {
    for (const pair of pairs) postgres.drop(pair);
  });

  it('run-migration creates, approves, starts and follows a migration to a validated end', async () => {
    const db = postgres.createPair('ts_example');
    pairs.push(db);
    const { stdout } = await run(process.execPath, [join(examples, 'run-migration.js'), '--source', db.source, '--target', db.target,
      '--batch-size', '500', '--fk-mode', 'recreate'], { env: env(), timeout: 300_000 });
    assert.match(stdout, /^migration mig-\S+: awaiting-approval/m);
    assert.match(stdout, /phase -> execution/);
    assert.match(stdout, /^completed: 3400 rows; All 3 tables match/m);
  });

  it('ask prints the answer and the pending decision', async () => {
    const db = postgres.createPair('ts_example_ask');
    pairs.push(db);
    const client = new MigrationClient({ server: serverUrl() });
    const id = (await client.create(db.source, db.target, { includeSchemas: ['public'] })).migration!.id;
    client.close();
    const { stdout, stderr } = await run(process.execPath, [join(examples, 'ask.js'), id, 'Is anything waiting for me?'],
      { env: env(), timeout: 120_000 });
    assert.match(stdout, /decision plan-approval/);
    assert.match(stdout, /\[approve-and-start\] Approve and start/);
    assert.match(stderr, /conversation /);
  });
});
