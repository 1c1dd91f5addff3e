// The wrapper against a live server and a real PostgreSQL: create, approve, start, watch, resume, errors.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { MigrationClient, TERMINAL_PHASES, type MigrationEvent } from '../src/index.js';
import { Postgres, SMALL_BATCHES, serverUrl, type DatabasePair } from './support.js';

describe('MigrationClient against a live server', () => {
  let client: MigrationClient;
  let postgres: Postgres;
  const pairs: DatabasePair[] = [];

  before(async () => {
    client = new MigrationClient({ server: serverUrl(), timeoutMs: 120_000 });
    postgres = new Postgres();
    await client.waitUntilReady();
  });
  after(() => {
    client.close();
    for (const pair of pairs) postgres.drop(pair);
  });

  function databases(name: string): DatabasePair {
    const pair = postgres.createPair(`ts_${name}`);
    pairs.push(pair);
    return pair;
  }

  it('create plans the migration and waits for approval', async () => {
    const db = databases('create');
    const { migration, plan } = await client.create(db.source, db.target, {
      includeSchemas: ['public'],
      requestedBy: 'node-test',
      ...SMALL_BATCHES,
    });

    assert.ok(migration!.id);
    assert.equal(migration!.phase, 'MIGRATION_PHASE_AWAITING_APPROVAL');
    assert.ok(!migration!.source.includes('Password'));
    const waveOf = new Map(plan!.waves.flatMap((w) => w.tables.map((t) => [t.table, w.number] as const)));
    assert.deepEqual([...waveOf.keys()].sort(), ['public.customers', 'public.order_notes', 'public.orders']);
    assert.ok(waveOf.get('public.customers')! < waveOf.get('public.orders')!);
    assert.ok(waveOf.get('public.orders')! < waveOf.get('public.order_notes')!);
    assert.equal((await client.getPlan(migration!.id)).migrationId, migration!.id);
    assert.ok((await client.list()).some((m) => m.id === migration!.id));
  });

  it('approve, start and watch run it to completion with gap-free sequences', async () => {
    const db = databases('run');
    const id = (await client.create(db.source, db.target, { includeSchemas: ['public'], ...SMALL_BATCHES })).migration!.id;

    await client.approve(id, { approvedBy: 'node-test', foreignKeyMode: 'recreate' });
    assert.equal((await client.getPlan(id)).approved, true);
    await client.start(id, { startedBy: 'node-test' });
    const events: MigrationEvent[] = [];
    for await (const event of client.watch(id)) events.push(event);

    assert.deepEqual(events.map((e) => e.sequence), events.map((_, i) => i + 1));
    const batches = events.filter((e) => e.kind === 'batchCompleted').map((e) => e.batchCompleted!);
    assert.ok(batches.length >= 30, `expected dozens of batches, got ${batches.length}`);
    assert.ok(batches.every((b) => b.rows <= 100));
    const final = await client.get(id);
    assert.equal(final.phase, 'MIGRATION_PHASE_COMPLETED', final.errorMessage);
    assert.ok(TERMINAL_PHASES.has(final.phase));
    assert.equal(final.rowsCopied, 3400);
    assert.equal(final.lastEventSequence, events[events.length - 1].sequence);
    assert.equal(postgres.scalar(db.targetDb, 'SELECT count(*) FROM public.order_notes'), '500');
    const report = await client.validate(id);
    assert.equal(report.passed, true, report.summary);
    const metrics = await client.metrics(id);
    assert.equal(metrics.migration!.rowsCopied, 3400);
    assert.equal(metrics.migration!.batchesCompleted, batches.length);
    assert.equal(metrics.migration!.tables.reduce((sum, t) => sum + t.rows, 0), 3400);
    assert.equal(metrics.migration!.errors, 0);
    assert.ok(metrics.server!.workingSetBytes > 0);
  });

  it('watch from a sequence resumes right after it', async () => {
    const db = databases('resume');
    const id = (await client.create(db.source, db.target, { includeSchemas: ['public'], ...SMALL_BATCHES })).migration!.id;
    await client.start(id, { autoApprove: true });
    const first: MigrationEvent[] = [];
    for await (const event of client.watch(id)) {
      first.push(event);
      if (first.length === 5) break; // stop watching half-way; the migration goes on
    }
    const cursor = first[first.length - 1].sequence;

    const rest: MigrationEvent[] = [];
    for await (const event of client.watch(id, cursor)) rest.push(event);

    assert.equal(rest[0].sequence, cursor + 1);
    assert.deepEqual(rest.map((e) => e.sequence), rest.map((_, i) => cursor + 1 + i));
    const replay: MigrationEvent[] = [];
    for await (const event of client.watch(id, 0)) replay.push(event);
    assert.deepEqual(replay, [...first, ...rest]);
    assert.equal((await client.get(id)).phase, 'MIGRATION_PHASE_COMPLETED');
  });

  it('an aborted watch ends quietly', async () => {
    const db = databases('abort');
    const id = (await client.create(db.source, db.target, { includeSchemas: ['public'] })).migration!.id;
    const stop = new AbortController();
    const seen: number[] = [];
    for await (const event of client.watch(id, 0, { signal: stop.signal })) {
      seen.push(event.sequence);
      stop.abort(); // the planned migration waits for approval: without the abort this would wait for ever
    }
    assert.deepEqual(seen, [1]);
    await client.cancel(id, 'test done');
  });

  it('get of an unknown migration rejects with NOT_FOUND', async () => {
    await assert.rejects(client.get('no-such-migration'), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
  });

  it('inconsistent batch settings reject with INVALID_ARGUMENT', async () => {
    const db = databases('invalid');
    await assert.rejects(
      client.create(db.source, db.target, { baseBatchSize: 1000, maxBatchSize: 10 }),
      (e: grpc.ServiceError) => e.code === grpc.status.INVALID_ARGUMENT,
    );
  });

  it('refuses bad input before calling', async () => {
    assert.throws(() => client.create(' ', 'modern'), /required/);
    await assert.rejects(client.watch('any', -1).next(), RangeError);
  });
});
