import * as grpc from '@grpc/grpc-js';

import { channelSettings, resolveOptions, type ConnectionOptions } from './connection.js';
import { Conversation } from './conversation.js';
import type { AnswerDecisionResponse__Output } from './generated/migration/v1/AnswerDecisionResponse.js';
import type { AskResponse__Output } from './generated/migration/v1/AskResponse.js';
import type { ConnectionSpec } from './generated/migration/v1/ConnectionSpec.js';
import type { CreateMigrationResponse__Output } from './generated/migration/v1/CreateMigrationResponse.js';
import type { DecisionCard__Output } from './generated/migration/v1/DecisionCard.js';
import type { DecisionHistoryEntry__Output } from './generated/migration/v1/DecisionHistoryEntry.js';
import type { GetMetricsResponse__Output } from './generated/migration/v1/GetMetricsResponse.js';
import type { GuidanceServiceClient } from './generated/migration/v1/GuidanceService.js';
import type { Migration__Output } from './generated/migration/v1/Migration.js';
import type { MigrationEvent__Output } from './generated/migration/v1/MigrationEvent.js';
import type { MigrationOptions } from './generated/migration/v1/MigrationOptions.js';
import type { MigrationPhase__Output } from './generated/migration/v1/MigrationPhase.js';
import type { MigrationPlan__Output } from './generated/migration/v1/MigrationPlan.js';
import type { MigrationServiceClient } from './generated/migration/v1/MigrationService.js';
import type { OperationsServiceClient } from './generated/migration/v1/OperationsService.js';
import type { ValidationReport__Output } from './generated/migration/v1/ValidationReport.js';
import { migrationPackage } from './protos.js';

/** Phases after which a migration never changes again (the watch stream ends there). */
export const TERMINAL_PHASES: ReadonlySet<MigrationPhase__Output> = new Set<MigrationPhase__Output>([
  'MIGRATION_PHASE_COMPLETED',
  'MIGRATION_PHASE_FAILED',
  'MIGRATION_PHASE_ROLLED_BACK',
  'MIGRATION_PHASE_CANCELLED',
]);

/** Status codes after which a watch re-attaches from its cursor instead of failing (a restarting server). */
const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.INTERNAL, grpc.status.UNKNOWN]);

export type ForeignKeyMode = 'keep' | 'recreate';

const FOREIGN_KEY_MODES = {
  keep: 'FOREIGN_KEY_MODE_KEEP',
  recreate: 'FOREIGN_KEY_MODE_RECREATE_AFTER_LOAD',
} as const;

export interface CreateOptions {
  includeSchemas?: string[];
  excludeSchemas?: string[];
  includeTables?: string[];
  excludeTables?: string[];
  forceMappedTables?: string[];
  baseBatchSize?: number;
  maxBatchSize?: number;
  minBatchSize?: number;
  maxConcurrentBatches?: number;
  foreignKeyMode?: ForeignKeyMode;
  controlSchema?: string;
  validateBatches?: boolean;
  description?: string;
  requestedBy?: string;
}

export interface WatchOptions {
  /** Re-attach from the cursor when the connection drops (default true). */
  reconnect?: boolean;
  /** Give up after this long without a connection (default 120 s). */
  giveUpAfterMs?: number;
  /** Stops the watch (the iteration ends without an error). */
  signal?: AbortSignal;
}

/** A full Npgsql connection string (anything with `=`) or the name of a connection configured on the server. */
export function connectionSpec(value: string): ConnectionSpec {
  if (!value || !value.trim()) throw new Error('a connection string or a connection name is required');
  return value.includes('=') ? { connectionString: value } : { name: value };
}

/** `MIGRATION_PHASE_AWAITING_APPROVAL` -> `awaiting-approval`. */
export function phaseName(phase: MigrationPhase__Output | string): string {
  return String(phase).replace(/^MIGRATION_PHASE_/, '').toLowerCase().replaceAll('_', '-');
}

/** A protobuf Duration in seconds. */
export function seconds(duration: { seconds?: number | string; nanos?: number } | null | undefined): number {
  if (!duration) return 0;
  return Number(duration.seconds ?? 0) + (duration.nanos ?? 0) / 1e9;
}

/** Which field of the event's oneof is set: 'batchCompleted', 'phaseChanged', ... */
export function eventKind(event: MigrationEvent__Output): NonNullable<MigrationEvent__Output['kind']> | undefined {
  return event.kind ?? undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;

type ShortUnaryMethod<Req, Res> = (request: Req, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

/**
 * The common calls of the Migration.Grpc API over @grpc/grpc-js.
 *
 * ```ts
 * const client = new MigrationClient({ server: 'http://127.0.0.1:5080' });
 * const { migration } = await client.create(source, target);
 * await client.start(migration!.id, { autoApprove: true });
 * for await (const event of client.watch(migration!.id)) console.log(event.sequence, event.kind);
 * client.close();
 * ```
 * Failed calls reject with a grpc.ServiceError (`code`, `details`). The raw clients are `migrations`, `guidance` and `operations`.
 */
export class MigrationClient {
  readonly migrations: MigrationServiceClient;
  readonly guidance: GuidanceServiceClient;
  readonly operations: OperationsServiceClient;
  readonly options: ConnectionOptions & { server: string; timeoutMs: number };

  constructor(options: ConnectionOptions = {}) {
    this.options = resolveOptions(options);
    const { address, credentials, clientOptions } = channelSettings(this.options);
    const pkg = migrationPackage();
    this.migrations = new pkg.MigrationService(address, credentials, clientOptions);
    // The second client shares the first one's channel.
    this.guidance = new pkg.GuidanceService(address, credentials, {
      ...clientOptions,
      channelOverride: this.migrations.getChannel(),
    });
    this.operations = new pkg.OperationsService(address, credentials, {
      ...clientOptions,
      channelOverride: this.migrations.getChannel(),
    });
  }

  close(): void {
    this.operations.close();
    this.guidance.close();
    this.migrations.close();
  }

  /** Resolves once the channel is connected (rejects after timeoutMs). */
  waitUntilReady(timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) =>
      this.migrations.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve())),
    );
  }

  // `method` is a generated overloaded method: its last overload, (argument, callback), gives Req and Res.
  private unary<Req, Res>(client: grpc.Client, method: ShortUnaryMethod<Req, Res>, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      (method as unknown as UnaryMethod<Req, Res>).call(client, request, new grpc.Metadata(), { deadline: Date.now() + this.options.timeoutMs }, (error, response) =>
        error ? reject(error) : resolve(response as Res),
      );
    });
  }

  // -- MigrationService ---------------------------------------------------------------------------------------------

  /** Creates a migration (analysis and plan); it then waits for approval. */
  create(source: string, target: string, options: CreateOptions = {}): Promise<CreateMigrationResponse__Output> {
    const migrationOptions: MigrationOptions = {
      includeSchemas: options.includeSchemas ?? [],
      excludeSchemas: options.excludeSchemas ?? [],
      includeTables: options.includeTables ?? [],
      excludeTables: options.excludeTables ?? [],
      forceMappedTables: options.forceMappedTables ?? [],
      maxConcurrentBatches: options.maxConcurrentBatches ?? 0,
      foreignKeyMode: options.foreignKeyMode ? FOREIGN_KEY_MODES[options.foreignKeyMode] : 'FOREIGN_KEY_MODE_UNSPECIFIED',
      controlSchema: options.controlSchema ?? '',
    };
    if (options.baseBatchSize || options.maxBatchSize || options.minBatchSize) {
      migrationOptions.batch = {
        baseBatchSize: options.baseBatchSize ?? 0,
        maxBatchSize: options.maxBatchSize ?? 0,
        minBatchSize: options.minBatchSize ?? 0,
      };
    }
    if (options.validateBatches !== undefined) migrationOptions.validateBatches = options.validateBatches;
    return this.unary(this.migrations, this.migrations.createMigration, {
      source: connectionSpec(source),
      target: connectionSpec(target),
      options: migrationOptions,
      description: options.description ?? '',
      requestedBy: options.requestedBy ?? '',
    });
  }

  async getPlan(migrationId: string): Promise<MigrationPlan__Output> {
    return (await this.unary(this.migrations, this.migrations.getPlan, { migrationId })).plan!;
  }

  /** Approves the plan; `foreignKeyMode` answers its foreign key decision (default: the recommendation). */
  async approve(
    migrationId: string,
    options: { approvedBy?: string; foreignKeyMode?: ForeignKeyMode; comment?: string } = {},
  ): Promise<Migration__Output> {
    const response = await this.unary(this.migrations, this.migrations.approvePlan, {
      migrationId,
      approvedBy: options.approvedBy ?? '',
      foreignKeyMode: options.foreignKeyMode ? FOREIGN_KEY_MODES[options.foreignKeyMode] : 'FOREIGN_KEY_MODE_UNSPECIFIED',
      comment: options.comment ?? '',
    });
    return response.migration!;
  }

  async start(migrationId: string, options: { autoApprove?: boolean; startedBy?: string } = {}): Promise<Migration__Output> {
    const response = await this.unary(this.migrations, this.migrations.startMigration, {
      migrationId,
      autoApprove: options.autoApprove ?? false,
      startedBy: options.startedBy ?? '',
    });
    return response.migration!;
  }

  async pause(migrationId: string, reason = ''): Promise<Migration__Output> {
    return (await this.unary(this.migrations, this.migrations.pauseMigration, { migrationId, reason })).migration!;
  }

  async resume(migrationId: string): Promise<Migration__Output> {
    return (await this.unary(this.migrations, this.migrations.resumeMigration, { migrationId })).migration!;
  }

  async cancel(migrationId: string, reason = ''): Promise<Migration__Output> {
    return (await this.unary(this.migrations, this.migrations.cancelMigration, { migrationId, reason })).migration!;
  }

  async get(migrationId: string): Promise<Migration__Output> {
    return (await this.unary(this.migrations, this.migrations.getMigration, { migrationId })).migration!;
  }

  async list(phases: MigrationPhase__Output[] = [], pageSize = 0): Promise<Migration__Output[]> {
    return (await this.unary(this.migrations, this.migrations.listMigrations, { phases, pageSize })).migrations;
  }

  async validate(migrationId: string): Promise<ValidationReport__Output> {
    return (await this.unary(this.migrations, this.migrations.validateMigration, { migrationId })).report!;
  }

  /**
   * Events after `afterSequence` (0 = from the first), then live, until the migration reaches a terminal phase.
   * Each event's `sequence` is the cursor: pass the last one seen to pick up exactly where you stopped. A dropped
   * connection is re-attached from the cursor with backoff (0.5 s doubling to 8 s), so no event is yielded twice or
   * skipped. Break out of the loop (or abort `signal`) to stop watching; the migration goes on.
   */
  async *watch(migrationId: string, afterSequence = 0, options: WatchOptions = {}): AsyncGenerator<MigrationEvent__Output> {
    if (afterSequence < 0) throw new RangeError('afterSequence must be >= 0');
    const reconnect = options.reconnect ?? true;
    const giveUpAfterMs = options.giveUpAfterMs ?? 120_000;
    let cursor = afterSequence;
    let delay = 500;
    let failingSince: number | undefined;
    while (!options.signal?.aborted) {
      const call = this.migrations.watchMigration({ migrationId, afterSequence: cursor });
      const abort = () => call.cancel();
      options.signal?.addEventListener('abort', abort, { once: true });
      try {
        for await (const event of call as AsyncIterable<MigrationEvent__Output>) {
          if (options.signal?.aborted) return;
          if (event.sequence <= cursor) continue; // never yield an event twice
          cursor = event.sequence;
          failingSince = undefined;
          delay = 500;
          yield event;
        }
        return; // the server ends the stream at a terminal phase
      } catch (error) {
        const code = (error as grpc.ServiceError).code;
        if (options.signal?.aborted && code === grpc.status.CANCELLED) return;
        if (!reconnect || !RETRYABLE.has(code)) throw error;
        failingSince ??= Date.now();
        if (Date.now() - failingSince >= giveUpAfterMs) throw error;
        await sleep(delay, options.signal);
        delay = Math.min(delay * 2, 8_000);
      } finally {
        options.signal?.removeEventListener('abort', abort);
        call.cancel();
      }
    }
  }

  /** Watches until the migration ends and returns its final state. */
  async wait(migrationId: string, afterSequence = 0): Promise<Migration__Output> {
    for await (const _ of this.watch(migrationId, afterSequence)) {
      // only the end matters
    }
    return this.get(migrationId);
  }

  // -- GuidanceService ----------------------------------------------------------------------------------------------

  /** One question in plain language; pass the answer's conversationId to ask follow-ups. */
  ask(migrationId: string, text: string, options: { conversationId?: string; user?: string } = {}): Promise<AskResponse__Output> {
    return this.unary(this.guidance, this.guidance.ask, {
      migrationId,
      text,
      conversationId: options.conversationId ?? '',
      user: options.user ?? '',
    });
  }

  /** Opens a chat: `send()` messages and iterate the replies, narrations and decision requests. */
  converse(
    migrationId: string,
    options: { conversationId?: string; user?: string; afterSequence?: number; quiet?: boolean } = {},
  ): Conversation {
    const call = this.guidance.converse();
    call.write({
      open: {
        migrationId,
        conversationId: options.conversationId ?? '',
        user: options.user ?? '',
        afterSequence: options.afterSequence ?? 0,
        quiet: options.quiet ?? false,
      },
    });
    return new Conversation(call);
  }

  async listDecisions(migrationId: string): Promise<DecisionCard__Output[]> {
    return (await this.unary(this.guidance, this.guidance.listDecisions, { migrationId })).decisions;
  }

  answerDecision(
    migrationId: string,
    decisionId: string,
    optionId: string,
    options: { answeredBy?: string; reason?: string } = {},
  ): Promise<AnswerDecisionResponse__Output> {
    return this.unary(this.guidance, this.guidance.answerDecision, {
      migrationId,
      decisionId,
      optionId,
      answeredBy: options.answeredBy ?? '',
      reason: options.reason ?? '',
    });
  }

  async decisionHistory(migrationId: string): Promise<DecisionHistoryEntry__Output[]> {
    return (await this.unary(this.guidance, this.guidance.getDecisionHistory, { migrationId })).decisions;
  }

  /**
   * Live figures without a metrics backend (OperationsService.GetMetrics): `migration` (rows, records per second,
   * batch times, errors, retries, rollbacks, integrity score, completion time, per table) and `server` (memory, CPU,
   * disk, health checks).
   */
  metrics(migrationId: string): Promise<GetMetricsResponse__Output> {
    return this.unary(this.operations, this.operations.getMetrics, { migrationId });
  }
}
