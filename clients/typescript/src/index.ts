export {
  MigrationClient,
  TERMINAL_PHASES,
  connectionSpec,
  eventKind,
  phaseName,
  seconds,
  type CreateOptions,
  type ForeignKeyMode,
  type WatchOptions,
} from './client.js';
export { DEFAULT_SERVER, authHeaders, parseServer, type ConnectionOptions } from './connection.js';
export { Conversation, type ConverseKind } from './conversation.js';
export { migrationPackage, protoRoot } from './protos.js';
export type { AskResponse__Output as AskResponse } from './generated/migration/v1/AskResponse.js';
export type { ConverseResponse__Output as ConverseResponse } from './generated/migration/v1/ConverseResponse.js';
export type { DecisionCard__Output as DecisionCard } from './generated/migration/v1/DecisionCard.js';
export type { GuidanceReply__Output as GuidanceReply } from './generated/migration/v1/GuidanceReply.js';
export type { Migration__Output as Migration } from './generated/migration/v1/Migration.js';
export type { MigrationEvent__Output as MigrationEvent } from './generated/migration/v1/MigrationEvent.js';
export type { MigrationPhase__Output as MigrationPhase } from './generated/migration/v1/MigrationPhase.js';
export type { MigrationPlan__Output as MigrationPlan } from './generated/migration/v1/MigrationPlan.js';
export type { ValidationReport__Output as ValidationReport } from './generated/migration/v1/ValidationReport.js';
